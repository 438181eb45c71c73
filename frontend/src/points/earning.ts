// How points are earned: each rule of the team, its worth, and where in the war room it is earned.

import { request } from "../api/client";
import { PointRulesDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { hasMessage, t, translate } from "../i18n";
import { formatPoints } from "../i18n/format";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { actionLabel } from "./labels";
import type { PointAction, PointRule } from "./types";

/** Where an action is earned, in a sentence ("Name a version in a case's Versions tab."). */
export function earnedWhere(action: PointAction | string): string | null {
  const key = `points.where.${action}`;
  return hasMessage(key) ? translate(key) : null;
}

function ruleItem(rule: PointRule): HTMLElement {
  const where = earnedWhere(rule.action);
  return h(
    "li",
    { class: rule.active ? "earning-rule" : "earning-rule inactive", "data-action": rule.action, "data-testid": "earning-rule" },
    h(
      "div",
      { class: "earning-head" },
      h("strong", {}, actionLabel(rule.action)),
      h("span", { class: "badge" }, rule.active ? t("wallet.points", { count: rule.points, points: formatPoints(rule.points) }) : t("wallet.earning.off")),
    ),
    where ? h("p", { class: "hint" }, where) : null,
  );
}

export function earningRules(): HTMLElement {
  const list = h("ul", { class: "earning-rules" });
  const notice = noticeArea();
  void (async () => {
    try {
      const { pointRules } = await request(PointRulesDocument);
      replaceChildren(list, ...pointRules.map(ruleItem));
    } catch (error) {
      notice.show(errorMessage(error));
    }
  })();
  return h(
    "section",
    { class: "card", "aria-labelledby": "earning-title", "data-testid": "earning" },
    h("h2", { id: "earning-title" }, t("wallet.earning.title")),
    h("p", { class: "hint" }, t("wallet.earning.hint"), " ", h("a", { href: "#/cases" }, t("wallet.earning.toCases"))),
    notice.el,
    list,
  );
}
