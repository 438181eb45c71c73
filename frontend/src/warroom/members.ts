// Case members: who is in the case with which role; the owner adds people (or changes a role).

import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { AddCaseMemberDocument, UsersDocument } from "../api/generated/graphql";
import { CASE_ROLES, type CaseMember, type CaseRole, type User } from "../api/types";
import { t } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";

const SEARCH_DELAY_MS = 200;

function memberRow(member: CaseMember): HTMLElement {
  return h(
    "li",
    { class: "member", "data-user-id": member.user.id },
    h("span", { class: "member-name" }, member.user.name),
    h("span", { class: "member-email" }, member.user.email),
    h("span", { class: `badge role-${member.role.toLowerCase()}` }, t(`roles.case.${member.role}`)),
  );
}

function addMemberForm(
  caseId: string,
  roleOf: (userId: string) => CaseRole | undefined,
  onAdded: (member: CaseMember) => void,
): HTMLElement {
  const search = h("input", { type: "search", placeholder: t("common.searchPeople"), "aria-label": t("warroom.members.search") });
  const results = h("ul", { class: "user-results", role: "listbox", "aria-label": t("warroom.members.found") });
  const role = h("select", { "aria-label": t("warroom.members.role") }, ...CASE_ROLES.map((r) => h("option", { value: r, selected: r === "EDITOR" }, t(`roles.case.${r}`))));
  const notice = noticeArea();
  let timer: number | undefined;
  let latest = 0;

  async function add(user: User): Promise<void> {
    notice.clear();
    try {
      const { addCaseMember } = await request(AddCaseMemberDocument, {
        caseId,
        userId: user.id,
        role: role.value as CaseRole,
      });
      onAdded(addCaseMember);
      void find();
      notice.show(t("warroom.members.added", { name: user.name, role: t(`roles.caseName.${addCaseMember.role}`) }), "info");
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  async function find(): Promise<void> {
    const ticket = ++latest;
    try {
      const { users } = await request(UsersDocument, { search: search.value.trim() || null, first: 20 });
      if (ticket !== latest) return; // a newer search is on its way
      replaceChildren(
        results,
        ...users.nodes.map((user) =>
          h(
            "li",
            { role: "option" },
            h(
              "button",
              { type: "button", class: "user-result", "data-email": user.email, onclick: () => void add(user) },
              h("span", { class: "member-name" }, user.name),
              h("span", { class: "member-email" }, user.email),
              h("span", { class: "add-hint" }, roleOf(user.id) ? t("warroom.members.changeRole") : t("warroom.members.add")),
            ),
          ),
        ),
      );
      if (users.nodes.length === 0) results.append(h("li", { class: "empty" }, t("common.nobodyMatches")));
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  search.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void find(), SEARCH_DELAY_MS);
  });

  return h(
    "div",
    { class: "add-member" },
    h("h3", {}, t("warroom.members.addPerson")),
    h("div", { class: "add-member-controls" }, search, h("label", { class: "inline" }, t("warroom.members.as"), role)),
    results,
    notice.el,
  );
}

/** A dialog listing the case's members; owners also get the add form. `onChange` gets the list after an add. */
export function membersDialog(caseId: string, members: CaseMember[], isOwner: boolean, onChange?: (members: CaseMember[]) => void): HTMLDialogElement {
  const list = h("ul", { class: "member-list" }, ...members.map(memberRow));
  const current = new Map(members.map((m) => [m.user.id, m]));

  function added(member: CaseMember): void {
    current.set(member.user.id, member);
    replaceChildren(list, ...[...current.values()].map(memberRow));
    onChange?.([...current.values()]);
  }

  const dialog = h(
    "dialog",
    { class: "members-dialog", "aria-label": t("warroom.members.dialog") },
    h(
      "div",
      { class: "dialog-head" },
      h("h2", {}, t("warroom.members.title")),
      h("button", { type: "button", class: "button-quiet", onclick: () => dialog.close() }, t("common.close")),
    ),
    list,
    isOwner ? addMemberForm(caseId, (id) => current.get(id)?.role, added) : h("p", { class: "hint" }, t("warroom.members.ownerOnly")),
  );
  return dialog;
}
