// Formatting buttons for the editor: undo/redo (my own changes only), headings, bold/italic, lists, links,
// the blocks (checklist, table, quote, code, callout, rule), and, inside a table, its rows and columns.

import type { Editor } from "@tiptap/core";
import { yUndoPluginKey } from "@tiptap/y-tiptap";
import type * as Y from "yjs";
import { t } from "../i18n";
import { h } from "../ui/dom";

interface Tool {
  /** Names its class (`tool-bold`), the same in every language. */
  id: string;
  label: () => string;
  title: () => string;
  run: (editor: Editor) => void;
  /** For a format that is on or off here; an action (undo, insert a table) has no pressed state. */
  active?: (editor: Editor) => boolean;
  /** Whether it can run now (undo with nothing to undo cannot). */
  enabled?: (editor: Editor) => boolean;
}

function setLink(editor: Editor): void {
  const previous = String(editor.getAttributes("link").href ?? "");
  const url = window.prompt(t("warroom.toolbar.linkPrompt"), previous);
  if (url === null) return;
  const chain = editor.chain().focus().extendMarkRange("link");
  if (url.trim() === "") chain.unsetLink().run();
  else chain.setLink({ href: url.trim() }).run();
}

const HISTORY: Tool[] = [
  {
    id: "undo",
    label: () => "↶",
    title: () => t("warroom.toolbar.undo"),
    run: (e) => e.chain().focus().undo().run(),
    enabled: (e) => e.can().undo(),
  },
  {
    id: "redo",
    label: () => "↷",
    title: () => t("warroom.toolbar.redo"),
    run: (e) => e.chain().focus().redo().run(),
    enabled: (e) => e.can().redo(),
  },
];

const FORMATS: Tool[] = [
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
    id: "checklist",
    label: () => t("warroom.toolbar.checklistLabel"),
    title: () => t("warroom.toolbar.checklist"),
    run: (e) => e.chain().focus().toggleTaskList().run(),
    active: (e) => e.isActive("taskList"),
  },
  {
    id: "add",
    label: () => t("warroom.toolbar.linkLabel"),
    title: () => t("warroom.toolbar.link"),
    run: setLink,
    active: (e) => e.isActive("link"),
  },
];

const BLOCKS: Tool[] = [
  {
    id: "quote",
    label: () => t("warroom.toolbar.quoteLabel"),
    title: () => t("warroom.toolbar.quote"),
    run: (e) => e.chain().focus().toggleBlockquote().run(),
    active: (e) => e.isActive("blockquote"),
  },
  {
    id: "code",
    label: () => "</>",
    title: () => t("warroom.toolbar.code"),
    run: (e) => e.chain().focus().toggleCodeBlock().run(),
    active: (e) => e.isActive("codeBlock"),
  },
  {
    id: "callout",
    label: () => t("warroom.toolbar.calloutLabel"),
    title: () => t("warroom.toolbar.callout"),
    run: (e) => e.chain().focus().toggleCallout("info").run(),
    active: (e) => e.isActive("callout", { kind: "info" }),
  },
  {
    id: "warning",
    label: () => t("warroom.toolbar.warningLabel"),
    title: () => t("warroom.toolbar.warning"),
    run: (e) => e.chain().focus().toggleCallout("warning").run(),
    active: (e) => e.isActive("callout", { kind: "warning" }),
  },
  {
    id: "rule",
    label: () => "―",
    title: () => t("warroom.toolbar.rule"),
    run: (e) => e.chain().focus().setHorizontalRule().run(),
  },
  {
    id: "table",
    label: () => t("warroom.toolbar.tableLabel"),
    title: () => t("warroom.toolbar.table"),
    run: (e) => e.chain().focus().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(),
    enabled: (e) => e.can().insertTable(),
  },
];

