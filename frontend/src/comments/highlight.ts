// Passages lit up in the editor: every open thread's passage, stronger for the thread someone clicked
// and for the selection being commented on. A ProseMirror decoration, so nothing is written into the
// shared document; every client computes it from the same anchors, so all see the same passages lit.

import type { Editor } from "@tiptap/core";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import { ySyncPluginKey } from "@tiptap/y-tiptap";
import { readCaretFromPage } from "../warroom/caret-from-page";
import { anchorAt, anchorBroken, anchorRestored, passageRange, type Range } from "./anchor";

export type HighlightKind = "active" | "pending";

interface Lit {
  anchor: { start: string; end: string };
  range: Range;
}

const KEY = new PluginKey<DecorationSet>("commentHighlight");
/** How many earlier anchors of a thread are kept for an undo to go back to. */
const KEPT_ANCHORS = 20;

export interface Highlights {
  /** Lights the anchor's passage (or clears `kind` with null); returns its range, null when it is gone. */
  show: (kind: HighlightKind, anchor: { start: string; end: string } | null) => Range | null;
  /** Lights every passage in `anchors` (the open threads, by id) until the next call. */
  setOpen: (anchors: Map<string, { start: string; end: string }>) => void;
  dispose: () => void;
}

function decorations(editor: Editor, lit: Map<HighlightKind, Lit>, open: Map<string, Lit>): DecorationSet {
  const doc = editor.state.doc;
  const list = [...open].map(([id, { range }]) =>
    Decoration.inline(range.from, range.to, { class: "comment-highlight comment-highlight-open", "data-thread-id": id }, { threadId: id }),
  );
  for (const [kind, { range }] of lit) {
    list.push(Decoration.inline(range.from, range.to, { class: `comment-highlight comment-highlight-${kind}`, "data-highlight": kind }));
  }
  return DecorationSet.create(doc, list);
}

type Anchor = { start: string; end: string };

/**
 * The passages lit in `editor`; `moved` hears of a passage this browser's own edit wrote anew (see
 * `anchorBroken`), with its anchor where the edit put it.
 */
export function passageHighlights(editor: Editor, moved: (id: string, anchor: Anchor) => void): Highlights {
  const lit = new Map<HighlightKind, Lit>();
  const open = new Map<string, Lit>();
  let openAnchors = new Map<string, { start: string; end: string }>();
  /** Each open thread's anchors as this browser knew them, oldest first: an undo brings an older one back. */
  const known = new Map<string, Anchor[]>();

  function remember(id: string, anchor: Anchor): void {
    const list = known.get(id) ?? [];
    const last = list[list.length - 1];
    if (last?.start === anchor.start && last.end === anchor.end) return;
    list.push(anchor);
    known.set(id, list.slice(-KEPT_ANCHORS));
  }

  /** Where an undo or redo of this browser put the passage: an anchor it knew that names live text again
   * (the current one first), written anew on the text as it is now. */
  function restored(id: string): Anchor | null {
    for (const earlier of [...(known.get(id) ?? [])].reverse()) {
      if (!anchorRestored(editor, earlier)) continue;
      const range = passageRange(editor, earlier);
      if (range && range.to > range.from) return anchorAt(editor, range);
    }
    return null;
  }

  function place(): void {
    open.clear();
    for (const [id, anchor] of openAnchors) {
      const range = passageRange(editor, anchor);
      if (range) open.set(id, { anchor, range });
    }
  }

  editor.registerPlugin(
    new Plugin<DecorationSet>({
      key: KEY,
      state: {
        init: () => DecorationSet.empty,
        apply: (tr, set) => {
          const replaced = tr.getMeta(KEY) as DecorationSet | undefined;
          return replaced ?? set.map(tr.mapping, tr.doc);
        },
      },
      props: { decorations: (state) => KEY.getState(state) },
    }),
  );

  function redraw(): void {
    if (editor.isDestroyed) return;
    readCaretFromPage(editor);
    editor.view.dispatch(editor.state.tr.setMeta(KEY, decorations(editor, lit, open)));
  }

  /** Where this browser's own edits moved passages whose text they wrote anew: the lit passage, mapped
   * through those edits by ProseMirror, says where the passage went. */
  function rescue(undoing: boolean): void {
    const state = KEY.getState(editor.state);
    const found: [string, Anchor][] = [];
    for (const [id, anchor] of openAnchors) {
      if (!anchorBroken(editor, anchor)) continue;
      // An undo or redo rewrites the whole document in the editor, which no lit passage survives.
      if (undoing) {
        const next = restored(id);
        if (next) found.push([id, next]);
        continue;
      }
      const [mapped] = state?.find(undefined, undefined, (spec) => spec.threadId === id) ?? [];
      if (!mapped || mapped.to <= mapped.from) continue;
      const now = passageRange(editor, anchor);
      if (now && now.from === mapped.from && now.to === mapped.to) continue;
      const next = anchorAt(editor, { from: mapped.from, to: mapped.to });
      if (next) found.push([id, next]);
    }
    for (const [id, next] of found) {
      openAnchors.set(id, next);
      remember(id, next);
    }
    for (const [id, next] of found) moved(id, next);
  }

  // Remote edits replace the editor's content wholesale, which a mapped decoration does not survive:
  // place the passages again from their Yjs positions once the change is in.
  let pending = false;
  let ownEdit = false;
  let undoing = false;
  const follow = ({ transaction }: { transaction: { getMeta: (key: PluginKey) => unknown } }): void => {
    const sync = transaction.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean; isUndoRedoOperation?: boolean } | undefined;
    // My undo (Ctrl+Z) or redo comes back from Yjs as a change of the shared document, but it is my edit.
    if (sync?.isUndoRedoOperation) undoing = true;
    if (!sync?.isChangeOrigin || sync.isUndoRedoOperation) ownEdit = true;
    if (pending) return;
    if (lit.size === 0 && openAnchors.size === 0) {
      ownEdit = false;
      undoing = false;
      return;
    }
    pending = true;
    queueMicrotask(() => {
      pending = false;
      if (ownEdit) rescue(undoing);
      ownEdit = false;
      undoing = false;
      for (const [kind, entry] of lit) {
        const range = passageRange(editor, entry.anchor);
        if (range) entry.range = range;
        else lit.delete(kind);
      }
      place();
      redraw();
    });
  };
  editor.on("update", follow);

  return {
    show(kind, anchor) {
      let range: Range | null = null;
      if (anchor) range = passageRange(editor, anchor);
      if (anchor && range) lit.set(kind, { anchor, range });
      else lit.delete(kind);
      redraw();
      return range;
    },
    setOpen(anchors) {
      openAnchors = new Map(anchors);
      for (const [id, anchor] of anchors) remember(id, anchor);
      for (const id of known.keys()) if (!anchors.has(id)) known.delete(id);
      place();
      redraw();
    },
    dispose() {
      editor.off("update", follow);
      if (!editor.isDestroyed) editor.unregisterPlugin(KEY);
    },
  };
}

/** Scrolls the editor so the passage starting at `pos` is in view. */
export function scrollToPassage(editor: Editor, pos: number): void {
  if (editor.isDestroyed) return;
  const { node } = editor.view.domAtPos(pos);
  const element = node instanceof Element ? node : node.parentElement;
  element?.scrollIntoView({ block: "center", behavior: "smooth" });
}
