// The contribution tab's few lines: who did most in the period and whose text the largest sections hold, each
// name whole in its tooltip; the tables themselves are read on the full-width contribution page.

import { t } from "../i18n";
import { formatNumber } from "../i18n/format";
import { h } from "../ui/dom";
import type { ContributionHeatmap, SectionHeatmap } from "./types";

const SHOWN = 3;

function more(hidden: number): HTMLElement | null {
  return hidden > 0 ? h("li", { class: "hint", "data-testid": "summary-more" }, t("heatmaps.summary.more", { count: hidden, shown: formatNumber(hidden) })) : null;
}

/** The people with the highest activity scores over the period, highest first. */
export function contributorsSummary(heatmap: ContributionHeatmap): HTMLElement {
  const rows = [...heatmap.rows].sort((a, b) => b.score - a.score || a.user.name.localeCompare(b.user.name));
  return h(
    "ol",
    { class: "heatmap-summary", "data-testid": "contribution-summary" },
    ...rows.slice(0, SHOWN).map((row) => {
      const score = formatNumber(row.score, { maximumFractionDigits: 1 });
      return h(
        "li",
        { "data-testid": "contributor", title: t("heatmaps.rowTotal", { name: row.user.name, score }) },
        h("span", { class: "summary-name" }, row.user.name),
        h("span", { class: "summary-figure" }, t("heatmaps.summary.score", { score })),
      );
    }),
    more(rows.length - SHOWN),
  );
}

/** The largest sections, each with the person most of its text is by. */
export function sectionsSummary(heatmap: SectionHeatmap): HTMLElement {
  const sections = [...heatmap.sections].sort((a, b) => b.totalChars - a.totalChars || a.index - b.index);
  return h(
    "ol",
    { class: "heatmap-summary", "data-testid": "sections-summary" },
    ...sections.slice(0, SHOWN).map((section) => {
      let best: { name: string; share: number } | null = null;
      for (const row of heatmap.rows) {
        const cell = row.cells.find((c) => c.section === section.index);
        if (cell && (!best || cell.share > best.share)) best = { name: row.user.name, share: cell.share };
      }
      const line = best
        ? t("heatmaps.summary.mostly", { title: section.title, name: best.name, share: formatNumber(best.share, { style: "percent" }) })
        : t("heatmaps.summary.nobody", { title: section.title });
      return h(
        "li",
        { "data-testid": "section-line", title: line },
        h("span", { class: "summary-name" }, section.title),
        h("span", { class: "summary-figure" }, best ? t("heatmaps.summary.by", { name: best.name, share: formatNumber(best.share, { style: "percent" }) }) : ""),
      );
    }),
    more(sections.length - SHOWN),
  );
}
