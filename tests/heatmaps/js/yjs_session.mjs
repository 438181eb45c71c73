// Real npm yjs clients editing a Tiptap-shaped `body`, as the browser war room does through y-prosemirror.
// Prints JSON: the update log as a server would store it (author + base64 update, in arrival order),
// the final encoded state, and each top-level block's tag and plain text as yjs sees it.
//
//   node yjs_session.mjs scenario      a scripted session (typing, concurrent delete and insert, Chinese, emoji)
//   node yjs_session.mjs fuzz SEED     random concurrent edits; each client types only its own letter
import * as Y from 'yjs'

const toBase64 = (bytes) => Buffer.from(bytes).toString('base64')

class Session {
  constructor () {
    this.log = []
    this.docs = new Map()
    this.inbox = new Map() // author -> updates not yet delivered to that author
  }

  client (author, clientID) {
    const doc = new Y.Doc()
    doc.clientID = clientID
    doc.on('update', (update, origin) => {
      if (origin === 'remote') return
      this.log.push({ author, update: toBase64(update) })
      for (const other of this.docs.keys()) {
        if (other !== author) this.inbox.get(other).push(update)
      }
    })
    this.docs.set(author, doc)
    this.inbox.set(author, [])
    return doc
  }

  deliver (author) {
    const doc = this.docs.get(author)
    for (const update of this.inbox.get(author)) Y.applyUpdate(doc, update, 'remote')
    this.inbox.set(author, [])
  }

  deliverAll () {
    for (const author of this.docs.keys()) this.deliver(author)
  }
}

const block = (tag, text, attrs = {}) => {
  const element = new Y.XmlElement(tag)
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, value)
  const xmlText = new Y.XmlText()
  if (text) xmlText.insert(0, text)
  element.insert(0, [xmlText])
  return element
}

const textOf = (doc, index) => doc.getXmlFragment('body').get(index).get(0)

const blocks = (doc) => doc.getXmlFragment('body').toArray().map((element) => {
  const parts = []
  const walk = (node) => {
    if (node instanceof Y.XmlText) {
      for (const op of node.toDelta()) if (typeof op.insert === 'string') parts.push(op.insert)
    } else {
      node.toArray().forEach(walk)
    }
  }
  walk(element)
  return { tag: element.nodeName, level: element.getAttribute('level') ?? null, text: parts.join('') }
})

const finish = (session, reference) => {
  session.deliverAll()
  const doc = session.docs.get(reference)
  return {
    clients: Object.fromEntries([...session.docs].map(([author, d]) => [author, d.clientID])),
    log: session.log,
    state: toBase64(Y.encodeStateAsUpdate(doc)),
    blocks: blocks(doc)
  }
}

function scenario () {
  const session = new Session()
  const alice = session.client('alice', 101)
  const bob = session.client('bob', 202)
  const carol = session.client('carol', 303)
  const body = (doc) => doc.getXmlFragment('body')

  // Alice writes the first section, one transaction per block like y-prosemirror.
  body(alice).insert(0, [block('heading', 'Summary', { level: 1 })])
  body(alice).insert(1, [block('paragraph', 'Alpha beta gamma')])
  textOf(alice, 1).insert(16, ' 👍')
  body(alice).insert(2, [block('paragraph', 'tmp')])
  body(alice).delete(2, 1)
  session.deliverAll()

  // Concurrently: Bob adds his section and deletes "beta " from Alice's text while Carol, who has
  // not seen that yet, inserts "XYZ " right before "beta".
  body(bob).insert(2, [block('heading', 'Risks', { level: 2 })])
  body(bob).insert(3, [block('paragraph', 'Late parts')])
  textOf(bob, 1).delete(6, 5)
  textOf(carol, 1).insert(6, 'XYZ ')
  session.deliverAll()

  // Formatting changes no character; Carol extends Bob's paragraph and writes a Chinese section.
  textOf(alice, 1).format(0, 5, { bold: true })
  body(alice).get(0).setAttribute('level', 2)
  textOf(carol, 3).insert(10, ' and more')
  body(carol).insert(4, [block('heading', '交付计划', { level: 2 })])
  body(carol).insert(5, [block('paragraph', '两周内交付')])
  return finish(session, 'alice')
}

function mulberry32 (seed) {
  return () => {
    seed |= 0
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function fuzz (seed) {
  const random = mulberry32(seed)
  const pick = (n) => Math.floor(random() * n)
  const session = new Session()
  const authors = ['a', 'b', 'c', 'd', 'e']
  // Client ids as random as browsers make them, but reproducible.
  for (const author of authors) session.client(author, 1 + pick(2 ** 31))
  for (let step = 0; step < 400; step++) {
    const author = authors[pick(authors.length)]
    const doc = session.docs.get(author)
    const body = doc.getXmlFragment('body')
    const roll = random()
    if (roll < 0.08) {
      session.deliver(author)
    } else if (roll < 0.25 || body.length === 0) {
      const tag = random() < 0.3 ? 'heading' : 'paragraph'
      const attrs = tag === 'heading' ? { level: 1 + pick(3) } : {}
      body.insert(pick(body.length + 1), [block(tag, author.repeat(pick(4)), attrs)])
    } else if (roll < 0.3) {
      body.delete(pick(body.length), 1)
    } else {
      const text = body.get(pick(body.length)).get(0)
      const length = text.length
      if (roll < 0.75) {
        text.insert(pick(length + 1), author.repeat(1 + pick(5)))
      } else if (roll < 0.8 && length > 0) {
        const start = pick(length)
        text.format(start, 1 + pick(length - start), { bold: true })
      } else if (length > 0) {
        const start = pick(length)
        text.delete(start, 1 + pick(Math.min(6, length - start)))
      }
    }
  }
  return finish(session, authors[0])
}

const [mode, seed] = process.argv.slice(2)
const result = mode === 'fuzz' ? fuzz(Number(seed)) : scenario()
process.stdout.write(JSON.stringify(result))
