// The contribution heatmap as a table: people × days (or weeks), a tooltip on every cell.

import { t } from "../i18n";
import { formatDate, formatNames, formatNumber } from "../i18n/format";
import { h } from "../ui/dom";
import { colorFor, legend } from "./scale";
import type { ActivityKind, ContributionHeatmap } from "./types";

/** A score as the attributes carry it (machine-readable): "3" or "2.5". */
function score(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** A score as people read it, in the UI's language. */
function shownScore(value: number): string {
  return formatNumber(value, { maximumFractionDigits: 1, minimumFractionDigits: Number.isInteger(value) ? 0 : 1 });
}

function counted(kind: ActivityKind, count: number): string {
  return t(`heatmaps.kinds.${kind}`, { count });
}

/** What a column header shows: the day of the month (its month is in the row above) or the week number;
 * the full label on hover. */
function shortLabel(label: string): string {
  const week = /W(\d+)$/.exec(label);
  if (week) return t("heatmaps.weekShort", { week: Number(week[1]) });
  const day = /-(\d\d)$/.exec(label);
  return day ? String(Number(day[1])) : label;
}

/** The months the day columns span, each with how many columns it covers: [["2026-11", 7], ["2026-12", 7]]. */
function monthRuns(labels: string[]): [string, number][] {
  const runs: [string, number][] = [];
  for (const label of labels) {
    const month = label.slice(0, 7);
    const last = runs[runs.length - 1];
    if (last && last[0] === month) last[1] += 1;
    else runs.push([month, 1]);
  }
  return runs;
}

/** A header row naming the month above its days ("Nov", "Dec" / "11月", "12月"). */
function monthRow(labels: string[]): HTMLElement {
  return h(
    "tr",
    { class: "months" },
    h("td", { class: "who" }),
    ...monthRuns(labels).map(([month, span]) =>
      h(
        "th",
        { scope: "colgroup", colspan: String(span), "data-month": month },
        formatDate(new Date(`${month}-01T00:00:00Z`), { month: "short", timeZone: "UTC" }),
      ),
    ),
    h("td", { class: "total" }),
  );
}

/** A column's label (2026-03-05, 2026-W10) as a date or a week people read. */
export function columnTitle(label: string): string {
  const week = /^(\d{4})-W(\d+)$/.exec(label);
  if (week) return t("heatmaps.weekOfYear", { year: week[1], week: Number(week[2]) });
  const day = /^\d{4}-\d\d-\d\d$/.test(label) ? new Date(`${label}T00:00:00Z`) : null;
  return day && !Number.isNaN(day.getTime()) ? formatDate(day, { dateStyle: "medium", timeZone: "UTC" }) : label;
}

export function contributionTable(heatmap: ContributionHeatmap): HTMLElement {
  const byDay = heatmap.bucket === "DAY";
  const head = h(
    "tr",
    { class: "days" },
    h("th", { scope: "col", class: "who" }, t("heatmaps.person")),
    ...heatmap.columns.map((column) =>
      h("th", { scope: "col", title: columnTitle(column.label), "data-label": column.label }, shortLabel(column.label)),
    ),
    h("th", { scope: "col", class: "total" }, h("abbr", { class: "scale-help", title: t("heatmaps.scoreHelp") }, t("heatmaps.score"))),
  );
  const rows = heatmap.rows.map((row) => {
    const byColumn = new Map(row.cells.map((cell) => [cell.column, cell]));
    return h(
      "tr",
      { "data-user-id": row.user.id },
      h("th", { scope: "row", class: "who", title: row.user.name }, row.user.name),
      ...heatmap.columns.map((column) => {
        const cell = byColumn.get(column.index);
        const what = cell ? formatNames(cell.counts.map((c) => counted(c.kind, c.count))) : t("heatmaps.nothing");
        const place = { name: row.user.name, column: columnTitle(column.label), what };
        const tip = cell ? t("heatmaps.cellTip", { ...place, score: shownScore(cell.score) }) : t("heatmaps.cellTipEmpty", place);
        return h("td", {
          class: cell ? "cell active" : "cell",
          style: `background:${colorFor(cell?.score ?? 0, heatmap.maxScore)}`,
          title: tip,
          "aria-label": tip,
          "data-testid": "heatmap-cell",
          "data-score": cell ? score(cell.score) : "0",
        });
      }),
      h("td", { class: "total", title: t("heatmaps.rowTotal", { name: row.user.name, score: shownScore(row.score) }) }, shownScore(row.score)),
    );
  });
  const weights = formatNames(heatmap.weights.map((w) => t("heatmaps.weight", { kind: t(`heatmaps.kindNames.${w.kind}`), weight: formatNumber(w.weight) })));
  return h(
    "div",
    { class: "heatmap" },
    h(
      "div",
      // Focusable, so that a keyboard can scroll a heatmap wider than the panel.
      { class: "heatmap-scroll", role: "region", tabindex: "0", "aria-label": t(byDay ? "heatmaps.tableByDay" : "heatmaps.tableByWeek") },
      h(
        "table",
        { class: "heatmap-table by-day", "data-testid": "contribution-heatmap", "aria-label": t(byDay ? "heatmaps.tableByDay" : "heatmaps.tableByWeek") },
        byDay ? h("thead", {}, monthRow(heatmap.columns.map((column) => column.label)), head) : h("thead", {}, head),
        h("tbody", {}, ...rows),
      ),
    ),
    legend(heatmap.maxScore, shownScore, t(byDay ? "heatmaps.legendByDay" : "heatmaps.legendByWeek")),
    h("p", { class: "hint heatmap-weights" }, t("heatmaps.weights", { weights }), " ", h("span", { "data-testid": "heatmap-scale" }, t("heatmaps.scoreHelp"))),
  );
}
