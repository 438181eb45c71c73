// Comment anchors: a ProseMirror selection as two base64 Yjs relative positions in the `body` fragment
// (so the anchor follows the text as others edit), and back to where the passage is now.

import type { Editor } from "@tiptap/core";
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from "@tiptap/y-tiptap";
import * as Y from "yjs";

export interface Passage {
  start: string;
  end: string;
  quote: string;
}

export interface Range {
  from: number;
  to: number;
}

type Mapping = Parameters<typeof absolutePositionToRelativePosition>[2];

interface Binding {
  doc: Y.Doc;
  type: Y.XmlFragment;
  mapping: Mapping;
}

function binding(editor: Editor): Binding | null {
  if (editor.isDestroyed) return null;
  const state = ySyncPluginKey.getState(editor.state) as { binding?: Binding | null } | undefined;
  return state?.binding ?? null;
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The passage the editor's selection covers, or null when nothing (or only blank space) is selected. */
export function selectedPassage(editor: Editor): (Passage & Range) | null {
  const { from, to, empty } = editor.state.selection;
  if (empty) return null;
  const quote = editor.state.doc.textBetween(from, to, "\n").trim();
  const sync = binding(editor);
  if (!quote || !sync) return null;
  const encode = (pos: number): string =>
    toBase64(Y.encodeRelativePosition(absolutePositionToRelativePosition(pos, sync.type, sync.mapping) as Y.RelativePosition));
  return { start: encode(from), end: encode(to), quote, from, to };
}

/** Where an anchor's passage is in the editor now; null when it was deleted (or cannot be read). */
export function passageRange(editor: Editor, anchor: { start: string; end: string }): Range | null {
  const sync = binding(editor);
  if (!sync) return null;
  try {
    const resolve = (encoded: string): number | null =>
      relativePositionToAbsolutePosition(sync.doc, sync.type, Y.decodeRelativePosition(fromBase64(encoded)), sync.mapping);
    const from = resolve(anchor.start);
    const to = resolve(anchor.end);
    if (from === null || to === null || to <= from) return null;
    const size = editor.state.doc.content.size;
    return { from: Math.min(from, size), to: Math.min(to, size) };
  } catch {
    return null; // a malformed anchor (made by a tool) highlights nothing
  }
}
