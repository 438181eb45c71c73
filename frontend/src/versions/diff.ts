// A version compared with the document now (or with another version): changed paragraphs, insertions and
// deletions coloured, each underlined in the colour of who made it, on the full-width compare page
// (pages/compare.ts); the side panel's tab shows only a brief of it (`diffBrief`).

import { distinctColors } from "../warroom/colors";
import { t } from "../i18n";
import { formatNames, formatNumber } from "../i18n/format";
import { h } from "../ui/dom";
import type { DiffChange, DiffSegment, Person, SnapshotDiff } from "./types";

/** Each author's colour in one comparison: distinct from one another. */
export type AuthorColors = Map<string, string>;

const UNKNOWN = "#868e96";

export function authorColors(diff: SnapshotDiff): AuthorColors {
  return distinctColors(diff.authors.map((p) => p.id));
}

function names(people: Person[]): string {
  return formatNames(people.map((p) => p.name));
}

function segment(part: DiffSegment, colors: AuthorColors): Node {
  if (part.op === "EQUAL") return document.createTextNode(part.text);
  const inserted = part.op === "INSERTED";
  const title = part.authors.length
    ? t(inserted ? "versions.diff.addedBy" : "versions.diff.deletedBy", { names: names(part.authors) })
    : t(inserted ? "versions.diff.added" : "versions.diff.deleted");
  const first = part.authors[0];
  const attrs = {
    class: `diff-${part.op.toLowerCase()}`,
    title,
    "data-authors": names(part.authors),
    "data-author-id": first?.id ?? "",
    style: `--author-color: ${first ? (colors.get(first.id) ?? UNKNOWN) : UNKNOWN}`,
  };
  const text = inserted ? h("ins", attrs, part.text) : h("del", attrs, part.text);
  if (part.authors.length === 0) return text;
  // A coloured mark per author keeps who did what readable without hovering.
  const marks = part.authors.map((p) =>
    h("span", { class: "diff-author", style: `--author-color: ${colors.get(p.id) ?? UNKNOWN}`, title: p.name, "aria-hidden": "true" }),
  );
  return h("span", { class: "diff-piece" }, text, ...marks);
}

/** One run of changed paragraphs. */
export function changeView(change: DiffChange, colors: AuthorColors, attrs: Record<string, string | number> = {}): HTMLElement {
  return h("div", { class: `diff-change diff-change-${change.kind.toLowerCase()}`, ...attrs }, ...change.segments.map((part) => segment(part, colors)));
}

/** Who made the changes, each in their colour, names in full. */
export function authorLegend(diff: SnapshotDiff, colors: AuthorColors): HTMLElement | null {
  return diff.authors.length
    ? h(
        "ul",
        { class: "diff-legend", "aria-label": t("versions.diff.authors"), "data-testid": "diff-authors" },
        ...diff.authors.map((p) =>
          h("li", { "data-author-id": p.id, title: p.name }, h("span", { class: "diff-author", style: `--author-color: ${colors.get(p.id) ?? UNKNOWN}` }), p.name),
        ),
      )
    : null;
}

/** "+3 words, −1 word since this version · by …"; `between` for two versions rather than one and now. */
export function diffSummary(diff: SnapshotDiff, between = false): HTMLElement {
  const counts = { inserted: formatNumber(diff.insertedWords), deleted: formatNumber(diff.deletedWords) };
  return h(
    "p",
    { class: "diff-summary", "data-testid": "diff-summary" },
    t(between ? "versions.full.summary" : "versions.diff.summary", counts),
    diff.authors.length ? t("versions.diff.summaryBy", { names: names(diff.authors) }) : "",
  );
}

/** The side panel's few lines about a version compared with now: how much changed, by whom, how many changes,
 * and the link to the full-width comparison where the changes themselves are read (pages/compare.ts). */
export function diffBrief(diff: SnapshotDiff, fullView: string): HTMLElement {
  const link = h("a", { class: "full-view-link", href: fullView, "data-testid": "brief-open-compare" }, t("versions.brief.open"));
  if (diff.changes.length === 0) {
    return h("div", { class: "diff-brief", "data-testid": "diff-brief" }, h("p", { class: "empty" }, t("versions.diff.same")));
  }
  const total = diff.changes.length;
  return h(
    "div",
    { class: "diff-brief", "data-testid": "diff-brief" },
    diffSummary(diff),
    authorLegend(diff, authorColors(diff)),
    h("p", { class: "hint", "data-testid": "diff-count" }, t("versions.full.count", { count: total, total: formatNumber(total) })),
    link,
  );
}
