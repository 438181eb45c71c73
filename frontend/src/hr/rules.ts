// HR's point rules (of their own team): what each action is worth, its daily and monthly caps per person,
// whether it earns at all.

import { request } from "../api/client";
import { PointRulesDocument, UpdatePointRuleDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { t } from "../i18n";
import { formatList, formatPoints, utcDayStart } from "../i18n/format";
import { earnedWhere } from "../points/earning";
import { actionLabel } from "../points/labels";
import type { PointRule } from "../points/types";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { timeElement } from "../ui/time";

/** "Order won now earns 30 points, at most 60 a day and 600 a month (switched off)." */
function savedMessage(rule: PointRule): string {
  const limits = [
    rule.dailyCap === null || rule.dailyCap === undefined ? null : t("hr.rules.daily", { cap: formatPoints(rule.dailyCap) }),
    rule.monthlyCap === null || rule.monthlyCap === undefined ? null : t("hr.rules.monthly", { cap: formatPoints(rule.monthlyCap) }),
  ].filter((limit): limit is string => limit !== null);
  let text = t("hr.rules.earns", { action: actionLabel(rule.action), count: rule.points, points: formatPoints(rule.points) });
  if (limits.length) text = t("hr.rules.withLimits", { text, limits: formatList(limits) });
  if (!rule.active) text = t("hr.rules.switchedOff", { text });
  return t("hr.rules.sentence", { text });
}

export function pointRules(): HTMLElement {
  const notice = noticeArea();
  const body = h("tbody", {});

  function row(rule: PointRule): HTMLElement {
    const action = actionLabel(rule.action);
    const points = h("input", { type: "number", value: rule.points, required: true, "aria-label": t("hr.rules.pointsFor", { action }), class: "narrow" });
    const cap = h("input", { type: "number", min: 0, value: rule.dailyCap ?? "", placeholder: t("hr.rules.noCap"), "aria-label": t("hr.rules.dailyCapFor", { action }), class: "narrow" });
    const monthly = h("input", { type: "number", min: 0, value: rule.monthlyCap ?? "", placeholder: t("hr.rules.noCap"), "aria-label": t("hr.rules.monthlyCapFor", { action }), class: "narrow" });
    const active = h("input", { type: "checkbox", checked: rule.active, "aria-label": t("hr.rules.earnsPoints", { action }) });

    async function save(): Promise<void> {
      notice.clear();
      try {
        const { updatePointRule } = await request(UpdatePointRuleDocument, {
          action: rule.action,
          input: {
            points: Number(points.value),
            dailyCap: cap.value.trim() === "" ? null : Number(cap.value),
            monthlyCap: monthly.value.trim() === "" ? null : Number(monthly.value),
            active: active.checked,
          },
        });
        notice.show(savedMessage(updatePointRule), "info");
        await load();
      } catch (error) {
        notice.show(errorMessage(error));
      }
    }

    return h(
      "tr",
      { "data-action": rule.action, "data-testid": "point-rule" },
      h("td", {}, action, h("div", { class: "hint" }, earnedWhere(rule.action) ?? "")),
      h("td", {}, points),
      h("td", {}, cap),
      h("td", {}, monthly),
      h("td", {}, h("label", { class: "inline" }, active, t("hr.rules.activeLabel"))),
      h("td", {}, timeElement(rule.updatedAt)),
      h("td", {}, h("button", { type: "button", class: "button-quiet", onclick: () => void save() }, t("common.save"))),
    );
  }

  async function load(): Promise<void> {
    try {
      const { pointRules } = await request(PointRulesDocument);
      replaceChildren(body, ...pointRules.map(row));
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  void load();
  return h(
    "section",
    { class: "card", "aria-labelledby": "rules-title" },
    h("h2", { id: "rules-title" }, t("hr.rules.title")),
    h("p", { class: "hint" }, t("hr.rules.hint", { reset: utcDayStart() })),
    notice.el,
    h(
      "table",
      { class: "data-table", "aria-label": t("hr.rules.title") },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, t("hr.rules.action")),
          h("th", {}, t("hr.rules.points")),
          h("th", {}, t("hr.rules.dailyCap")),
          h("th", {}, t("hr.rules.monthlyCap")),
          h("th", {}, t("hr.rules.active")),
          h("th", {}, t("hr.rules.changed")),
          h("th", {}, ""),
        ),
      ),
      body,
    ),
  );
}
