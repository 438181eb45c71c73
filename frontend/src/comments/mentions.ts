// Mentions in comment bodies. The server reads `@[Name](userId)` (server/domain/mentions.py); people see
// and type `@Name`, and the composer turns the names it inserted back into that markup on sending.

import { h } from "../ui/dom";
import type { Person } from "./types";

const MENTION = /@\[([^[\]\n]{1,200})\]\(([0-9A-Fa-f-]{36})\)/g;

/** How a mention of `person` is written into a body. */
export function mentionMarkup(person: Person): string {
  const name = person.name.replace(/[[\]\n]+/g, " ").trim() || "someone";
  return `@[${name}](${person.id})`;
}

/** A body as people read it: text with each mention as a highlighted name. */
export function renderBody(body: string): Node[] {
  const nodes: Node[] = [];
  let last = 0;
  for (const match of body.matchAll(MENTION)) {
    const at = match.index ?? 0;
    if (at > last) nodes.push(document.createTextNode(body.slice(last, at)));
    nodes.push(h("span", { class: "mention", "data-user-id": match[2].toLowerCase() }, `@${match[1]}`));
    last = at + match[0].length;
  }
  if (last < body.length) nodes.push(document.createTextNode(body.slice(last)));
  return nodes;
}

/** A body as the composer shows it for editing: `@Name`, and who each name stands for. */
export function toEditable(body: string): { text: string; mentioned: Person[] } {
  const mentioned: Person[] = [];
  const text = body.replace(MENTION, (_whole, name: string, id: string) => {
    mentioned.push({ id: id.toLowerCase(), name });
    return `@${name}`;
  });
  return { text, mentioned };
}

/** The body to send: each `@Name` of someone picked from the list becomes the server's markup. */
export function toMarkup(text: string, mentioned: Iterable<Person>): string {
  const byName = new Map<string, Person>();
  for (const person of mentioned) byName.set(person.name, person);
  if (byName.size === 0) return text;
  // Longest names first, so "@Ann Lee" is not taken for "@Ann".
  const names = [...byName.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`@(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})`, "g");
  return text.replace(pattern, (_whole, name: string) => mentionMarkup(byName.get(name)!));
}
