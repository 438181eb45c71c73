// Messages with elements inside them ("Clustered <time> · …"): the translation says where the element
// goes, so each language puts it where its grammar wants it.

const MARK = "\u2063"; // invisible separator: never typed, never in a message

/** The value to give `t()` for a placeholder that an element will fill. */
export function slot(name: string): string {
  return `${MARK}${name}${MARK}`;
}

/** A translated message (made with `slot()`s) as nodes, each slot replaced by its element. */
export function withNodes(message: string, nodes: Record<string, Node | null>): (Node | string)[] {
  const parts = message.split(MARK);
  const out: (Node | string)[] = [];
  parts.forEach((part, i) => {
    if (i % 2 === 0) {
      if (part) out.push(part);
    } else {
      const node = nodes[part];
      if (node) out.push(node);
    }
  });
  return out;
}
