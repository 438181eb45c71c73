// Formatting buttons for the editor: headings, bold/italic, lists, links.

import type { Editor } from "@tiptap/core";
import { t } from "../i18n";
import { h } from "../ui/dom";

interface Tool {
  /** Names its class (`tool-bold`), the same in every language. */
  id: string;
  label: () => string;
  title: () => string;
  run: (editor: Editor) => void;
  active: (editor: Editor) => boolean;
}

function setLink(editor: Editor): void {
  const previous = String(editor.getAttributes("link").href ?? "");
  const url = window.prompt(t("warroom.toolbar.linkPrompt"), previous);
  if (url === null) return;
  const chain = editor.chain().focus().extendMarkRange("link");
  if (url.trim() === "") chain.unsetLink().run();
  else chain.setLink({ href: url.trim() }).run();
}

const TOOLS: Tool[] = [
  {
    id: "paragraph",
    label: () => t("warroom.toolbar.paragraphLabel"),
    title: () => t("warroom.toolbar.paragraph"),
    run: (e) => e.chain().focus().setParagraph().run(),
    active: (e) => e.isActive("paragraph"),
  },
  ...([1, 2, 3] as const).map((level) => ({
    id: "heading",
    label: () => `H${level}`,
    title: () => t("warroom.toolbar.heading", { level }),
    run: (e: Editor) => e.chain().focus().toggleHeading({ level }).run(),
    active: (e: Editor) => e.isActive("heading", { level }),
  })),
  {
    id: "bold",
    label: () => t("warroom.toolbar.boldLabel"),
    title: () => t("warroom.toolbar.bold"),
    run: (e) => e.chain().focus().toggleBold().run(),
    active: (e) => e.isActive("bold"),
  },
  {
    id: "italic",
    label: () => t("warroom.toolbar.italicLabel"),
    title: () => t("warroom.toolbar.italic"),
    run: (e) => e.chain().focus().toggleItalic().run(),
    active: (e) => e.isActive("italic"),
  },
  {
    id: "bulleted",
    label: () => t("warroom.toolbar.bulletedLabel"),
    title: () => t("warroom.toolbar.bulleted"),
    run: (e) => e.chain().focus().toggleBulletList().run(),
    active: (e) => e.isActive("bulletList"),
  },
  {
    id: "numbered",
    label: () => t("warroom.toolbar.numberedLabel"),
    title: () => t("warroom.toolbar.numbered"),
    run: (e) => e.chain().focus().toggleOrderedList().run(),
    active: (e) => e.isActive("orderedList"),
  },
  {
    id: "add",
    label: () => t("warroom.toolbar.linkLabel"),
    title: () => t("warroom.toolbar.link"),
    run: setLink,
    active: (e) => e.isActive("link"),
  },
];

export function toolbar(editor: Editor): { el: HTMLElement; dispose: () => void } {
  const buttons = TOOLS.map((tool) =>
    h(
      "button",
      {
        type: "button",
        class: `tool tool-${tool.id}`,
        title: tool.title(),
        "aria-label": tool.title(),
        // mousedown would take the focus (and the selection) away from the editor.
        onmousedown: (event) => event.preventDefault(),
        onclick: () => tool.run(editor),
      },
      tool.label(),
    ),
  );
  const el = h("div", { class: "toolbar", role: "toolbar", "aria-label": t("warroom.toolbar.label") }, ...buttons);

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