/** Shown while the selection is in a table. */
const TABLE: Tool[] = [
  { id: "row-add", label: () => t("warroom.toolbar.rowAddLabel"), title: () => t("warroom.toolbar.rowAdd"), run: (e) => e.chain().focus().addRowAfter().run() },
  { id: "row-remove", label: () => t("warroom.toolbar.rowRemoveLabel"), title: () => t("warroom.toolbar.rowRemove"), run: (e) => e.chain().focus().deleteRow().run() },
  { id: "column-add", label: () => t("warroom.toolbar.columnAddLabel"), title: () => t("warroom.toolbar.columnAdd"), run: (e) => e.chain().focus().addColumnAfter().run() },
  { id: "column-remove", label: () => t("warroom.toolbar.columnRemoveLabel"), title: () => t("warroom.toolbar.columnRemove"), run: (e) => e.chain().focus().deleteColumn().run() },
  { id: "table-remove", label: () => t("warroom.toolbar.tableRemoveLabel"), title: () => t("warroom.toolbar.tableRemove"), run: (e) => e.chain().focus().deleteTable().run() },
];

/**
 * What assistive technology calls the button: the words it shows first (a speech user says what they see,
 * "H1", "To-do"), then its tooltip's fuller words unless these already hold them; a symbol or a single letter
 * ("↶", "B") is named by its tooltip alone.
 */
function accessibleName(tool: Tool): string {
  const title = tool.title();
  const words = tool.label().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
  if ([...words].length < 2 || title.toLowerCase().includes(words.toLowerCase())) return title;
  return t("warroom.toolbar.buttonName", { words, title });
}

function button(tool: Tool, editor: Editor): HTMLButtonElement {
  return h(
    "button",
    {
      type: "button",
      class: `tool tool-${tool.id}`,
      title: tool.title(),
      "aria-label": accessibleName(tool),
      // mousedown would take the focus (and the selection) away from the editor.
      onmousedown: (event) => event.preventDefault(),
      onclick: () => tool.run(editor),
    },
    tool.label(),
  );
}

function undoManager(editor: Editor): Y.UndoManager | null {
  if (editor.isDestroyed) return null;
  const state = yUndoPluginKey.getState(editor.state) as { undoManager?: Y.UndoManager } | undefined;
  return state?.undoManager ?? null;
}

export function toolbar(editor: Editor): { el: HTMLElement; dispose: () => void } {
  const groups = [HISTORY, FORMATS, BLOCKS, TABLE];
  const tools = groups.flat();
  const buttons = tools.map((tool) => button(tool, editor));
  let at = 0;
  const groupEls = groups.map((group, index) => {
    const el = h("div", { class: "tool-group", role: "group" }, ...buttons.slice(at, at + group.length));
    at += group.length;
    if (group === TABLE) {
      el.classList.add("tool-group-table");
      el.setAttribute("aria-label", t("warroom.toolbar.tableTools"));
    }
    return index === 0 ? el : [h("span", { class: "tool-separator", role: "separator", "aria-orientation": "vertical" }), el];
  });
  const tableGroup = groupEls[groupEls.length - 1] as HTMLElement[];
  const el = h("div", { class: "toolbar", role: "toolbar", "aria-label": t("warroom.toolbar.label") }, ...groupEls.flat());

  function refresh(): void {
    if (editor.isDestroyed) return;
    const editable = editor.isEditable;
    el.hidden = !editable;
    const inTable = editable && editor.isActive("table");
    for (const part of tableGroup) part.hidden = !inTable;
    tools.forEach((tool, i) => {
      buttons[i].disabled = !editable || (tool.enabled ? !tool.enabled(editor) : false);
      if (tool.active) buttons[i].setAttribute("aria-pressed", String(editable && tool.active(editor)));
    });
  }

  // setEditable emits "update" without a transaction; formatting changes come as transactions. The undo stack
  // also changes after a transaction (Yjs groups typing), so its events refresh undo/redo.
  editor.on("transaction", refresh);
  editor.on("update", refresh);
  const history = undoManager(editor);
  const events = ["stack-item-added", "stack-item-popped", "stack-cleared"] as const;
  for (const name of events) history?.on(name, refresh);
  refresh();
  return {
    el,
    dispose() {
      editor.off("transaction", refresh);
      editor.off("update", refresh);
      for (const name of events) history?.off(name, refresh);
    },
  };
}
