// The caret as the page has it, read into the editor's state before a transaction that did not come from this
// browser's own input could write an older one back (see `caretFromPage`).

import { type Editor, Extension } from "@tiptap/core";
import { yCursorPluginKey } from "@tiptap/y-tiptap";
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
  if (editor.isDestroyed) return false;
  const { view } = editor;
  if (!view.hasFocus() || view.composing) return false;
  const before = view.state;
  (view as unknown as { domObserver: DomObserver }).domObserver.flush();
  return view.state !== before;
}

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
