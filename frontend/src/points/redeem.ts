// Redeeming a reward: confirm, send once (an idempotency key per confirmation), explain a refusal.

import { request } from "../api/client";
import { RedeemRewardDocument } from "../api/generated/graphql";
import { ApiError, errorMessage } from "../api/errors";
import { confirmDialog } from "../ui/confirm";
import type { Redeemed, Reward } from "./types";

export type RedeemOutcome = { ok: true; redeemed: Redeemed } | { ok: false; message: string } | null;

function requestKey(): string {
  // randomUUID exists only in secure contexts (https, localhost); a LAN address over http has neither.
  return typeof crypto.randomUUID === "function" ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** A refusal as a sentence that says what to do about it. */
export function redeemErrorMessage(error: unknown): string {
  if (error instanceof ApiError && error.code === "INSUFFICIENT_POINTS") return `Not enough points: ${error.message}`;
  if (error instanceof ApiError && error.code === "IN_DEBT") return `In debt: ${error.message}`;
  if (error instanceof ApiError && error.code === "OUT_OF_STOCK") return `${error.message} Choose another reward or ask HR when it is back.`;
  return errorMessage(error);
}

/** Asks for confirmation, then redeems; null when the person cancelled. */
export async function redeem(reward: Reward, balance: number): Promise<RedeemOutcome> {
  const after = balance - reward.cost;
  const question =
    after >= 0
      ? `Redeem ${reward.name} for ${reward.cost} points? Your balance goes from ${balance} to ${after}; the points are held until HR decides.`
      : `Redeem ${reward.name} for ${reward.cost} points? Your balance is ${balance}.`;
  if (!(await confirmDialog(question, "Redeem"))) return null;
  try {
    const { redeemReward } = await request(RedeemRewardDocument, {
      rewardId: reward.id,
      idempotencyKey: requestKey(),
    });
    return { ok: true, redeemed: redeemReward };
  } catch (error) {
    return { ok: false, message: redeemErrorMessage(error) };
  }
}
