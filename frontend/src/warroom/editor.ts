// The case editor: Tiptap bound to the Y.XmlFragment `body`, with everyone's carets.

import { Editor } from "@tiptap/core";
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { Placeholder } from "@tiptap/extensions";
import StarterKit from "@tiptap/starter-kit";
import type { WebsocketProvider } from "y-websocket";
import type * as Y from "yjs";
import { t } from "../i18n";
import type { PresenceUser } from "./presence";
import "../styles/prosemirror.css";

/** The fragment of the case's Y.Doc that holds the rich text (the server reads the same name). */
export const BODY_FIELD = "body";

export interface EditorOptions {
  element: HTMLElement;
  doc: Y.Doc;
  provider: WebsocketProvider;
  user: PresenceUser;
}

function caret(user: Record<string, unknown>): HTMLElement {
  const color = String(user.color ?? "#555");
  const name = String(user.name ?? "");
  const cursor = document.createElement("span");
  cursor.className = "collaboration-carets__caret";
  cursor.style.borderColor = color;
  cursor.dataset.userName = name;
  const label = document.createElement("div");
  label.className = "collaboration-carets__label";
  label.style.backgroundColor = color;
  label.textContent = name;
  cursor.append(label);
  return cursor;
}

/** Creates the editor read-only; the caller makes it editable once the document has synced. */
export function createEditor({ element, doc, provider, user }: EditorOptions): Editor {
  return new Editor({
    element,
    editable: false,
    // Its base styles come from styles/prosemirror.css: an injected <style> breaks the CSP (style-src 'self').
    injectCSS: false,
    extensions: [
      // Yjs keeps the history per user; ProseMirror's own undo would undo other people's edits.
      // The trailing empty paragraph is off: every client would append its own, a stray line each time.
      StarterKit.configure({
        undoRedo: false,
        trailingNode: false,
        heading: { levels: [1, 2, 3] },
        link: { openOnClick: false, autolink: true, defaultProtocol: "https" },
      }),
      // Functions, read on every update: a language change shows once the war room dispatches a transaction.
      Placeholder.configure({ placeholder: () => t("warroom.editor.placeholder") }),
      Collaboration.configure({ document: doc, field: BODY_FIELD }),
      CollaborationCaret.configure({ provider, user: { ...user }, render: caret }),
    ],
    editorProps: {
      attributes: () => ({ class: "prose", "aria-label": t("warroom.editor.label"), spellcheck: "true" }),
    },
  });
}
