// The team's people with their role and the regions they work in; an admin changes a person's regions here
// (what a REGION_CASES policy reaches for them).

import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { SetUserRegionsDocument } from "../api/generated/graphql";
import { t } from "../i18n";
import { formatNames } from "../i18n/format";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { roleLabel } from "./labels";
import type { AccessState, Person, Reload, Section } from "./state";

export function peopleSection(reload: Reload): Section {
  const notice = noticeArea();
  const body = h("tbody", {});
  let regions: string[] = [];

  function regionsText(person: Person): HTMLElement {
    return person.regions.length
      ? h("span", { translate: "no", "data-testid": "person-regions" }, formatNames(person.regions))
      : h("span", { class: "hint", "data-testid": "person-regions" }, t("admin.people.noRegion"));
  }

  function editor(person: Person, cell: HTMLElement): HTMLElement {
    const boxes = regions.map((region) => ({
      region,
      box: h("input", { type: "checkbox", name: "region", value: region, checked: person.regions.includes(region) }),
    }));
    async function save(event: Event): Promise<void> {
      event.preventDefault();
      notice.clear();
      const chosen = boxes.filter(({ box }) => box.checked).map(({ region }) => region);
      try {
        await request(SetUserRegionsDocument, { userId: person.id, regions: chosen });
        notice.show(t("admin.people.saved", { name: person.name }), "info");
        await reload();
      } catch (error) {
        notice.show(errorMessage(error));
      }
    }
    return h(
      "form",
      { class: "regions-editor", "data-testid": "regions-editor", onsubmit: (event) => void save(event) },
      h(
        "fieldset",
        {},
        h("legend", {}, t("admin.people.regionsOf", { name: person.name })),
        ...(boxes.length
          ? boxes.map(({ region, box }) => h("label", { class: "inline" }, box, h("span", { translate: "no" }, region)))
          : [h("p", { class: "hint" }, t("admin.regions.none"))]),
      ),
      h("button", { type: "submit", class: "button-primary" }, t("common.save")),
      h("button", { type: "button", class: "button-quiet", onclick: () => replaceChildren(cell, ...view(person, cell)) }, t("common.cancel")),
    );
  }

  function view(person: Person, cell: HTMLElement): HTMLElement[] {
    return [
      regionsText(person),
      h(
        "button",
        {
          type: "button",
          class: "button-quiet",
          "data-testid": "edit-regions",
          "aria-label": t("admin.people.editNamed", { name: person.name }),
          onclick: () => {
            replaceChildren(cell, editor(person, cell));
            cell.querySelector<HTMLInputElement>("input")?.focus();
          },
        },
        t("admin.people.edit"),
      ),
    ];
  }

  function row(person: Person): HTMLElement {
    const cell = h("div", { class: "person-regions" });
    replaceChildren(cell, ...view(person, cell));
    return h(
      "tr",
      { "data-testid": "person", "data-user-id": person.id },
      h("td", { translate: "no" }, person.name, h("div", { class: "hint" }, person.email)),
      h("td", {}, roleLabel(person.role)),
      h("td", {}, cell),
    );
  }

  return {
    el: h(
      "section",
      { class: "card", "aria-labelledby": "people-title" },
      h("h2", { id: "people-title" }, t("admin.people.title")),
      h("p", { class: "hint" }, t("admin.people.hint")),
      notice.el,
      h(
        "table",
        { class: "data-table", "aria-labelledby": "people-title" },
        h("thead", {}, h("tr", {}, h("th", {}, t("admin.people.name")), h("th", {}, t("admin.people.role")), h("th", {}, t("admin.people.regions")))),
        body,
      ),
    ),
    show(state: AccessState) {
      regions = state.regions;
      replaceChildren(body, ...state.people.map(row));
    },
  };
}
