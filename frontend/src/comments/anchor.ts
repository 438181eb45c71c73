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

/** The anchor of the passage at `range` in the editor now. */
export function anchorAt(editor: Editor, range: Range): { start: string; end: string } | null {
  const sync = binding(editor);
  if (!sync) return null;
  const encode = (pos: number): string =>
    toBase64(Y.encodeRelativePosition(absolutePositionToRelativePosition(pos, sync.type, sync.mapping) as Y.RelativePosition));
  return { start: encode(range.from), end: encode(range.to) };
}

/** The passage the editor's selection covers, or null when nothing (or only blank space) is selected. */
export function selectedPassage(editor: Editor): (Passage & Range) | null {
  const { from, to, empty } = editor.state.selection;
  if (empty) return null;
  const quote = editor.state.doc.textBetween(from, to, "\n").trim();
  const anchor = quote ? anchorAt(editor, { from, to }) : null;
  if (!anchor) return null;
  return { ...anchor, quote, from, to };
}

/**
 * Whether an end of the anchor names text (or a paragraph) that was deleted. Splitting or joining a
 * paragraph, or making it a heading or a list item, writes its text anew in Yjs: the old positions then
 * fall back to where the deleted text was, not to where the passage went.
 */
export function anchorBroken(editor: Editor, anchor: { start: string; end: string }): boolean {
  const sync = binding(editor);
  if (!sync) return false;
  const deleted = (encoded: string): boolean => {
    const position = Y.decodeRelativePosition(fromBase64(encoded));
    const id = position.item ?? position.type;
    return id !== null && Y.getItem(sync.doc.store, id).deleted;
  };
  try {
    return deleted(anchor.start) || deleted(anchor.end);
  } catch {
    return false; // an item this copy has not received yet
  }
}

/**
 * Whether both ends of the anchor name live text again after this browser's own undo or redo: Yjs writes
 * undone text anew and notes, in this copy only, which new text stands for the old ("redone"). Other copies
 * do not know it, so such an anchor must be written anew (`anchorAt`) before it is shared.
 */
export function anchorRestored(editor: Editor, anchor: { start: string; end: string }): boolean {
  const sync = binding(editor);
  if (!sync) return false;
  const live = (encoded: string): boolean => {
    const position = Y.decodeRelativePosition(fromBase64(encoded));
    const id = position.item ?? position.type;
    if (id === null) return true;
    let item = Y.getItem(sync.doc.store, id);
    while (item.deleted && item.redone) item = Y.getItem(sync.doc.store, item.redone);
    return !item.deleted;
  };
  try {
    return live(anchor.start) && live(anchor.end);
  } catch {
    return false;
  }
}

const byQuote = new WeakSet<Editor>();

/**
 * Passages in `editor` are found by their quote from now on: it shows a masked copy, built anew by the
 * server, whose positions are not the live document's. The server masks a masked reader's quotes as it
 * masks the copy, so a passage still as it was is found.
 */
export function findPassagesByQuote(editor: Editor): void {
  byQuote.add(editor);
}

/** Whether `editor` finds passages by quote (a masked copy): then only the server says a passage is gone. */
export function findsPassagesByQuote(editor: Editor): boolean {
  return byQuote.has(editor);
}

/** The first place `quote` stands in the editor's text (blocks joined by "\n", as quotes are made). */
export function quoteRange(editor: Editor, quote: string): Range | null {
  const wanted = quote.trim();
  if (!wanted) return null;
  let text = "";
  const at: number[] = [];
  editor.state.doc.descendants((node, pos) => {
    if (node.isTextblock && text.length > 0) {
      text += "\n";
      at.push(-1);
    }
    if (node.isText && node.text) {
      text += node.text;
      for (let i = 0; i < node.text.length; i++) at.push(pos + i);
    }
    return true;
  });
  const found = text.indexOf(wanted);
  if (found < 0) return null;
  return { from: at[found], to: at[found + wanted.length - 1] + 1 };
}

/** Where an anchor's passage is in the editor now; null when it was deleted (or cannot be read). */
export function passageRange(editor: Editor, anchor: { start: string; end: string }): Range | null {
  if (byQuote.has(editor)) {
    // What the passage says now; an orphaned one (null) is found nowhere, not at its old words elsewhere.
    const { currentQuote } = anchor as { currentQuote?: string | null };
    return currentQuote ? quoteRange(editor, currentQuote) : null;
  }
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
