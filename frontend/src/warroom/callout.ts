// A callout: a highlighted box of blocks, of one kind (info or warning), that everyone edits like any block.

import { Node, mergeAttributes } from "@tiptap/core";

export const CALLOUT_KINDS = ["info", "warning"] as const;
export type CalloutKind = (typeof CALLOUT_KINDS)[number];

function kindOf(value: unknown): CalloutKind {
  return CALLOUT_KINDS.find((kind) => kind === value) ?? "info";
}

declare module "@tiptap/core" {
  interface Commands<ReturnType> {
    callout: {
      /** Wraps the selected blocks in a callout; in a callout of that kind, lifts them out; of another, changes its kind. */
      toggleCallout: (kind: CalloutKind) => ReturnType;
    };
  }
}

export const Callout = Node.create({
  name: "callout",
  group: "block",
  content: "block+",
  defining: true,

  addAttributes() {
    return {
      // Stored on the Yjs element as `kind`, which the server's text reading ignores: a callout reads as its lines.
      kind: {
        default: "info",
        parseHTML: (element) => kindOf(element.getAttribute("data-kind")),
        renderHTML: (attributes) => ({ "data-kind": kindOf(attributes.kind) }),
      },
    };
  },

  parseHTML() {
    return [{ tag: "div[data-callout]" }];
  },

  renderHTML({ node, HTMLAttributes }) {
    const kind = kindOf(node.attrs.kind);
    return ["div", mergeAttributes(HTMLAttributes, { "data-callout": "", class: `callout callout-${kind}`, role: "note" }), 0];
  },

  addCommands() {
    return {
      toggleCallout:
        (kind) =>
        ({ editor, commands }) => {
          if (!editor.isActive(this.name)) return commands.wrapIn(this.name, { kind });
          if (editor.isActive(this.name, { kind })) return commands.lift(this.name);
          return commands.updateAttributes(this.name, { kind });
        },
    };
  },
});
