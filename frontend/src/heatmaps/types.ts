// TypeScript shapes of the heatmap queries (graphql/operations/heatmaps.graphql).

export type HeatmapBucket = "DAY" | "WEEK";

export type ActivityKind =
  | "DOC_CHARS_INSERTED"
  | "DOC_CHARS_DELETED"
  | "COMMENTS"
  | "SNAPSHOTS"
  | "PAIN_POINTS"
  | "ADOPTIONS";

interface Person {
  id: string;
  name: string;
}

export interface ContributionHeatmap {
  bucket: HeatmapBucket;
  from: string;
  to: string;
  columns: { index: number; label: string; start: string; end: string }[];
  rows: {
    user: Person;
    score: number;
    cells: { column: number; score: number; counts: { kind: ActivityKind; count: number }[] }[];
  }[];
  weights: { kind: ActivityKind; weight: number }[];
  maxScore: number;
  computedAt: string | null;
  stale: boolean;
}

export interface SectionHeatmap {
  sections: { index: number; title: string; level: number; headingId: string | null; totalChars: number; unattributedChars: number }[];
  rows: { user: Person; chars: number; cells: { section: number; chars: number; share: number }[] }[];
  computedAt: string | null;
  stale: boolean;
}
