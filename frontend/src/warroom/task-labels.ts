// Checklist boxes are named in the UI's language ("Done: …" / "已完成：…"). TaskItem names a box when its
// node view updates, which an unchanged item never does: after a language change every item gets a node
// decoration carrying the language, which makes its view update (and rename its box).

import { Extension } from "@tiptap/core";
import type { Node as PmNode } from "@tiptap/pm/model";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import { language } from "../i18n";

interface Labels {
  language: string;
  decorations: DecorationSet;
}

function decorate(doc: PmNode, lng: string): DecorationSet {
  const found: Decoration[] = [];
  doc.descendants((node, pos) => {
    if (node.type.name === "taskItem") found.push(Decoration.node(pos, pos + node.nodeSize, { "data-ui-lang": lng }));
    return !node.isTextblock;
  });
  return DecorationSet.create(doc, found);
}

const key = new PluginKey<Labels>("taskLabels");

export const TaskLabels = Extension.create({
  name: "taskLabels",

  addProseMirrorPlugins() {
    return [
      new Plugin<Labels>({
        key,
        state: {
          // Items drawn now are named in this language already: nothing to decorate until it changes.
          init: () => ({ language: language(), decorations: DecorationSet.empty }),
          apply(tr, labels) {
            const now = language();
            if (now !== labels.language) return { language: now, decorations: decorate(tr.doc, now) };
            return tr.docChanged ? { ...labels, decorations: labels.decorations.map(tr.mapping, tr.doc) } : labels;
          },
        },
        props: {
          decorations: (state) => key.getState(state)?.decorations,
        },
      }),
    ];
  },
});
