// Case members: who is in the case with which role; the owner adds people (or changes a role).

import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { AddCaseMemberDocument, UsersDocument } from "../api/generated/graphql";
import { CASE_ROLES, type CaseMember, type CaseRole, type User } from "../api/types";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";

const SEARCH_DELAY_MS = 200;

function memberRow(member: CaseMember): HTMLElement {
  return h(
    "li",
    { class: "member", "data-user-id": member.user.id },
    h("span", { class: "member-name" }, member.user.name),
    h("span", { class: "member-email" }, member.user.email),
    h("span", { class: `badge role-${member.role.toLowerCase()}` }, member.role),
  );
}

function addMemberForm(
  caseId: string,
  roleOf: (userId: string) => CaseRole | undefined,
  onAdded: (member: CaseMember) => void,
): HTMLElement {
  const search = h("input", { type: "search", placeholder: "Search people by name or email", "aria-label": "Search people" });
  const results = h("ul", { class: "user-results", role: "listbox", "aria-label": "People found" });
  const role = h("select", { "aria-label": "Role" }, ...CASE_ROLES.map((r) => h("option", { value: r, selected: r === "EDITOR" }, r)));
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
      notice.show(`${user.name} now has the ${addCaseMember.role.toLowerCase()} role in this case.`, "info");
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
              h("span", { class: "add-hint" }, roleOf(user.id) ? "Change role" : "Add"),
            ),
          ),
        ),
      );
      if (users.nodes.length === 0) results.append(h("li", { class: "empty" }, "Nobody in your team matches."));
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
    h("h3", {}, "Add a person"),
    h("div", { class: "add-member-controls" }, search, h("label", { class: "inline" }, "as ", role)),
    results,
    notice.el,
  );
}

/** A dialog listing the case's members; owners also get the add form. */
export function membersDialog(caseId: string, members: CaseMember[], isOwner: boolean): HTMLDialogElement {
  const list = h("ul", { class: "member-list" }, ...members.map(memberRow));
  const current = new Map(members.map((m) => [m.user.id, m]));

  function added(member: CaseMember): void {
    current.set(member.user.id, member);
    replaceChildren(list, ...[...current.values()].map(memberRow));
  }

  const dialog = h(
    "dialog",
    { class: "members-dialog", "aria-label": "Case members" },
    h(
      "div",
      { class: "dialog-head" },
      h("h2", {}, "Members"),
      h("button", { type: "button", class: "button-quiet", onclick: () => dialog.close() }, "Close"),
    ),
    list,
    isOwner ? addMemberForm(caseId, (id) => current.get(id)?.role, added) : h("p", { class: "hint" }, "Only the case owner can add people."),
  );
  return dialog;
}
