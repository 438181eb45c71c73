// The HR page: approvals, the redemption queue, the reward catalogue, point rules, adjustments, the
// ranking and the points anomalies. Finance sees the approvals of orders won only.

import { getUser } from "../session";
import { approvesOrders, isHr } from "../hr/access";
import { adjustPoints } from "../hr/adjust";
import { approvals } from "../hr/approvals";
import { pointAnomalies } from "../hr/anomalies";
import { redemptionQueue } from "../hr/queue";
import { contributionRanking } from "../hr/ranking";
import { rewardEditor } from "../hr/rewards";
import { pointRules } from "../hr/rules";
import { t } from "../i18n";
import { h } from "../ui/dom";
import type { Page } from "../ui/page";

export function hrPage(): Page {
  const role = getUser()?.role;
  if (!approvesOrders(role)) {
    return { el: h("p", { class: "notice notice-error", role: "alert" }, t("hr.onlyFor"), h("a", { href: "#/wallet" }, t("hr.toWallet"))) };
  }
  if (!isHr(role)) return { el: h("div", { class: "hr-page" }, h("h1", {}, t("hr.approvals.title")), approvals({ adjustments: false })) };
  const el = h(
    "div",
    { class: "hr-page" },
    h("h1", {}, t("hr.heading")),
    approvals({ adjustments: true }),
    h("div", { class: "hr-grid" }, redemptionQueue().el, adjustPoints()),
    rewardEditor(),
    contributionRanking(),
    pointAnomalies(),
    pointRules(),
  );
  return { el };
}
