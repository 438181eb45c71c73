// The section heatmap as a table: people × the document's sections, by the text of each that is still there.

import { t } from "../i18n";
import { formatNumber } from "../i18n/format";
import { h } from "../ui/dom";
import { colorFor, isDeep, legend } from "./scale";
import type { SectionHeatmap } from "./types";

/** A share as the attributes carry it: "40%". */
function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** A share as people read it, in the UI's language. */
function shownPercent(share: number): string {
  return formatNumber(share, { style: "percent" });
}

export function sectionTable(heatmap: SectionHeatmap): HTMLElement {
  const head = h(
    "tr",
    {},
    h("th", { scope: "col", class: "who" }, t("heatmaps.person")),
    ...heatmap.sections.map((section) => {
      const sizes = { title: section.title, count: section.totalChars, total: formatNumber(section.totalChars), unknown: formatNumber(section.unattributedChars) };
      return h(
        "th",
        {
          scope: "col",
          class: "section-title",
          title: section.unattributedChars ? t("heatmaps.sectionUnknown", sizes) : t("heatmaps.section", sizes),
        },
        section.title,
      );
    }),
    h("th", { scope: "col", class: "total" }, t("heatmaps.chars")),
  );
  const rows = heatmap.rows.map((row) => {
    const bySection = new Map(row.cells.map((cell) => [cell.section, cell]));
    return h(
      "tr",
      { "data-user-id": row.user.id },
      h("th", { scope: "row", class: "who", title: row.user.name }, row.user.name),
      ...heatmap.sections.map((section) => {
        const cell = bySection.get(section.index);
        const tip = cell
          ? t("heatmaps.theirs", {
              name: row.user.name,
              chars: formatNumber(cell.chars),
              count: section.totalChars,
              total: formatNumber(section.totalChars),
              title: section.title,
              share: shownPercent(cell.share),
            })
          : t("heatmaps.noneOfIt", { name: row.user.name, title: section.title });
        return h(
          "td",
          {
            class: cell ? `cell active${isDeep(cell.share, 1) ? " deep" : ""}` : "cell",
            style: `background:${colorFor(cell?.share ?? 0, 1)}`,
            title: tip,
            "aria-label": tip,
            "data-testid": "section-cell",
            "data-share": cell ? percent(cell.share) : "0%",
          },
          cell ? shownPercent(cell.share) : "",
        );
      }),
      h("td", { class: "total" }, formatNumber(row.chars)),
    );
  });
  return h(
    "div",
    { class: "heatmap" },
    h(
      "div",
      // Focusable, so that a keyboard can scroll a heatmap wider than the panel.
      { class: "heatmap-scroll", role: "region", tabindex: "0", "aria-label": t("heatmaps.sectionsLabel") },
      h("table", { class: "heatmap-table by-section", "data-testid": "section-heatmap", "aria-label": t("heatmaps.sectionsLabel") }, h("thead", {}, head), h("tbody", {}, ...rows)),
    ),
    legend(1, shownPercent, t("heatmaps.shareCaption")),
  );
}
