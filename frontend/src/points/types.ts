// TypeScript shapes of the points contract (graphql/operations/points.graphql) as the wallet and HR pages read it.

import type { Connection } from "../api/types";

export type PointAction =
  | "PAIN_POINT_ACCEPTED"
  | "PAIN_POINT_ADOPTED"
  | "ORDER_WON"
  | "COMMENT_RESOLVED"
  | "SNAPSHOT_NAMED"
  | "ADJUSTMENT"
  | "REDEMPTION";
export type RewardKind = "TRAINING" | "LEAVE" | "CASH" | "OTHER";
export type RedemptionStatus = "REQUESTED" | "APPROVED" | "REJECTED" | "FULFILLED";

export const REWARD_KINDS: readonly RewardKind[] = ["TRAINING", "LEAVE", "CASH", "OTHER"];

interface Named {
  id: string;
  name: string;
}

export interface PointEntry {
  id: string;
  delta: number;
  action: PointAction;
  subject: string;
  note: string | null;
  balanceAfter: number;
  createdAt: string;
  reversesId: string | null;
  actor: Named | null;
}

export interface Reward {
  id: string;
  name: string;
  description: string;
  kind: RewardKind;
  cost: number;
  stock: number | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Redemption {
  id: string;
  status: RedemptionStatus;
  cost: number;
  reason: string | null;
  createdAt: string;
  decidedAt: string | null;
  fulfilledAt: string | null;
  reward: { id: string; name: string; kind: RewardKind };
  requester: Named & { email: string };
  decidedBy: Named | null;
}

export interface PointRule {
  action: PointAction;
  points: number;
  dailyCap: number | null;
  active: boolean;
  updatedAt: string;
}

export interface MyPoints {
  me: { id: string; pointsBalance: number; pointsLedger: Connection<PointEntry> };
}

export interface PointsEvent {
  kind: "ENTRY" | "REDEMPTION";
  balance: number;
  entry: PointEntry | null;
  redemption: Redemption | null;
}

export interface RankingRow {
  rank: number;
  points: number;
  awards: number;
  user: Named & { email: string };
  byAction: { action: PointAction; points: number }[];
}

export interface ContributionRanking {
  period: string;
  start: string;
  end: string;
  teamId: string;
  rows: RankingRow[];
}
