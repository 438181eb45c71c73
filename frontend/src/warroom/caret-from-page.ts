// The caret as the page has it, read into the editor's state before a transaction that did not come from this
// browser's own input could write an older one back (see `caretFromPage`), and before a key acts on it.

import { type Editor, Extension } from "@tiptap/core";
import { yCursorPluginKey } from "@tiptap/y-tiptap";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import type { EditorView } from "@tiptap/pm/view";
import type * as Y from "yjs";

/** What prosemirror-view keeps of the page's selection (internal to it: not in its types). */
interface DomObserver {
  flush: () => void;
}

/**
 * Reads the page's caret into the editor's state, as ProseMirror does on `selectionchange`; true when that
 * changed the state. Whatever builds a transaction of its own from `editor.state` outside ProseMirror's event
 * handlers (comment highlights, a language change) calls it first, or a click not yet read would be undone.
 */
export function readCaretFromPage(editor: Editor): boolean {
  return !editor.isDestroyed && readInto(editor.view);
}

function readInto(view: EditorView): boolean {
  if (!view.hasFocus() || view.composing) return false;
  const before = view.state;
  (view as unknown as { domObserver: DomObserver }).domObserver.flush();
  return view.state !== before;
}

/**
 * A key acts where the page's caret is. The browser runs input before other waiting tasks, so on a busy page
 * a key can come before the `selectionchange` of the click or key that moved the caret; ProseMirror would
 * then split the block where its state's caret still is (seen on a loaded machine: a click at the end of a
 * paragraph, End, Enter — and the new paragraph did not come after it). Read first, before any key binding.
 */
const keysWhereTheCaretIs = new Plugin({
  key: new PluginKey("caretFromPageKeys"),
  props: {
    handleKeyDown(view) {
      readInto(view);
      return false;
    },
  },
});

/**
 * Keeps a click or a key that moved the caret from being undone by a co-author's change.
 *
 * The browser moves the caret in the page at once; ProseMirror reads it into the editor's state only on the
 * page's `selectionchange` event, which comes a task later. A transaction applied in between (others' text,
 * or others' carets redrawn) carries the state's older selection, and ProseMirror writes it back into the
 * page: the click is lost, and the next Enter splits the block where the caret had been before (seen: Lina's
 * Enter split Alice's first heading, where Lina's caret had been while that heading arrived). So the caret is
 * read from the page first — what ProseMirror does itself on `selectionchange` — before a remote change is
 * turned into a transaction (the Y.Doc's `beforeAllTransactions`, which must run before y-prosemirror's own
 * handler: it keeps the state's selection as relative positions to restore after the change), and before a
 * redraw of others' carets (y-prosemirror builds that transaction from the state as it was, so it is built
 * again from the state that has the caret). Nothing is read while ProseMirror is itself applying a
 * transaction, or while an input method is composing.
 */
export function caretFromPage(doc: Y.Doc): { extension: Extension; attach: (editor: Editor) => () => void } {
  let editor: Editor | null = null;
  let applying = 0;

  /** Reads the page's caret into the state; true when that changed the state. */
  const read = (): boolean => applying === 0 && editor !== null && readCaretFromPage(editor);
  const beforeRemoteChange = (): void => void read();
  doc.on("beforeAllTransactions", beforeRemoteChange);

  const extension = Extension.create({
    name: "caretFromPage",
    // Its key handler runs before every extension's key bindings.
    priority: 10_000,
    addProseMirrorPlugins() {
      return [keysWhereTheCaretIs];
    },
    dispatchTransaction({ transaction, next }) {
      const carets: unknown = transaction.getMeta(yCursorPluginKey);
      const redraw = carets !== undefined && !transaction.docChanged && !transaction.selectionSet;
      const fresh = redraw && read() && editor ? editor.state.tr.setMeta(yCursorPluginKey, carets) : transaction;
      applying++;
      try {
        next(fresh);
      } finally {
        applying--;
      }
    },
  });

  return {
    extension,
    attach(created) {
      editor = created;
      return () => {
        doc.off("beforeAllTransactions", beforeRemoteChange);
        editor = null;
      };
    },
  };
}
