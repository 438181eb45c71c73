// The "Comment" button that appears under a selection in the document (for those who may comment).

import type { Editor } from "@tiptap/core";
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
      // mousedown would move the focus and collapse the selection before the click reads it.
      onmousedown: (event) => event.preventDefault(),
      onclick: () => {
        const passage = selectedPassage(editor);
        button.hidden = true;
        if (passage) onComment(passage);
      },
    },
    "Comment",
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

  editor.on("selectionUpdate", place);
  return () => {
    editor.off("selectionUpdate", place);
    button.remove();
  };
}
