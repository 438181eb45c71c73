// Concurrent random edits by three npm yjs clients on a Tiptap-shaped document; relative positions are
// taken along the way (as the browser takes them) and resolved at the end by Yjs itself.
// Run with the frontend's node_modules (cwd=frontend, script on stdin). Prints one JSON object.
import * as Y from "yjs";

const seed = Number(process.argv[2] ?? process.env.FUZZ_SEED ?? 1);
const rounds = Number(process.env.FUZZ_ROUNDS ?? 60);
let state = seed >>> 0 || 1;
const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const pick = (list) => list[Math.floor(rand() * list.length)];
const WORDS = ["alpha ", "支付失败", "😀", "beta", " ", "é", "客户投诉 ", "🧪x", "gamma delta "];

const docs = [0, 1, 2].map((i) => {
  const doc = new Y.Doc({ gc: i !== 2 });
  doc.clientID = (seed * 7919 + i * 104729 + 2 ** 31) >>> 0; // reproducible runs, multi-byte varints
  return doc;
});
const sync = () => {
  for (const a of docs) for (const b of docs) if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
};
// What a server holds is built update by update, as they arrive: record them as doc 0 received them.
const received = [];
docs[0].on("update", (update) => received.push(Buffer.from(update).toString("base64")));
const body0 = docs[0].getXmlFragment("body");
const paragraph = (text) => {
  const p = new Y.XmlElement("paragraph");
  const t = new Y.XmlText();
  p.insert(0, [t]);
  t.insert(0, text);
  return p;
};
body0.insert(0, [paragraph("Acme Retail sees card payments declined"), paragraph("高峰期支付失败率约 4%")]);
sync();

function texts(node, out = []) {
  for (const child of node.toArray()) {
    if (child instanceof Y.XmlText) out.push(child);
    else if (child instanceof Y.XmlElement) texts(child, out);
  }
  return out;
}
function blocks(node, out = []) {
  out.push(node);
  for (const child of node.toArray()) if (child instanceof Y.XmlElement) blocks(child, out);
  return out;
}

// Editors never split a character: keep indices off the middle of a surrogate pair.
const isLow = (code) => code >= 0xdc00 && code <= 0xdfff;
function boundary(t, index) {
  const s = t.toDelta().map((d) => (typeof d.insert === "string" ? d.insert : "\ufffc")).join("");
  if (process.env.FUZZ_SPLIT) return index;
  return index > 0 && index < s.length && isLow(s.charCodeAt(index)) ? index - 1 : index;
}

const positions = [];
function edit(doc) {
  const body = doc.getXmlFragment("body");
  const all = texts(body);
  const roll = rand();
  if (all.length === 0 || roll < 0.08) {
    body.insert(Math.floor(rand() * (body.length + 1)), [paragraph(pick(WORDS))]);
  } else if (roll < 0.5) {
    const t = pick(all);
    const at = boundary(t, Math.floor(rand() * (t.length + 1)));
    t.insert(at, pick(WORDS), rand() < 0.2 ? { bold: true } : undefined);
  } else if (roll < 0.7) {
    const t = pick(all);
    if (t.length > 0) {
      const at = boundary(t, Math.floor(rand() * t.length));
      const end = boundary(t, Math.min(t.length, at + 1 + Math.floor(rand() * 6)));
      if (end > at) t.delete(at, end - at);
    }
  } else if (roll < 0.76) {
    const t = pick(all);
    if (t.length > 1) t.format(0, boundary(t, Math.floor(rand() * t.length)), { italic: true });
  } else if (roll < 0.8) {
    if (body.length > 1) body.delete(Math.floor(rand() * body.length), 1);
  } else if (roll < 0.84) {
    const list = new Y.XmlElement("bulletList");
    const item = new Y.XmlElement("listItem");
    list.insert(0, [item]);
    item.insert(0, [paragraph(pick(WORDS))]);
    body.insert(Math.floor(rand() * (body.length + 1)), [list]);
  } else if (roll < 0.88) {
    // A hard break inside a paragraph: text, break, text.
    const p = body.toArray().find((n) => n instanceof Y.XmlElement && n.nodeName === "paragraph");
    if (p) {
      const t = new Y.XmlText();
      p.insert(p.length, [new Y.XmlElement("hardBreak"), t]);
      t.insert(0, pick(WORDS));
    }
  } else {
    const targets = [...all, ...blocks(body)];
    const type = pick(targets);
    const index = type instanceof Y.XmlText ? boundary(type, Math.floor(rand() * (type.length + 1))) : Math.floor(rand() * (type.length + 1));
    const assoc = rand() < 0.5 ? 0 : -1;
    const rel = Y.createRelativePositionFromTypeIndex(type, index, assoc);
    positions.push(Buffer.from(Y.encodeRelativePosition(rel)).toString("base64"));
  }
}

for (let round = 0; round < rounds; round++) {
  for (const doc of docs) if (rand() < 0.8) edit(doc);
  if (rand() < 0.5) sync();
}
sync();

const doc = docs[0];
function pathOf(type) {
  const path = [];
  while (type._item !== null) {
    let index = 0;
    for (let n = type._item.left; n !== null; n = n.left) if (!n.deleted && n.countable) index += n.length;
    path.unshift(index);
    type = type._item.parent;
  }
  return path;
}
const expected = positions.map((b64) => {
  const rel = Y.decodeRelativePosition(Buffer.from(b64, "base64"));
  const abs = Y.createAbsolutePositionFromRelativePosition(rel, doc);
  if (abs === null) return { position: b64, path: null };
  const isText = abs.type instanceof Y.XmlText;
  return {
    position: b64,
    path: pathOf(abs.type),
    index: abs.index,
    text: isText ? abs.type.toDelta().map((d) => d.insert).join("") : null,
  };
});
// Positions made now, on the final document: the server must make the same from a text offset.
const created = [];
const finalTexts = texts(doc.getXmlFragment("body"));
for (let i = 0; i < 30 && finalTexts.length > 0; i++) {
  const t = pick(finalTexts);
  const index = boundary(t, Math.floor(rand() * (t.length + 1)));
  const assoc = rand() < 0.5 ? 0 : -1;
  const rel = Y.createRelativePositionFromTypeIndex(t, index, assoc);
  created.push({
    path: pathOf(t),
    index,
    assoc,
    text: t.toDelta().map((d) => d.insert).join(""),
    position: Buffer.from(Y.encodeRelativePosition(rel)).toString("base64"),
  });
}
const update = Buffer.from(Y.encodeStateAsUpdate(doc)).toString("base64");
console.log(JSON.stringify({ update, updates: received, expected, created }));
