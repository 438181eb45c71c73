// HR's point rules (of their own team): what each action is worth, its daily and monthly caps per person,
// whether it earns at all.

import { request } from "../api/client";
import { PointRulesDocument, UpdatePointRuleDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { ACTION_LABELS } from "../points/labels";
import type { PointRule } from "../points/types";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { timeElement } from "../ui/time";

export function pointRules(): HTMLElement {
  const notice = noticeArea();
  const body = h("tbody", {});

  function row(rule: PointRule): HTMLElement {
    const points = h("input", { type: "number", value: rule.points, required: true, "aria-label": `Points for ${ACTION_LABELS[rule.action]}`, class: "narrow" });
    const cap = h("input", { type: "number", min: 0, value: rule.dailyCap ?? "", placeholder: "no cap", "aria-label": `Daily cap for ${ACTION_LABELS[rule.action]}`, class: "narrow" });
    const monthly = h("input", { type: "number", min: 0, value: rule.monthlyCap ?? "", placeholder: "no cap", "aria-label": `Monthly cap for ${ACTION_LABELS[rule.action]}`, class: "narrow" });
    const active = h("input", { type: "checkbox", checked: rule.active, "aria-label": `${ACTION_LABELS[rule.action]} earns points` });

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
        const limits = [
          updatePointRule.dailyCap === null || updatePointRule.dailyCap === undefined ? null : `at most ${updatePointRule.dailyCap} a day`,
          updatePointRule.monthlyCap === null || updatePointRule.monthlyCap === undefined ? null : `${updatePointRule.monthlyCap} a month`,
        ].filter(Boolean);
        notice.show(`${ACTION_LABELS[updatePointRule.action]} now earns ${updatePointRule.points} points${limits.length ? `, ${limits.join(" and ")}` : ""}${updatePointRule.active ? "" : " (switched off)"}.`, "info");
        await load();
      } catch (error) {
        notice.show(errorMessage(error));
      }
    }

    return h(
      "tr",
      { "data-action": rule.action, "data-testid": "point-rule" },
      h("td", {}, ACTION_LABELS[rule.action]),
      h("td", {}, points),
      h("td", {}, cap),
      h("td", {}, monthly),
      h("td", {}, h("label", { class: "inline" }, active, "active")),
      h("td", {}, timeElement(rule.updatedAt)),
      h("td", {}, h("button", { type: "button", class: "button-quiet", onclick: () => void save() }, "Save")),
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
    h("h2", { id: "rules-title" }, "Point rules"),
    h(
      "p",
      { class: "hint" },
      "Your team's rules. Caps count points per person per action per day and per calendar month (UTC); an award beyond a cap is written with the points left (possibly 0) and says which cap stopped it. Every change is audited.",
    ),
    notice.el,
    h(
      "table",
      { class: "data-table", "aria-label": "Point rules" },
      h("thead", {}, h("tr", {}, h("th", {}, "Action"), h("th", {}, "Points"), h("th", {}, "Daily cap"), h("th", {}, "Monthly cap"), h("th", {}, "Active"), h("th", {}, "Changed"), h("th", {}, ""))),
      body,
    ),
  );
}
