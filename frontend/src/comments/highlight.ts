// Passages lit up in the editor: every open thread's passage, stronger for the thread someone clicked
// and for the selection being commented on. A ProseMirror decoration, so nothing is written into the
// shared document; every client computes it from the same anchors, so all see the same passages lit.

import type { Editor } from "@tiptap/core";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import { passageRange, type Range } from "./anchor";

export type HighlightKind = "active" | "pending";

interface Lit {
  anchor: { start: string; end: string };
  range: Range;
}

const KEY = new PluginKey<DecorationSet>("commentHighlight");

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
    Decoration.inline(range.from, range.to, { class: "comment-highlight comment-highlight-open", "data-thread-id": id }),
  );
  for (const [kind, { range }] of lit) {
    list.push(Decoration.inline(range.from, range.to, { class: `comment-highlight comment-highlight-${kind}`, "data-highlight": kind }));
  }
  return DecorationSet.create(doc, list);
}

export function passageHighlights(editor: Editor): Highlights {
  const lit = new Map<HighlightKind, Lit>();
  const open = new Map<string, Lit>();
  let openAnchors = new Map<string, { start: string; end: string }>();

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
    editor.view.dispatch(editor.state.tr.setMeta(KEY, decorations(editor, lit, open)));
  }

  // Remote edits replace the editor's content wholesale, which a mapped decoration does not survive:
  // place the passages again from their Yjs positions once the change is in.
  let pending = false;
  const follow = (): void => {
    if ((lit.size === 0 && openAnchors.size === 0) || pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
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
