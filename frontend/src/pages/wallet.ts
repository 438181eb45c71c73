// The wallet: my balance (and debt), the rewards I can redeem, my redemptions, how points are earned and
// the caps I have used, and the ledger; kept live by pointsEvents (mine) and rewardEvents (the catalogue).

import { request } from "../api/client";
import { MyPointsDocument, MyRedemptionsDocument, MyWalletDocument, PointsEventsDocument, RewardEventsDocument, RewardsDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { subscribe } from "../api/subscriptions";
import { capsTable } from "../points/caps";
import { earningRules } from "../points/earning";
import { ledgerTable } from "../points/ledger";
import { redemptionList } from "../points/redemptions";
import { rewardCatalogue } from "../points/catalogue";
import { redeem } from "../points/redeem";
import type { PointsEvent, Reward } from "../points/types";
import { t } from "../i18n";
import { formatPoints, utcDayStart } from "../i18n/format";
import { h } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import type { Page } from "../ui/page";

const LEDGER_PAGE = 20;

export function walletPage(): Page {
  const balanceEl = h("span", { class: "balance-value", "data-testid": "balance" }, "…");
  const debtEl = h("p", { class: "notice notice-error balance-debt", "data-testid": "debt", hidden: true });
  const caps = capsTable();
  const notice = noticeArea();
  const ledger = ledgerTable();
  const moreLedger = h("button", { type: "button", class: "button-quiet", hidden: true }, t("wallet.olderEntries"));
  const mine = redemptionList({ emptyText: t("wallet.noRedemptions") });
  const catalogue = rewardCatalogue((reward) => void onRedeem(reward));
  let balance = 0;
  let ledgerCursor: string | null = null;
  // The redemption the "points are held" notice is about: the notice goes once HR decides it.
  let heldFor: string | null = null;

  function setBalance(value: number): void {
    balance = value;
    balanceEl.textContent = formatPoints(value);
    catalogue.setBalance(value);
    // A negative balance is a debt: points already spent were taken back (a rejected pain point).
    debtEl.hidden = value >= 0;
    debtEl.textContent =
      value < 0
        ? t("wallet.debt", { count: -value, points: formatPoints(-value) })
        : "";
  }

  async function loadCaps(): Promise<void> {
    try {
      const { me } = await request(MyWalletDocument);
      caps.set(me.pointsWallet.caps);
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  async function loadLedger(): Promise<void> {
    moreLedger.disabled = true;
    try {
      const { me } = await request(MyPointsDocument, { first: LEDGER_PAGE, after: ledgerCursor });
      if (ledgerCursor === null) setBalance(me.pointsBalance);
      ledger.append(me.pointsLedger.nodes);
      ledgerCursor = me.pointsLedger.pageInfo.endCursor;
      moreLedger.hidden = !me.pointsLedger.pageInfo.hasNextPage;
    } catch (error) {
      notice.show(errorMessage(error));
    } finally {
      moreLedger.disabled = false;
    }
  }

  async function loadRewards(): Promise<void> {
    try {
      const { rewards } = await request(RewardsDocument, { first: 100 });
      catalogue.set(rewards.nodes, balance);
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  async function loadRedemptions(): Promise<void> {
    try {
      const { redemptions } = await request(MyRedemptionsDocument, { first: 50 });
      mine.set(redemptions.nodes);
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  async function onRedeem(reward: Reward): Promise<void> {
    notice.clear();
    const outcome = await redeem(reward, balance);
    if (outcome === null) return;
    if (!outcome.ok) {
      notice.show(outcome.message);
      return;
    }
    const { redemption, hold, balance: after } = outcome.redeemed;
    setBalance(after);
    mine.upsert(redemption);
    if (hold) ledger.prepend(hold);
    heldFor = redemption.id;
    notice.show(t("wallet.asked", { name: redemption.reward.name, count: redemption.cost, points: formatPoints(redemption.cost) }), "info");
    void loadRewards(); // the stock changed
  }

  function onEvent(event: PointsEvent): void {
    setBalance(event.balance);
    if (event.entry) {
      ledger.prepend(event.entry);
      void loadCaps();
    }
    if (event.redemption) {
      mine.upsert(event.redemption);
      if (event.redemption.id === heldFor && event.redemption.status !== "REQUESTED") {
        heldFor = null;
        notice.clear();
      }
    }
  }

  moreLedger.addEventListener("click", () => void loadLedger());
  const unsubscribePoints = subscribe(PointsEventsDocument, {}, {
    next: (data) => onEvent(data.pointsEvents),
    error: (message) => notice.show(message),
  });
  // HR added, changed or withdrew a reward, or a redemption moved its stock: read the catalogue again.
  const unsubscribeRewards = subscribe(RewardEventsDocument, {}, {
    next: () => void loadRewards(),
    error: (message) => notice.show(message),
  });
  // The balance first: the catalogue reads it to say what each reward would leave.
  void loadLedger().then(() => Promise.all([loadRewards(), loadRedemptions(), loadCaps()]));

  const el = h(
    "div",
    { class: "wallet-page" },
    h("h1", {}, t("wallet.heading")),
    notice.el,
    h(
      "section",
      { class: "card balance-card", "aria-label": t("wallet.balance") },
      h("span", { class: "balance-label" }, t("wallet.balance")),
      balanceEl,
      h("span", { class: "balance-unit" }, t("wallet.unit")),
    ),
    debtEl,
    h("section", { class: "card", "aria-labelledby": "rewards-title" }, h("h2", { id: "rewards-title" }, t("wallet.rewards")), catalogue.el),
    h("section", { class: "card", "aria-labelledby": "my-redemptions-title" }, h("h2", { id: "my-redemptions-title" }, t("wallet.myRedemptions")), mine.el),
    earningRules(),
    h(
      "section",
      { class: "card", "aria-labelledby": "caps-title" },
      h("h2", { id: "caps-title" }, t("wallet.caps.title")),
      h("p", { class: "hint" }, t("wallet.caps.hint", { reset: utcDayStart() })),
      caps.el,
    ),
    h("section", { class: "card", "aria-labelledby": "ledger-title" }, h("h2", { id: "ledger-title" }, t("wallet.ledger.title")), ledger.el, moreLedger),
  );
  return {
    el,
    dispose() {
      unsubscribePoints();
      unsubscribeRewards();
    },
  };
}
