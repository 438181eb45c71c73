// Passages lit up in the editor: the thread someone clicked, the selection being commented on.
// A ProseMirror decoration, so nothing is written into the shared document.

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
  dispose: () => void;
}

function decorations(editor: Editor, lit: Map<HighlightKind, Lit>): DecorationSet {
  const doc = editor.state.doc;
  const list = [...lit].map(([kind, { range }]) =>
    Decoration.inline(range.from, range.to, { class: `comment-highlight comment-highlight-${kind}`, "data-highlight": kind }),
  );
  return DecorationSet.create(doc, list);
}

export function passageHighlights(editor: Editor): Highlights {
  const lit = new Map<HighlightKind, Lit>();

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
    editor.view.dispatch(editor.state.tr.setMeta(KEY, decorations(editor, lit)));
  }

  // Remote edits replace the editor's content wholesale, which a mapped decoration does not survive:
  // place the passages again from their Yjs positions once the change is in.
  let pending = false;
  const follow = (): void => {
    if (lit.size === 0 || pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      for (const [kind, entry] of lit) {
        const range = passageRange(editor, entry.anchor);
        if (range) entry.range = range;
        else lit.delete(kind);
      }
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
