// The "Comment" button that appears under a selection in the document (for those who may comment),
// and the same from the keyboard: Ctrl+Alt+M (⌘⌥M), as in other editors.

import type { Editor } from "@tiptap/core";
import { t } from "../i18n";
import { h } from "../ui/dom";
import { selectedPassage, type Passage } from "./anchor";

export function selectionAction(editor: Editor, host: HTMLElement, onComment: (passage: Passage) => void): () => void {
  const button = h(
    "button",
    {
      type: "button",
      class: "selection-comment button-primary",
      "data-testid": "comment-selection",
      hidden: true,
      title: t("comments.selection.title"),
      // mousedown would move the focus and collapse the selection before the click reads it.
      onmousedown: (event) => event.preventDefault(),
      onclick: () => {
        const passage = selectedPassage(editor);
        button.hidden = true;
        if (passage) onComment(passage);
      },
    },
    t("comments.selection.button"),
  );
  host.append(button);

  function place(): void {
    if (editor.isDestroyed) return;
    const { empty, to } = editor.state.selection;
    if (empty || !editor.state.doc.textBetween(editor.state.selection.from, to, " ").trim()) {
      button.hidden = true;
      return;
    }
    const end = editor.view.coordsAtPos(to);
    const frame = host.getBoundingClientRect();
    button.style.top = `${end.bottom - frame.top + 6}px`;
    button.style.left = `${Math.max(0, Math.min(end.left - frame.left - 40, frame.width - 110))}px`;
    button.hidden = false;
  }

  const shortcut = (event: KeyboardEvent): void => {
    if (!(event.ctrlKey || event.metaKey) || !event.altKey || event.code !== "KeyM") return;
    const passage = selectedPassage(editor);
    if (!passage) return;
    event.preventDefault();
    button.hidden = true;
    onComment(passage);
  };

  editor.on("selectionUpdate", place);
  editor.view.dom.addEventListener("keydown", shortcut);
  return () => {
    editor.off("selectionUpdate", place);
    if (!editor.isDestroyed) editor.view.dom.removeEventListener("keydown", shortcut);
    button.remove();
  };
}
