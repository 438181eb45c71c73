// The HR page: the redemption queue, the reward catalogue, point rules, adjustments, the ranking and the
// points anomalies.

import { getUser } from "../session";
import { isHr } from "../hr/access";
import { adjustPoints } from "../hr/adjust";
import { pointAnomalies } from "../hr/anomalies";
import { redemptionQueue } from "../hr/queue";
import { contributionRanking } from "../hr/ranking";
import { rewardEditor } from "../hr/rewards";
import { pointRules } from "../hr/rules";
import { h } from "../ui/dom";
import type { Page } from "../ui/page";

export function hrPage(): Page {
  if (!isHr(getUser()?.role)) {
    return { el: h("p", { class: "notice notice-error", role: "alert" }, "The HR page is for HR and admins. ", h("a", { href: "#/wallet" }, "Go to my wallet.")) };
  }
  const el = h(
    "div",
    { class: "hr-page" },
    h("h1", {}, "HR"),
    h("div", { class: "hr-grid" }, redemptionQueue().el, adjustPoints()),
    rewardEditor(),
    contributionRanking(),
    pointAnomalies(),
    pointRules(),
  );
  return { el };
}
