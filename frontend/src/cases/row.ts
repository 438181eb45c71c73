// One case in the list: title, customer, the first lines of its text, my role, the last edit (when and by
// whom) and, for owners, archive / unarchive.

import type { CaseSummary } from "../api/types";
import { t } from "../i18n";
import { casePath } from "../router";
import { h } from "../ui/dom";
import { timeElement } from "../ui/time";

export function lastEdit(item: CaseSummary): HTMLElement {
  if (!item.lastEditedAt) return h("span", { class: "case-edited" }, t("cases.neverEdited"));
  return h(
    "span",
    { class: "case-edited" },
    item.lastEditor ? h("span", { class: "case-editor" }, t("cases.editedBy", { name: item.lastEditor.name })) : null,
    timeElement(item.lastEditedAt),
  );
}

export function caseRow(item: CaseSummary, onArchive: (item: CaseSummary) => void): HTMLElement {
  const archived = item.archivedAt !== null;
  const action =
    item.myRole === "OWNER"
      ? h(
          "button",
          {
            type: "button",
            class: "button-quiet case-archive",
            "aria-label": t(archived ? "cases.unarchiveNamed" : "cases.archiveNamed", { title: item.title }),
            onclick: () => onArchive(item),
          },
          t(archived ? "cases.unarchive" : "cases.archive"),
        )
      : null;
  return h(
    "li",
    { class: archived ? "case-row case-archived" : "case-row", "data-case-id": item.id },
    h(
      "a",
      { href: `#${casePath(item.id)}`, class: "case-link", "data-case-id": item.id },
      h("span", { class: "case-title", title: item.title }, item.title),
      h("span", { class: "case-customer" }, item.customer),
      item.preview ? h("span", { class: "case-preview", "data-testid": "case-preview", translate: "no" }, item.preview) : null,
    ),
    h(
      "div",
      { class: "case-meta" },
      h(
        "div",
        { class: "case-badges" },
        h("span", { class: `badge role-${item.myRole.toLowerCase()}` }, t(`roles.case.${item.myRole}`)),
        archived ? h("span", { class: "badge badge-archived", "data-testid": "archived" }, t("cases.archivedBadge")) : null,
      ),
      lastEdit(item),
    ),
    // Always there, empty for non-owners: every row's columns line up.
    h("div", { class: "case-action" }, action),
  );
}
