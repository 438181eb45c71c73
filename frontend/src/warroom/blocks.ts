// The blocks a person can insert or turn text into, shared by the slash menu and the toolbar.

import type { ChainedCommands, Editor } from "@tiptap/core";
import { inEveryLanguage, translate } from "../i18n";
import type { CalloutKind } from "./callout";

export interface Block {
  /** Names its message (`warroom.blocks.<id>`) and its test id, the same in every language. */
  id: string;
  /** Applies the block to a chain that starts focused (the slash menu has already removed its `/query`). */
  apply: (chain: ChainedCommands) => ChainedCommands;
}

const callout = (kind: CalloutKind) => (chain: ChainedCommands) => chain.toggleCallout(kind);

export const BLOCKS: readonly Block[] = [
  { id: "paragraph", apply: (c) => c.setParagraph() },
  { id: "heading1", apply: (c) => c.setHeading({ level: 1 }) },
  { id: "heading2", apply: (c) => c.setHeading({ level: 2 }) },
  { id: "heading3", apply: (c) => c.setHeading({ level: 3 }) },
  { id: "bulleted", apply: (c) => c.toggleBulletList() },
  { id: "numbered", apply: (c) => c.toggleOrderedList() },
  { id: "checklist", apply: (c) => c.toggleTaskList() },
  { id: "table", apply: (c) => c.insertTable({ rows: 3, cols: 3, withHeaderRow: true }) },
  { id: "quote", apply: (c) => c.toggleBlockquote() },
  { id: "code", apply: (c) => c.toggleCodeBlock() },
  { id: "info", apply: callout("info") },
  { id: "warning", apply: callout("warning") },
  { id: "rule", apply: (c) => c.setHorizontalRule() },
];

/** The block's name in the language shown. */
export function blockName(block: Block): string {
  return translate(`warroom.blocks.${block.id}.name`);
}

/** Everything a block answers to: its name and keywords in every language, lower case. */
function searchTerms(block: Block): string[] {
  const texts = [...inEveryLanguage(`warroom.blocks.${block.id}.name`), ...inEveryLanguage(`warroom.blocks.${block.id}.keywords`)];
  // "Heading 2" answers to "heading 2", "heading2", "heading" and "2".
  return texts.flatMap((text) => [text, text.replace(/\s+/g, ""), ...text.split(/\s+/)]).map((term) => term.trim().toLocaleLowerCase()).filter(Boolean);
}

/** The blocks whose name or keywords, in either language, contain `query`; those starting with it first. */
export function matchingBlocks(query: string): Block[] {
  const wanted = query.trim().toLocaleLowerCase();
  if (!wanted) return [...BLOCKS];
  const terms = new Map(BLOCKS.map((block) => [block, searchTerms(block)]));
  const starts = BLOCKS.filter((block) => terms.get(block)!.some((term) => term.startsWith(wanted)));
  const contains = BLOCKS.filter((block) => !starts.includes(block) && terms.get(block)!.some((term) => term.includes(wanted)));
  return [...starts, ...contains];
}

export function applyBlock(editor: Editor, block: Block): void {
  block.apply(editor.chain().focus()).run();
}
