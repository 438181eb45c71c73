// The slash menu: type `/` and then a block's name in either language (`/table`, `/表格`) to insert it;
// arrow keys choose, Enter applies, Escape closes.

import { Extension, type Editor, type Range } from "@tiptap/core";
import { PluginKey } from "@tiptap/pm/state";
import Suggestion, { type SuggestionKeyDownProps, type SuggestionProps } from "@tiptap/suggestion";
import { t } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { blockName, matchingBlocks, type Block } from "./blocks";

const MENU_ID = "slash-menu";

interface Chosen {
  block: Block;
}

/** The open menu: a listbox the editor keeps the focus over (the active option is its aria-activedescendant). */
function menu(editor: Editor) {
  let props: SuggestionProps<Block, Chosen> | null = null;
  let active = 0;
  let unmount: (() => void) | null = null;
  const list = h("div", { class: "slash-menu", id: MENU_ID, role: "listbox", "aria-label": t("warroom.slash.label"), "data-testid": "slash-menu" });

  function render(): void {
    const items = props?.items ?? [];
    active = Math.min(active, Math.max(items.length - 1, 0));
    list.setAttribute("aria-label", t("warroom.slash.label"));
    if (!items.length) {
      replaceChildren(list, h("p", { class: "slash-empty" }, t("warroom.slash.empty")));
      editor.view.dom.removeAttribute("aria-activedescendant");
      return;
    }
    replaceChildren(
      list,
      ...items.map((block, index) =>
        h(
          "div",
          {
            class: "slash-item",
            id: `${MENU_ID}-${block.id}`,
            role: "option",
            "aria-selected": String(index === active),
            "data-block": block.id,
            // mousedown would take the focus (and the `/query`) away from the editor.
            onmousedown: (event) => event.preventDefault(),
            onclick: () => props?.command({ block }),
          },
          h("span", { class: `slash-icon slash-icon-${block.id}`, "aria-hidden": "true" }),
          blockName(block),
        ),
      ),
    );
    editor.view.dom.setAttribute("aria-activedescendant", `${MENU_ID}-${items[active].id}`);
    list.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: "nearest" });
  }

  return {
    start(next: SuggestionProps<Block, Chosen>): void {
      props = next;
      active = 0;
      render();
      unmount = next.mount(list);
      editor.view.dom.setAttribute("aria-controls", MENU_ID);
    },
    update(next: SuggestionProps<Block, Chosen>): void {
      if (next.query !== props?.query) active = 0;
      props = next;
      render();
    },
    keyDown({ event }: SuggestionKeyDownProps): boolean {
      const items = props?.items ?? [];
      if (event.key === "Escape") return true; // the suggestion plugin closes the menu
      if (!items.length) return false;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        active = (active + (event.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
        render();
        return true;
      }
      if (event.key === "Enter" || event.key === "Tab") {
        props?.command({ block: items[active] });
        return true;
      }
      return false;
    },
    exit(): void {
      unmount?.();
      unmount = null;
      props = null;
      list.remove();
      for (const name of ["aria-activedescendant", "aria-controls"]) editor.view.dom.removeAttribute(name);
    },
  };
}

/** Latin letters, digits and what addresses, paths and dates are made of: a `/` after one is text. */
const IN_WORD = /[\p{Script=Latin}\p{Nd}:/._~%?=&#@+-]/u;

/** Whether a `/` typed after `before` (the character before it, "" at the start of a block) opens the menu:
 * at the start, after a space, after Chinese text or punctuation; not inside "a/b", "12/6" or a URL. */
export function opensAfter(before: string): boolean {
  return before === "" || !IN_WORD.test(before);
}

export const SlashMenu = Extension.create({
  name: "slashMenu",

  addProseMirrorPlugins() {
    const editor = this.editor;
    return [
      Suggestion<Block, Chosen>({
        editor,
        pluginKey: new PluginKey("slashMenu"),
        char: "/",
        // Any prefix here; `allow` decides: Chinese is written without spaces ("客户/表格").
        allowedPrefixes: null,
        allow: ({ editor: current, state, range }) =>
          current.isEditable &&
          !current.isActive("codeBlock") &&
          opensAfter(state.doc.textBetween(Math.max(0, range.from - 1), range.from)),
        items: ({ query }) => matchingBlocks(query),
        command: ({ editor: current, range, props }: { editor: Editor; range: Range; props: Chosen }) => {
          props.block.apply(current.chain().focus().deleteRange(range)).run();
        },
        render: () => {
          const open = menu(editor);
          return { onStart: open.start, onUpdate: open.update, onKeyDown: open.keyDown, onExit: open.exit };
        },
      }),
    ];
  },
});
