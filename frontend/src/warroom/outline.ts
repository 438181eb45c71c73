// The document's outline: its headings, kept up to date as anyone edits; a click scrolls to the heading.

import type { Editor } from "@tiptap/core";
import { t } from "../i18n";
import { h, replaceChildren } from "../ui/dom";

interface Heading {
  level: number;
  text: string;
  /** The heading's position in the ProseMirror document. */
  pos: number;
}

function headings(editor: Editor): Heading[] {
  const found: Heading[] = [];
  editor.state.doc.descendants((node, pos) => {
    if (node.type.name === "heading") {
      found.push({ level: Number(node.attrs.level) || 1, text: node.textContent.trim(), pos });
      return false;
    }
    return !node.isTextblock; // headings can sit in quotes, callouts, cells: look inside every container
  });
  return found;
}

/** Scrolls to the `index`th heading as it is now (its position moves as people write above it). */
function goTo(editor: Editor, index: number): void {
  const heading = headings(editor)[index];
  if (!heading) return;
  const target = editor.view.nodeDOM(heading.pos);
  if (target instanceof HTMLElement) target.scrollIntoView({ behavior: "smooth", block: "start" });
  if (editor.isEditable) {
    // The caret goes to the heading too, so typing or Tab continues from there; the scroll above stays.
    editor.commands.setTextSelection(heading.pos + 1);
    editor.view.dom.focus({ preventScroll: true });
  }
}

export function outline(editor: Editor): { el: HTMLElement; dispose: () => void } {
  const list = h("ol", { class: "outline-list" });
  const empty = h("p", { class: "outline-empty hint" }, t("warroom.outline.empty"));
  const el = h(
    "nav",
    { class: "outline", "aria-label": t("warroom.outline.label"), "data-testid": "outline" },
    h("h2", { class: "outline-title" }, t("warroom.outline.title")),
    empty,
    list,
  );
  let shown = "";

  function refresh(): void {
    if (editor.isDestroyed) return;
    const found = headings(editor);
    // Typing in a paragraph changes no heading: the list (and the focus in it) is left alone then.
    const key = JSON.stringify(found.map(({ level, text }) => [level, text]));
    if (key === shown) return;
    shown = key;
    empty.hidden = found.length > 0;
    replaceChildren(
      list,
      ...found.map((heading, index) =>
        h(
          "li",
          { class: `outline-item outline-level-${heading.level}` },
          h(
            "button",
            { type: "button", class: "outline-link", title: heading.text, onclick: () => goTo(editor, index) },
            heading.text || t("warroom.outline.untitled"),
          ),
        ),
      ),
    );
  }

  editor.on("update", refresh);
  editor.on("create", refresh);
  refresh();
  return {
    el,
    dispose() {
      editor.off("update", refresh);
      editor.off("create", refresh);
    },
  };
}
