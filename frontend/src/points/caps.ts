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

export function capsTable(): { el: HTMLElement; set: (caps: CapUse[]) => void } {
  const body = h("tbody", {});
  const el = h(
    "table",
    { class: "data-table", "data-testid": "caps", "aria-label": t("wallet.caps.title") },
    h("thead", {}, h("tr", {}, h("th", {}, t("wallet.caps.action")), h("th", { class: "num" }, t("wallet.caps.today")), h("th", { class: "num" }, t("wallet.caps.thisMonth")), h("th", {}, ""))),
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
            h("td", { class: "num" }, used(cap.earnedToday, cap.dailyCap)),
            h("td", { class: "num" }, used(cap.earnedThisMonth, cap.monthlyCap)),
            h("td", {}, cap.reached ? h("span", { class: "badge" }, t("wallet.caps.reached")) : null),
          ),
        ),
      );
    },
  };
}
