// Formatting buttons for the editor: headings, bold/italic, lists, links.

import type { Editor } from "@tiptap/core";
import { h } from "../ui/dom";

interface Tool {
  label: string;
  title: string;
  run: (editor: Editor) => void;
  active: (editor: Editor) => boolean;
}

function setLink(editor: Editor): void {
  const previous = String(editor.getAttributes("link").href ?? "");
  const url = window.prompt("Link address (leave empty to remove the link)", previous);
  if (url === null) return;
  const chain = editor.chain().focus().extendMarkRange("link");
  if (url.trim() === "") chain.unsetLink().run();
  else chain.setLink({ href: url.trim() }).run();
}

const TOOLS: Tool[] = [
  {
    label: "P",
    title: "Paragraph",
    run: (e) => e.chain().focus().setParagraph().run(),
    active: (e) => e.isActive("paragraph"),
  },
  ...([1, 2, 3] as const).map((level) => ({
    label: `H${level}`,
    title: `Heading ${level}`,
    run: (e: Editor) => e.chain().focus().toggleHeading({ level }).run(),
    active: (e: Editor) => e.isActive("heading", { level }),
  })),
  { label: "B", title: "Bold (Ctrl+B)", run: (e) => e.chain().focus().toggleBold().run(), active: (e) => e.isActive("bold") },
  { label: "I", title: "Italic (Ctrl+I)", run: (e) => e.chain().focus().toggleItalic().run(), active: (e) => e.isActive("italic") },
  {
    label: "• List",
    title: "Bulleted list",
    run: (e) => e.chain().focus().toggleBulletList().run(),
    active: (e) => e.isActive("bulletList"),
  },
  {
    label: "1. List",
    title: "Numbered list",
    run: (e) => e.chain().focus().toggleOrderedList().run(),
    active: (e) => e.isActive("orderedList"),
  },
  { label: "Link", title: "Add or edit a link", run: setLink, active: (e) => e.isActive("link") },
];

export function toolbar(editor: Editor): { el: HTMLElement; dispose: () => void } {
  const buttons = TOOLS.map((tool) =>
    h(
      "button",
      {
        type: "button",
        class: `tool tool-${tool.title.split(" ")[0].toLowerCase()}`,
        title: tool.title,
        "aria-label": tool.title,
        // mousedown would take the focus (and the selection) away from the editor.
        onmousedown: (event) => event.preventDefault(),
        onclick: () => tool.run(editor),
      },
      tool.label,
    ),
  );
  const el = h("div", { class: "toolbar", role: "toolbar", "aria-label": "Formatting" }, ...buttons);

  function refresh(): void {
    const editable = editor.isEditable;
    el.hidden = !editable;
    TOOLS.forEach((tool, i) => {
      buttons[i].disabled = !editable;
      buttons[i].setAttribute("aria-pressed", String(editable && tool.active(editor)));
    });
  }

  // setEditable emits "update" without a transaction; formatting changes come as transactions.
  editor.on("transaction", refresh);
  editor.on("update", refresh);
  refresh();
  return {
    el,
    dispose() {
      editor.off("transaction", refresh);
      editor.off("update", refresh);
    },
  };
}
