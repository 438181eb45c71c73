// Legal's list of pending material access requests across the team's cases: legal people are often not
// members of a case, so the war room's tab is not where they can be expected to find what waits for them.

import "../styles/materials.css";
import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { MaterialAccessRequestsDocument } from "../api/generated/graphql";
import { t } from "../i18n";
import { requestItem } from "../materials/access";
import { casePath } from "../router";
import { getUser } from "../session";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import type { Page } from "../ui/page";

export function accessRequestsPage(): Page {
  const list = h("ul", { class: "material-requests", "data-testid": "access-requests" });
  const notice = noticeArea();
  const me = getUser();

  async function load(): Promise<void> {
    try {
      const { materialAccessRequests } = await request(MaterialAccessRequestsDocument, { status: "PENDING", first: 100 });
      const items = materialAccessRequests.nodes;
      replaceChildren(
        list,
        ...(items.length && me
          ? items.map((item) => {
              const el = requestItem(item, me, false, item.materialName, () => void load());
              el.prepend(h("p", { class: "material-name" }, h("a", { href: `#${casePath(item.caseId)}` }, item.materialName)));
              return el;
            })
          : [h("li", { class: "empty" }, t("materials.legalPage.empty"))]),
      );
      notice.clear();
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }
  void load();
  return { el: h("section", { class: "materials" }, h("h1", {}, t("materials.legalPage.title")), h("p", { class: "hint" }, t("materials.legalPage.intro")), notice.el, list) };
}
