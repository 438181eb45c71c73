// Legal's page for material access: the pending requests across the team's cases, and the grants that are
// open now, each with Revoke. Legal people are often not members of a case, so the war room's tab is not
// where they can be expected to find what waits for them. A case owner who opens it sees their cases' ones.

import "../styles/materials.css";
import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { MaterialAccessRequestsDocument, type MaterialAccessRequestFieldsFragment as AccessRequest } from "../api/generated/graphql";
import { t } from "../i18n";
import { type Changed, requestItem } from "../materials/access";
import { casePath } from "../router";
import { getUser } from "../session";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import type { Page } from "../ui/page";

export function accessRequestsPage(): Page {
  const pending = h("ul", { class: "material-requests", "data-testid": "access-requests", "aria-labelledby": "access-pending-title" });
  const open = h("ul", { class: "material-requests", "data-testid": "access-grants", "aria-labelledby": "access-grants-title" });
  const notice = noticeArea();
  const me = getUser();

  function items(list: readonly AccessRequest[], empty: string, changed: Changed): HTMLElement[] {
    if (!list.length || !me) return [h("li", { class: "empty" }, empty)];
    return list.map((item) => {
      // Without the role legal, the server lists only the caller's own requests and those of cases they
      // own; legal acts as legal here (an owner's steps are for the war room, where the role is known).
      const owner = me.role !== "LEGAL" && item.requester?.id !== me.id;
      const el = requestItem(item, me, owner, item.materialName, changed);
      el.prepend(h("p", { class: "material-name" }, h("a", { href: `#${casePath(item.caseId)}` }, item.materialName)));
      return el;
    });
  }

  async function load(message?: string, kind: "error" | "info" = "error"): Promise<void> {
    try {
      const [waiting, granted] = await Promise.all([
        request(MaterialAccessRequestsDocument, { status: "PENDING", first: 100 }),
        request(MaterialAccessRequestsDocument, { status: "GRANTED", first: 100 }),
      ]);
      const changed: Changed = (next, nextKind) => void load(next, nextKind);
      const live = granted.materialAccessRequests.nodes.filter((item) => item.grant?.state === "LIVE");
      replaceChildren(pending, ...items(waiting.materialAccessRequests.nodes, t("materials.legalPage.empty"), changed));
      replaceChildren(open, ...items(live, t("materials.legalPage.noGrants"), changed));
      if (message) notice.show(message, kind);
      else notice.clear();
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }
  void load();
  return {
    el: h(
      "section",
      { class: "materials" },
      h("h1", {}, t("materials.legalPage.title")),
      h("p", { class: "hint" }, t("materials.legalPage.intro")),
      notice.el,
      h("h2", { id: "access-pending-title" }, t("materials.legalPage.pending")),
      pending,
      h("h2", { id: "access-grants-title" }, t("materials.legalPage.grants")),
      h("p", { class: "hint" }, t("materials.legalPage.grantsIntro")),
      open,
    ),
  };
}
