// A list of redemptions: reward, cost, status and what happened; HR rows carry their decision buttons.

import { t } from "../i18n";
import { formatPoints } from "../i18n/format";
import { h, replaceChildren } from "../ui/dom";
import { timeElement } from "../ui/time";
import { kindLabel, statusBadge } from "./labels";
import type { Redemption } from "./types";

export interface RedemptionListOptions {
  emptyText: string;
  /** Shows who asked (HR's queue); a member's own list leaves it out. */
  showRequester?: boolean;
  /** Buttons for a row, e.g. approve / reject / fulfil. */
  actions?: (redemption: Redemption) => HTMLElement | null;
}

export interface RedemptionList {
  el: HTMLElement;
  set: (items: Redemption[]) => void;
  append: (items: Redemption[]) => void;
  /** Replaces the row of the same redemption, or adds it at the top. */
  upsert: (item: Redemption) => void;
  remove: (id: string) => void;
}

function outcome(item: Redemption): string {
  const by = item.decidedBy?.name;
  if (item.status === "REJECTED") {
    const reason = item.reason ?? t("wallet.redemptions.noReason");
    return by ? t("wallet.redemptions.rejectedBy", { name: by, reason }) : t("wallet.redemptions.rejected", { reason });
  }
  if (item.status === "FULFILLED") return t("wallet.redemptions.fulfilled");
  if (item.status === "APPROVED") return by ? t("wallet.redemptions.approvedBy", { name: by }) : t("wallet.redemptions.approved");
  return t("wallet.redemptions.requested");
}

export function redemptionList(options: RedemptionListOptions): RedemptionList {
  const list = h("ul", { class: "redemption-list", "aria-live": "polite" });
  const empty = h("p", { class: "empty" }, options.emptyText);
  const el = h("div", {}, empty, list);

  function row(item: Redemption): HTMLElement {
    return h(
      "li",
      { class: "redemption", "data-redemption-id": item.id, "data-status": item.status, "data-testid": "redemption" },
      h(
        "div",
        { class: "redemption-main" },
        h("span", { class: "redemption-reward" }, item.reward.name),
        h("span", { class: "badge" }, kindLabel(item.reward.kind)),
        h("span", { class: "redemption-cost" }, t("wallet.points", { count: item.cost, points: formatPoints(item.cost) })),
        statusBadge(item.status),
        timeElement(item.createdAt),
      ),
      options.showRequester ? h("div", { class: "redemption-requester" }, `${item.requester.name} · ${item.requester.email}`) : null,
      h("div", { class: "hint redemption-outcome" }, outcome(item)),
      options.actions?.(item) ?? null,
    );
  }

  function find(id: string): Element | null {
    return list.querySelector(`[data-redemption-id="${CSS.escape(id)}"]`);
  }

  function refresh(): void {
    empty.hidden = list.childElementCount > 0;
  }

  refresh();
  return {
    el,
    set(items) {
      replaceChildren(list, ...items.map(row));
      refresh();
    },
    append(items) {
      list.append(...items.filter((item) => !find(item.id)).map(row));
      refresh();
    },
    upsert(item) {
      const old = find(item.id);
      if (old) old.replaceWith(row(item));
      else list.prepend(row(item));
      refresh();
    },
    remove(id) {
      find(id)?.remove();
      refresh();
    },
  };
}
