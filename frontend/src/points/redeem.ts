// Redeeming a reward: confirm, send once (an idempotency key per confirmation), explain a refusal.

import { request } from "../api/client";
import { RedeemRewardDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { t } from "../i18n";
import { formatPoints } from "../i18n/format";
import { confirmDialog } from "../ui/confirm";
import type { Redeemed, Reward } from "./types";

export type RedeemOutcome = { ok: true; redeemed: Redeemed } | { ok: false; message: string } | null;

function requestKey(): string {
  // randomUUID exists only in secure contexts (https, localhost); a LAN address over http has neither.
  return typeof crypto.randomUUID === "function" ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** A refusal as a sentence that says what to do about it (errors.redeem.* in the locale files). */
export function redeemErrorMessage(error: unknown, reward: Reward, balance: number): string {
  return errorMessage(error, "redeem", { name: reward.name, cost: formatPoints(reward.cost), balance: formatPoints(balance) });
}

/** Asks for confirmation, then redeems; null when the person cancelled. */
export async function redeem(reward: Reward, balance: number): Promise<RedeemOutcome> {
  const after = balance - reward.cost;
  const values = { name: reward.name, count: reward.cost, cost: formatPoints(reward.cost), balance: formatPoints(balance), after: formatPoints(after) };
  const question = after >= 0 ? t("wallet.redeem.confirm", values) : t("wallet.redeem.confirmShort", values);
  if (!(await confirmDialog(question, t("wallet.catalogue.redeem")))) return null;
  try {
    const { redeemReward } = await request(RedeemRewardDocument, {
      rewardId: reward.id,
      idempotencyKey: requestKey(),
    });
    return { ok: true, redeemed: redeemReward };
  } catch (error) {
    return { ok: false, message: redeemErrorMessage(error, reward, balance) };
  }
}
