// TypeScript shapes of the pain-point and cluster parts of the GraphQL contract (painpoints.graphql).

import type { PageInfo } from "../api/types";

export type PainPointStatus = "SUBMITTED" | "REJECTED" | "ADOPTED" | "DUPLICATE";
export type TicketStatus = "OPEN" | "RESUBMITTED";
export type JobStatus = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED";

export interface Rejection {
  code: string;
  message: string;
}

export interface ClusterRef {
  id: string;
  label: string;
  size?: number;
}

export interface PainPoint {
  id: string;
  text: string;
  status: PainPointStatus;
  caseId: string;
  customer: string;
  product: string | null;
  tags: string[];
  createdAt: string;
  submittedByMe: boolean;
  duplicateSimilarity: number | null;
  adoptedAt: string | null;
  adoptionNote: string | null;
  withdrawnAt: string | null;
  withdrawalReason: string | null;
  duplicateOf: { id: string } | null;
  cluster?: ClusterRef | null;
}

export interface Ticket {
  id: string;
  caseId: string;
  text: string;
  latestText: string | null;
  status: TicketStatus;
  attempts: number;
  customer: string;
  product: string | null;
  tags: string[];
  createdAt: string;
  resubmittedAt: string | null;
  reasons: Rejection[];
  painPoint: { id: string; status: PainPointStatus } | null;
}

export type SubmitResult =
  | ({ __typename: "PainPoint" } & PainPoint)
  | { __typename: "PainPointRejected"; reasons: Rejection[]; ticket: Ticket };

export interface PainPointInput {
  caseId: string;
  text: string;
  customer?: string | null;
  product?: string | null;
  tags?: string[] | null;
}

export interface WeekCount {
  week: string;
  count: number;
}

/** A pain point as clusters list it (representatives, members, unclustered). */
export interface PainPointBrief {
  id: string;
  text: string;
  caseId: string;
  status?: PainPointStatus;
}

export interface Cluster {
  id: string;
  runId: string;
  label: string;
  keywords: string[];
  size: number;
  caseCount: number;
  customers: string[];
  trend: WeekCount[];
  representatives: PainPointBrief[];
  painPoints: PainPointBrief[];
}

export interface ClusterDetail extends Omit<Cluster, "painPoints"> {
  keywordScores: { term: string; score: number }[];
  painPoints: PainPoint[];
}

export interface ClusterRun {
  id: string;
  createdAt: string;
  model: string;
  method: string;
  painPointCount: number;
  clusterCount: number;
  unclusteredCount: number;
  seconds: number;
}

export interface ClusterPage {
  run: ClusterRun | null;
  nodes: Cluster[];
  pageInfo: PageInfo;
  unclusteredCount: number;
  unclustered: PainPointBrief[];
}

/** The filter of painPointClusters (ClusterFilterInput); absent fields do not narrow. */
export interface ClusterFilter {
  since?: string;
  until?: string;
  product?: string;
  customer?: string;
  minSize?: number;
}

export interface Job {
  id: string;
  name: string;
  status: JobStatus;
  progress: number;
  error: string | null;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export type ClusterEventKind = "RUN_FINISHED" | "CLUSTER_GREW";

/** What `clusterEvents` says: a run of the team was stored, or pain points (that I may see) joined a cluster. */
export interface ClusterEvent {
  kind: ClusterEventKind;
  runId: string;
  clusterId: string | null;
  painPointIds: string[];
  added: number;
  at: string;
}
