// Shapes of versions as graphql/operations/snapshots.graphql selects them.

export interface Person {
  id: string;
  name: string;
}

export type SnapshotKind = "AUTO" | "NAMED" | "BEFORE_RESTORE";

export interface Snapshot {
  id: string;
  kind: SnapshotKind;
  label: string | null;
  auto: boolean;
  size: number;
  createdAt: string;
  restoredFromId: string | null;
  author: Person | null;
}

export type DiffOp = "EQUAL" | "INSERTED" | "DELETED";

export interface DiffSegment {
  op: DiffOp;
  text: string;
  authors: Person[];
}

export interface DiffChange {
  kind: "INSERTED" | "DELETED" | "MODIFIED";
  fromStart: number;
  fromEnd: number;
  toStart: number;
  toEnd: number;
  segments: DiffSegment[];
}

export interface SnapshotDiff {
  from: Snapshot;
  to: Snapshot | null;
  insertedWords: number;
  deletedWords: number;
  credited: boolean;
  authors: Person[];
  changes: DiffChange[];
}

export interface RestorePayload {
  changed: boolean;
  restored: Snapshot;
  before: Snapshot;
}

export interface SnapshotEvent {
  kind: "CREATED" | "RESTORED";
  snapshot: Snapshot;
  before: Snapshot | null;
  actor: Person | null;
}
