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

  /** Whether the person is selecting in the document: its focus, or, in a read-only document (which takes
   * no focus), no other element's. */
  function selecting(): boolean {
    if (editor.view.hasFocus()) return true;
    const active = document.activeElement;
    return !editor.isEditable && (active === null || active === document.body || editor.view.dom.contains(active));
  }

  function place(): void {
    if (editor.isDestroyed) return;
    if (document.hidden || !selecting()) {
      // A selection update from a remote edit (the selection is mapped through it) arrives while the
      // tab is hidden or the focus is elsewhere (the comment box, the margin): it must not bring it back.
      button.hidden = true;
      return;
    }
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

  // The button belongs to a live selection: gone when focus moves elsewhere (its own click keeps the
  // focus through preventDefault above) or the tab is hidden, back when the editor has focus again.
  const hide = (): void => {
    button.hidden = true;
  };
  const onVisibility = (): void => {
    if (document.hidden) hide();
  };
  editor.on("selectionUpdate", place);
  editor.on("blur", hide);
  editor.on("focus", place);
  document.addEventListener("visibilitychange", onVisibility);
  window.addEventListener("blur", hide);
  editor.view.dom.addEventListener("keydown", shortcut);
  return () => {
    editor.off("selectionUpdate", place);
    editor.off("blur", hide);
    editor.off("focus", place);
    document.removeEventListener("visibilitychange", onVisibility);
    window.removeEventListener("blur", hide);
    if (!editor.isDestroyed) editor.view.dom.removeEventListener("keydown", shortcut);
    button.remove();
  };
}
