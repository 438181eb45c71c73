// The contribution heatmap as a table: people × days (or weeks), a tooltip on every cell.

import { h } from "../ui/dom";
import { colorFor, legend } from "./scale";
import type { ActivityKind, ContributionHeatmap } from "./types";

const KIND_NAMES: Record<ActivityKind, [string, string]> = {
  DOC_CHARS_INSERTED: ["character written", "characters written"],
  DOC_CHARS_DELETED: ["character deleted", "characters deleted"],
  COMMENTS: ["comment", "comments"],
  SNAPSHOTS: ["named version", "named versions"],
  PAIN_POINTS: ["pain point", "pain points"],
  ADOPTIONS: ["adoption", "adoptions"],
};

function score(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function counted(kind: ActivityKind, count: number): string {
  const [one, many] = KIND_NAMES[kind];
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}

/** What a column header shows: the day of the month (or the week number); the full label on hover. */
function shortLabel(label: string): string {
  const week = /W(\d+)$/.exec(label);
  if (week) return `W${week[1]}`;
  const day = /-(\d\d)$/.exec(label);
  return day ? String(Number(day[1])) : label;
}

export function contributionTable(heatmap: ContributionHeatmap): HTMLElement {
  const unit = heatmap.bucket === "DAY" ? "day" : "week";
  const head = h(
    "tr",
    {},
    h("th", { scope: "col", class: "who" }, "Person"),
    ...heatmap.columns.map((column) => h("th", { scope: "col", title: column.label, "data-label": column.label }, shortLabel(column.label))),
    h("th", { scope: "col", class: "total" }, "Score"),
  );
  const rows = heatmap.rows.map((row) => {
    const byColumn = new Map(row.cells.map((cell) => [cell.column, cell]));
    return h(
      "tr",
      { "data-user-id": row.user.id },
      h("th", { scope: "row", class: "who", title: row.user.name }, row.user.name),
      ...heatmap.columns.map((column) => {
        const cell = byColumn.get(column.index);
        const what = cell ? cell.counts.map((c) => counted(c.kind, c.count)).join(", ") : "nothing";
        const tip = `${row.user.name}, ${column.label}: ${what}${cell ? ` (score ${score(cell.score)})` : ""}`;
        return h("td", {
          class: cell ? "cell active" : "cell",
          style: `background:${colorFor(cell?.score ?? 0, heatmap.maxScore)}`,
          title: tip,
          "aria-label": tip,
          "data-testid": "heatmap-cell",
          "data-score": cell ? score(cell.score) : "0",
        });
      }),
      h("td", { class: "total", title: `${row.user.name}: score ${score(row.score)} over the period` }, score(row.score)),
    );
  });
  const weights = heatmap.weights.map((w) => `${KIND_NAMES[w.kind][1]} × ${w.weight}`).join(", ");
  return h(
    "div",
    { class: "heatmap" },
    h(
      "div",
      { class: "heatmap-scroll" },
      h("table", { class: "heatmap-table by-day", "data-testid": "contribution-heatmap", "aria-label": `Contribution per person and ${unit}` }, h("thead", {}, head), h("tbody", {}, ...rows)),
    ),
    legend(heatmap.maxScore, score, `score per person and ${unit}`),
    h("p", { class: "hint heatmap-weights" }, `Score: ${weights}.`),
  );
}
