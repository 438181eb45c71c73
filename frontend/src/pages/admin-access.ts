// The admin page of who sees what (#/admin/access): the team's regions, people and their regions, the
// visibility policies, and who has what. Admins only; the server checks every call again.

import "../styles/admin.css";
import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import {
  AccessPeopleDocument,
  TeamRegionsDocument,
  VisibilityPoliciesDocument,
  type AccessPeopleQuery,
} from "../api/generated/graphql";
import { peopleSection } from "../admin/people";
import { policiesSection } from "../admin/policies";
import { regionsSection } from "../admin/regions";
import { isAdmin, type AccessState, type Person } from "../admin/state";
import { whoSection } from "../admin/who";
import { t } from "../i18n";
import { getUser } from "../session";
import { h } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import type { Page } from "../ui/page";

async function everyone(): Promise<Person[]> {
  const people: Person[] = [];
  let after: string | null = null;
  for (;;) {
    const { users }: AccessPeopleQuery = await request(AccessPeopleDocument, { first: 100, after });
    people.push(...users.nodes);
    if (!users.pageInfo.hasNextPage) return people;
    after = users.pageInfo.endCursor;
  }
}

export function adminAccessPage(): Page {
  if (!isAdmin(getUser()?.role)) {
    return { el: h("p", { class: "notice notice-error", role: "alert", "data-testid": "admins-only" }, t("admin.onlyFor"), " ", h("a", { href: "#/cases" }, t("app.toMyCases"))) };
  }
  const notice = noticeArea();
  let generation = 0;
  const sections = [regionsSection(reload), peopleSection(reload), policiesSection(reload), whoSection()];

  async function reload(): Promise<void> {
    const mine = ++generation;
    try {
      const [regions, people, policies] = await Promise.all([
        request(TeamRegionsDocument).then((data) => data.teamRegions),
        everyone(),
        request(VisibilityPoliciesDocument).then((data) => data.visibilityPolicies),
      ]);
      if (mine !== generation) return;
      notice.clear();
      const state: AccessState = { regions, people, policies };
      for (const section of sections) section.show(state);
    } catch (error) {
      if (mine === generation) notice.show(errorMessage(error));
    }
  }

  void reload();
  const el = h(
    "div",
    { class: "admin-page", "data-testid": "admin-access" },
    h("h1", {}, t("admin.heading")),
    h("p", { class: "hint" }, t("admin.intro")),
    notice.el,
    h("div", { class: "admin-grid" }, sections[0].el, sections[3].el),
    sections[1].el,
    sections[2].el,
  );
  return { el };
}
