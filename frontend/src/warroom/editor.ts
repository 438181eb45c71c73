// The case editor: Tiptap bound to the Y.XmlFragment `body`, with everyone's carets. Every block (tables,
// checklists, quotes, code, callouts, rules) is a node of that fragment, so each one is edited together.

import { Editor } from "@tiptap/core";
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { TaskItem, TaskList } from "@tiptap/extension-list";
import { Table, TableCell, TableHeader, TableRow } from "@tiptap/extension-table";
import { Placeholder } from "@tiptap/extensions";
import StarterKit from "@tiptap/starter-kit";
import type { WebsocketProvider } from "y-websocket";
import type * as Y from "yjs";
import { t } from "../i18n";
import { caretFromPage } from "./caret-from-page";
import { Callout } from "./callout";
import type { PresenceUser } from "./presence";
import { SlashMenu } from "./slash-menu";
import { TaskLabels } from "./task-labels";
import "../styles/prosemirror.css";

/** The fragment of the case's Y.Doc that holds the rich text (the server reads the same name). */
export const BODY_FIELD = "body";

export interface EditorOptions {
  element: HTMLElement;
  doc: Y.Doc;
  provider: WebsocketProvider;
  user: PresenceUser;
}

function caretElement(user: Record<string, unknown>): HTMLElement {
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
  const caret = caretFromPage(doc);
  const editor = new Editor({
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
      TaskList,
      TaskLabels,
      // A ticked box is the item's `checked` attribute, which the server reads as "[x] " in the text.
      TaskItem.configure({
        nested: true,
        a11y: { checkboxLabel: (node, checked) => t(checked ? "warroom.editor.taskDone" : "warroom.editor.taskOpen", { text: node.textContent }) },
      }),
      // Column widths would be one more attribute to merge; tables size to their content.
      Table.configure({ resizable: false }),
      TableRow,
      TableHeader,
      TableCell,
      Callout,
      SlashMenu,
      // Functions, read on every update: a language change shows once the war room dispatches a transaction.
      Placeholder.configure({ placeholder: () => t("warroom.editor.placeholder") }),
      Collaboration.configure({ document: doc, field: BODY_FIELD }),
      CollaborationCaret.configure({ provider, user: { ...user }, render: caretElement }),
      caret.extension,
    ],
    editorProps: {
      // A textbox, so the slash menu can point at its active option (aria-activedescendant) while the caret stays here.
      attributes: () => ({ class: "prose", role: "textbox", "aria-multiline": "true", "aria-label": t("warroom.editor.label"), spellcheck: "true" }),
    },
  });
  editor.on("destroy", caret.attach(editor));
  return editor;
}
