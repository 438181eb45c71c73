// The rewards catalogue as a member sees it: name, kind, cost, stock, and a Redeem button.

import { t } from "../i18n";
import { formatPoints } from "../i18n/format";
import { h, replaceChildren } from "../ui/dom";
import { kindLabel, stockLabel } from "./labels";
import type { Reward } from "./types";

export interface Catalogue {
  el: HTMLElement;
  set: (rewards: Reward[], balance: number) => void;
  /** Re-checks which rewards the balance covers. */
  setBalance: (balance: number) => void;
}

export function rewardCatalogue(onRedeem: (reward: Reward) => void): Catalogue {
  const body = h("tbody", {});
  const empty = h("p", { class: "empty" }, t("wallet.catalogue.empty"));
  const table = h(
    "table",
    { class: "data-table", "data-testid": "rewards", "aria-label": t("wallet.catalogue.label") },
    h("thead", {}, h("tr", {}, h("th", {}, t("wallet.catalogue.reward")), h("th", {}, t("wallet.catalogue.kind")), h("th", { class: "num" }, t("wallet.catalogue.cost")), h("th", {}, t("wallet.catalogue.stock")), h("th", {}, ""))),
    body,
  );
  let rewards: Reward[] = [];

  function row(reward: Reward, balance: number): HTMLElement {
    const short = balance < reward.cost;
    const out = reward.stock === 0;
    const missing = reward.cost - balance;
    const button = h(
      "button",
      {
        type: "button",
        class: "button-primary",
        "aria-label": t("wallet.catalogue.redeemNamed", { name: reward.name }),
        title: out
          ? t("points.stock.out")
          : short
            ? t("wallet.catalogue.needMore", { count: missing, points: formatPoints(missing) })
            : t("wallet.catalogue.redeemFor", { count: reward.cost, points: formatPoints(reward.cost) }),
        onclick: () => onRedeem(reward),
      },
      t("wallet.catalogue.redeem"),
    );
    return h(
      "tr",
      { "data-reward-id": reward.id, "data-testid": "reward" },
      h("td", {}, h("div", { class: "reward-name" }, reward.name), reward.description ? h("div", { class: "hint" }, reward.description) : null),
      h("td", {}, kindLabel(reward.kind)),
      h("td", { class: "num" }, formatPoints(reward.cost)),
      h("td", {}, stockLabel(reward.stock)),
      // Not disabled when the balance is short: pressing it says why, which a greyed-out button does not.
      h("td", { class: "row-actions" }, button),
    );
  }

  function render(balance: number): void {
    replaceChildren(body, ...rewards.map((reward) => row(reward, balance)));
    empty.hidden = rewards.length > 0;
    table.hidden = rewards.length === 0;
  }

  render(0);
  return {
    el: h("div", {}, empty, table),
    set(next, balance) {
      rewards = next;
      render(balance);
    },
    setBalance: render,
  };
}
