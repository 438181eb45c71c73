// The earning caps a person has used: per action, points earned today and this month against the team's caps.

import type { MyWalletQuery } from "../api/generated/graphql";
import { t } from "../i18n";
import { formatPoints } from "../i18n/format";
import { h, replaceChildren } from "../ui/dom";
import { actionLabel } from "./labels";

export type CapUse = MyWalletQuery["me"]["pointsWallet"]["caps"][number];

function used(earned: number, cap: number | null | undefined): string {
  return cap === null || cap === undefined ? t("wallet.caps.noCap", { earned: formatPoints(earned) }) : `${formatPoints(earned)} / ${formatPoints(cap)}`;
}

/** Whether this cap holds the next award below the rule's points (the server's `reached`, cap by cap). */
function reached(points: number, earned: number, cap: number | null | undefined): boolean {
  return cap !== null && cap !== undefined && cap - earned < points;
}

/** A cell of the day's or the month's use, with the badge when that cap is the one reached. */
function useCell(which: "daily" | "monthly", points: number, earned: number, cap: number | null | undefined): HTMLElement {
  return h(
    "td",
    { class: "num", "data-cap": which },
    used(earned, cap),
    reached(points, earned, cap) ? h("span", { class: "badge cap-reached", "data-testid": "cap-reached" }, t(`wallet.caps.${which}Reached`)) : null,
  );
}

export function capsTable(): { el: HTMLElement; set: (caps: CapUse[]) => void } {
  const body = h("tbody", {});
  const el = h(
    "table",
    { class: "data-table", "data-testid": "caps", "aria-label": t("wallet.caps.title") },
    h("thead", {}, h("tr", {}, h("th", {}, t("wallet.caps.action")), h("th", { class: "num" }, t("wallet.caps.today")), h("th", { class: "num" }, t("wallet.caps.thisMonth")))),
    body,
  );
  return {
    el,
    set(caps) {
      replaceChildren(
        body,
        ...caps.map((cap) =>
          h(
            "tr",
            { "data-action": cap.action, "data-testid": "cap" },
            h("td", {}, actionLabel(cap.action)),
            useCell("daily", cap.points, cap.earnedToday, cap.dailyCap),
            useCell("monthly", cap.points, cap.earnedThisMonth, cap.monthlyCap),
          ),
        ),
      );
    },
  };
}
