// The earning caps a person has used: per action, points earned today and this month against the team's caps.

import type { MyWalletQuery } from "../api/generated/graphql";
import { h, replaceChildren } from "../ui/dom";
import { ACTION_LABELS } from "./labels";

export type CapUse = MyWalletQuery["me"]["pointsWallet"]["caps"][number];

function used(earned: number, cap: number | null | undefined): string {
  return cap === null || cap === undefined ? `${earned} (no cap)` : `${earned} / ${cap}`;
}

export function capsTable(): { el: HTMLElement; set: (caps: CapUse[]) => void } {
  const body = h("tbody", {});
  const el = h(
    "table",
    { class: "data-table", "data-testid": "caps", "aria-label": "Earning caps" },
    h("thead", {}, h("tr", {}, h("th", {}, "Action"), h("th", { class: "num" }, "Today"), h("th", { class: "num" }, "This month"), h("th", {}, ""))),
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
            h("td", {}, ACTION_LABELS[cap.action] ?? cap.action),
            h("td", { class: "num" }, used(cap.earnedToday, cap.dailyCap)),
            h("td", { class: "num" }, used(cap.earnedThisMonth, cap.monthlyCap)),
            h("td", {}, cap.reached ? h("span", { class: "badge" }, "cap reached") : null),
          ),
        ),
      );
    },
  };
}
