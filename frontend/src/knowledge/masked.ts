// Published (or about to be published) text with its masked spans marked: each mask a <mark> that says what
// was masked (a customer, a phone number…), in the text's own lines. The server counts span offsets in
// characters (code points), so the text is cut by code points, not UTF-16 units.

import { t } from "../i18n";
import { h } from "../ui/dom";
import type { MaskedSpan } from "./types";

const KNOWN = new Set(["customer", "phone", "email", "id_number", "bank_card", "passport", "address"]);

export function maskLabel(kind: string): string {
  return t(`knowledge.masks.${KNOWN.has(kind) ? (kind as "customer") : "other"}`);
}

/** The pieces of `text` in order: plain strings and marks for the spans. */
export function maskedPieces(text: string, spans: readonly MaskedSpan[]): (Node | string)[] {
  const chars = Array.from(text);
  const pieces: (Node | string)[] = [];
  let at = 0;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    const start = Math.max(span.start, at);
    const end = Math.min(span.end, chars.length);
    if (end <= start) continue;
    if (start > at) pieces.push(chars.slice(at, start).join(""));
    const label = maskLabel(span.kind);
    pieces.push(h("mark", { class: "masked", "data-kind": span.kind, "data-testid": "masked-span", title: label }, chars.slice(start, end).join(""), h("span", { class: "visually-hidden" }, ` (${label})`)));
    at = end;
  }
  if (at < chars.length) pieces.push(chars.slice(at).join(""));
  return pieces;
}

/** The text one paragraph per line, masks marked. */
export function maskedText(text: string, spans: readonly MaskedSpan[]): HTMLElement {
  const box = h("div", { class: "asset-text", "data-testid": "asset-text", translate: "no" });
  let paragraph = h("p", {});
  const flush = (): void => {
    if (paragraph.childNodes.length) box.append(paragraph);
    paragraph = h("p", {});
  };
  for (const piece of maskedPieces(text, spans)) {
    if (typeof piece !== "string") {
      paragraph.append(piece);
      continue;
    }
    const lines = piece.split("\n");
    lines.forEach((line, index) => {
      if (index > 0) flush();
      if (line) paragraph.append(line);
    });
  }
  flush();
  if (!box.childNodes.length) box.append(h("p", { class: "empty" }, t("knowledge.asset.emptyText")));
  return box;
}
