// A version's text as it read: one line per paragraph, headings shown as headings (the server says which
// lines they are), so a preview keeps the document's structure.

import { h } from "../ui/dom";

export interface HeadingLine {
  line: number;
  level: number;
}

// The side panel's own heading is an h2, its sections h3: a version's h1 reads as an h4 there.
const TAGS = ["h4", "h5", "h6"] as const;

export function versionText(text: string, headings: readonly HeadingLine[]): HTMLElement {
  const levels = new Map(headings.map((heading) => [heading.line, heading.level]));
  const lines = text.split("\n").map((line, index) => {
    const level = levels.get(index);
    if (level === undefined) return h("p", {}, line);
    return h(TAGS[Math.min(level, TAGS.length) - 1], { class: `version-heading level-${level}` }, line);
  });
  return h("div", { class: "version-text", "data-testid": "version-text" }, ...lines);
}
