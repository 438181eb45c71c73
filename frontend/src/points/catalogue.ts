// The rewards catalogue as a member sees it: name, kind, cost, stock, and a Redeem button.

import { h, replaceChildren } from "../ui/dom";
import { KIND_LABELS, stockLabel } from "./labels";
import type { Reward } from "./types";

export interface Catalogue {
  el: HTMLElement;
  set: (rewards: Reward[], balance: number) => void;
  /** Re-checks which rewards the balance covers. */
  setBalance: (balance: number) => void;
}

export function rewardCatalogue(onRedeem: (reward: Reward) => void): Catalogue {
  const body = h("tbody", {});
  const empty = h("p", { class: "empty" }, "HR has not put any rewards in the catalogue yet.");
  const table = h(
    "table",
    { class: "data-table", "data-testid": "rewards", "aria-label": "Rewards" },
    h("thead", {}, h("tr", {}, h("th", {}, "Reward"), h("th", {}, "Kind"), h("th", { class: "num" }, "Cost"), h("th", {}, "Stock"), h("th", {}, ""))),
    body,
  );
  let rewards: Reward[] = [];

  function row(reward: Reward, balance: number): HTMLElement {
    const short = balance < reward.cost;
    const out = reward.stock === 0;
    const button = h(
      "button",
      {
        type: "button",
        class: "button-primary",
        "aria-label": `Redeem ${reward.name}`,
        title: out ? "Out of stock" : short ? `You need ${reward.cost - balance} more points` : `Redeem for ${reward.cost} points`,
        onclick: () => onRedeem(reward),
      },
      "Redeem",
    );
    return h(
      "tr",
      { "data-reward-id": reward.id, "data-testid": "reward" },
      h("td", {}, h("div", { class: "reward-name" }, reward.name), reward.description ? h("div", { class: "hint" }, reward.description) : null),
      h("td", {}, KIND_LABELS[reward.kind]),
      h("td", { class: "num" }, `${reward.cost}`),
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
