// A version compared with the document now: changed paragraphs, insertions and deletions coloured,
// each with who made it.

import { colorFor } from "../warroom/colors";
import { h } from "../ui/dom";
import type { DiffSegment, Person, SnapshotDiff } from "./types";

function names(people: Person[]): string {
  return people.map((p) => p.name).join(", ");
}

function segment(part: DiffSegment): Node {
  if (part.op === "EQUAL") return document.createTextNode(part.text);
  const verb = part.op === "INSERTED" ? "Added" : "Deleted";
  const by = part.authors.length ? ` by ${names(part.authors)}` : "";
  const attrs = {
    class: `diff-${part.op.toLowerCase()}`,
    title: `${verb}${by}`,
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
    `+${diff.insertedWords} words, −${diff.deletedWords} words since this version`,
    diff.authors.length ? ` · by ${names(diff.authors)}` : "",
  );
  const legend = diff.authors.length
    ? h(
        "ul",
        { class: "diff-legend", "aria-label": "Authors" },
        ...diff.authors.map((p) => h("li", {}, h("span", { class: "diff-author", style: `--author-color: ${colorFor(p.id)}` }), p.name)),
      )
    : null;
  if (diff.changes.length === 0) {
    return h("div", { class: "diff", "data-testid": "diff" }, h("p", { class: "empty" }, "The document reads the same as this version."));
  }
  return h(
    "div",
    { class: "diff", "data-testid": "diff" },
    summary,
    legend,
    diff.credited ? null : h("p", { class: "hint" }, "Too many edits lie between them to credit each change to its author."),
    ...diff.changes.map((change) =>
      h("div", { class: `diff-change diff-change-${change.kind.toLowerCase()}` }, ...change.segments.map(segment)),
    ),
  );
}
