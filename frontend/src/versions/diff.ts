// A version compared with the document now: changed paragraphs, insertions and deletions coloured,
// each with who made it.

import { colorFor } from "../warroom/colors";
import { t } from "../i18n";
import { formatNames, formatNumber } from "../i18n/format";
import { h } from "../ui/dom";
import type { DiffSegment, Person, SnapshotDiff } from "./types";

function names(people: Person[]): string {
  return formatNames(people.map((p) => p.name));
}

function segment(part: DiffSegment): Node {
  if (part.op === "EQUAL") return document.createTextNode(part.text);
  const inserted = part.op === "INSERTED";
  const title = part.authors.length
    ? t(inserted ? "versions.diff.addedBy" : "versions.diff.deletedBy", { names: names(part.authors) })
    : t(inserted ? "versions.diff.added" : "versions.diff.deleted");
  const attrs = {
    class: `diff-${part.op.toLowerCase()}`,
    title,
    "data-authors": names(part.authors),
  };
  const text = part.op === "INSERTED" ? h("ins", attrs, part.text) : h("del", attrs, part.text);
  if (part.authors.length === 0) return text;
  // A coloured mark per author keeps who did what readable without hovering.
  const marks = part.authors.map((p) =>
    h("span", { class: "diff-author", style: `--author-color: ${colorFor(p.id)}`, title: p.name, "aria-hidden": "true" }),
  );
  return h("span", { class: "diff-piece" }, text, ...marks);
}

export function diffView(diff: SnapshotDiff): HTMLElement {
  const summary = h(
    "p",
    { class: "diff-summary", "data-testid": "diff-summary" },
    t("versions.diff.summary", { inserted: formatNumber(diff.insertedWords), deleted: formatNumber(diff.deletedWords) }),
    diff.authors.length ? t("versions.diff.summaryBy", { names: names(diff.authors) }) : "",
  );
  const legend = diff.authors.length
    ? h(
        "ul",
        { class: "diff-legend", "aria-label": t("versions.diff.authors") },
        ...diff.authors.map((p) => h("li", {}, h("span", { class: "diff-author", style: `--author-color: ${colorFor(p.id)}` }), p.name)),
      )
    : null;
  if (diff.changes.length === 0) {
    return h("div", { class: "diff", "data-testid": "diff" }, h("p", { class: "empty" }, t("versions.diff.same")));
  }
  return h(
    "div",
    { class: "diff", "data-testid": "diff" },
    summary,
    legend,
    diff.credited ? null : h("p", { class: "hint" }, t("versions.diff.notCredited")),
    ...diff.changes.map((change) =>
      h("div", { class: `diff-change diff-change-${change.kind.toLowerCase()}` }, ...change.segments.map(segment)),
    ),
  );
}
