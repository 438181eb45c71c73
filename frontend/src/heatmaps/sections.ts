// The section heatmap as a table: people × the document's sections, by the text of each that is still there.

import { h } from "../ui/dom";
import { colorFor, isDeep, legend } from "./scale";
import type { SectionHeatmap } from "./types";

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

export function sectionTable(heatmap: SectionHeatmap): HTMLElement {
  const head = h(
    "tr",
    {},
    h("th", { scope: "col", class: "who" }, "Person"),
    ...heatmap.sections.map((section) =>
      h(
        "th",
        {
          scope: "col",
          class: "section-title",
          title: `${section.title}: ${section.totalChars.toLocaleString()} characters${section.unattributedChars ? `, ${section.unattributedChars.toLocaleString()} of them by unknown authors` : ""}`,
        },
        section.title,
      ),
    ),
    h("th", { scope: "col", class: "total" }, "Chars"),
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
          ? `${row.user.name}: ${cell.chars.toLocaleString()} of the ${section.totalChars.toLocaleString()} characters in “${section.title}” (${percent(cell.share)}) are theirs and still there`
          : `${row.user.name}: none of the text in “${section.title}”`;
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
          cell ? percent(cell.share) : "",
        );
      }),
      h("td", { class: "total" }, row.chars.toLocaleString()),
    );
  });
  return h(
    "div",
    { class: "heatmap" },
    h(
      "div",
      { class: "heatmap-scroll" },
      h("table", { class: "heatmap-table by-section", "data-testid": "section-heatmap", "aria-label": "Surviving text per person and section" }, h("thead", {}, head), h("tbody", {}, ...rows)),
    ),
    legend(1, percent, "share of the section's text"),
  );
}
