// Words for the points vocabulary: what an action, a reward kind or a redemption status means to a person.

import type { PointAction, RedemptionStatus, RewardKind } from "./types";
import { h } from "../ui/dom";

export const ACTION_LABELS: Record<PointAction, string> = {
  PAIN_POINT_ACCEPTED: "Pain point accepted",
  PAIN_POINT_ADOPTED: "Pain point adopted by R&D",
  ORDER_WON: "Order won",
  COMMENT_RESOLVED: "Suggestion resolved",
  SNAPSHOT_NAMED: "Version named",
  ADJUSTMENT: "Adjustment by HR",
  REDEMPTION: "Redemption",
};

export const KIND_LABELS: Record<RewardKind, string> = {
  TRAINING: "Training",
  LEAVE: "Leave",
  CASH: "Cash",
  OTHER: "Other",
};

export const STATUS_LABELS: Record<RedemptionStatus, string> = {
  REQUESTED: "Pending",
  APPROVED: "Approved",
  REJECTED: "Rejected",
  FULFILLED: "Fulfilled",
};

/** "+5" or "−300": the sign always shown, so a ledger reads at a glance. */
export function signedPoints(delta: number): string {
  return delta > 0 ? `+${delta}` : delta < 0 ? `\u2212${Math.abs(delta)}` : "0";
}

const SUBJECT_KINDS: Record<string, string> = {
  pain_point: "Pain point",
  comment: "Comment thread",
  snapshot: "Version",
  redemption: "Redemption",
  order: "Order",
  user: "Your account",
};

/** A subject such as `pain_point:01H…` as the kind of thing it names; the id is left for the tooltip. */
export function subjectLabel(subject: string): string {
  const kind = subject.split(":", 1)[0];
  return SUBJECT_KINDS[kind] ?? kind.replace(/_/g, " ");
}

export function statusBadge(status: RedemptionStatus): HTMLElement {
  return h("span", { class: `badge status-${status.toLowerCase()}`, "data-testid": "redemption-status" }, STATUS_LABELS[status]);
}

export function stockLabel(stock: number | null): string {
  if (stock === null) return "Unlimited";
  return stock === 0 ? "Out of stock" : `${stock} left`;
}
