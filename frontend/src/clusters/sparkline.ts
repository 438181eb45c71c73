// A weekly trend as a small inline SVG line: pain points per week, the last week marked.

import { t } from "../i18n";
import { formatDate, formatNumber } from "../i18n/format";
import type { WeekCount } from "../painpoints/types";

const SVG = "http://www.w3.org/2000/svg";

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  return el;
}

function weekLabel(week: string): string {
  const date = new Date(week.length === 10 ? `${week}T00:00:00Z` : week);
  return Number.isNaN(date.getTime()) ? week : t("clusters.trend.weekOf", { date: formatDate(date, { month: "short", day: "numeric", timeZone: "UTC" }) });
}

const DAY_MS = 86_400_000;

/** The trend over at least `weeks` weeks, ending with its last week: earlier weeks without pain points are 0. */
export function recentWeeks(trend: WeekCount[], weeks: number): WeekCount[] {
  if (trend.length === 0 || trend.length >= weeks) return trend;
  const first = Date.parse(`${trend[0].week}T00:00:00Z`);
  if (Number.isNaN(first)) return trend;
  const padding: WeekCount[] = [];
  for (let i = weeks - trend.length; i > 0; i--) {
    padding.push({ week: new Date(first - i * 7 * DAY_MS).toISOString().slice(0, 10), count: 0 });
  }
  return [...padding, ...trend];
}

/** What the sparkline shows, in words (its accessible name and tooltip). */
export function trendSummary(trend: WeekCount[]): string {
  if (trend.length === 0) return t("clusters.trend.none");
  const weeks = trend.map((w) => t("clusters.trend.item", { week: weekLabel(w.week), n: formatNumber(w.count) }));
  return t("clusters.trend.summary", { weeks: weeks.join(t("clusters.trend.separator")) });
}

/** A line over the last weeks (at least eight, so one busy week still reads as a rise). */
export function sparkline(weekly: WeekCount[], width = 160, height = 36): SVGSVGElement {
  const trend = recentWeeks(weekly, 8);
  const pad = 3;
  const el = svg("svg", {
    class: "sparkline",
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": trendSummary(trend),
    "data-testid": "sparkline",
  });
  const title = svg("title", {});
  title.textContent = trendSummary(trend);
  el.append(title);
  if (trend.length === 0) return el;
  const max = Math.max(1, ...trend.map((w) => w.count));
  const x = (i: number): number => (trend.length === 1 ? width / 2 : pad + (i * (width - 2 * pad)) / (trend.length - 1));
  const y = (count: number): number => height - pad - (count / max) * (height - 2 * pad);
  const points = trend.map((w, i) => `${x(i).toFixed(1)},${y(w.count).toFixed(1)}`);
  const base = height - pad;
  el.append(
    svg("polygon", { class: "sparkline-area", points: `${x(0).toFixed(1)},${base} ${points.join(" ")} ${x(trend.length - 1).toFixed(1)},${base}` }),
    svg("polyline", { class: "sparkline-line", points: points.join(" ") }),
  );
  const last = trend[trend.length - 1];
  el.append(svg("circle", { class: "sparkline-dot", cx: x(trend.length - 1).toFixed(1), cy: y(last.count).toFixed(1), r: 2.5 }));
  return el;
}
