// One npm y-websocket client (yjs + y-websocket over `ws`) that a Python test drives through JSON
// lines: it reports {"event": "synced"|"text"|"status", ...} on stdout and takes {"op": "paragraph",
// "text"} on stdin. tests/support/node_client.py is the Python side.
// Usage: node ytext_client.mjs ws://host:port/sync <caseId> <token>
import { createInterface } from 'node:readline'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'

const [serverUrl, caseId, token] = process.argv.slice(2)
const doc = new Y.Doc()
const body = doc.getXmlFragment('body')
const send = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')

// The text a reader sees: one line per block, the text of each block's XmlText children.
const plainText = (node) => {
  if (node instanceof Y.XmlText) {
    return node.toDelta().map((op) => (typeof op.insert === 'string' ? op.insert : '')).join('')
  }
  const children = node.toArray()
  if (children.some((child) => child instanceof Y.XmlText)) return children.map(plainText).join('')
  return children.map(plainText).join('\n')
}

let connects = 0
const provider = new WebsocketProvider(serverUrl, caseId, doc, {
  WebSocketPolyfill: WebSocket,
  params: { token },
  disableBc: true,
})
provider.on('status', ({ status }) => {
  if (status === 'connected') connects += 1
  send({ event: 'status', status, connects })
})
provider.on('sync', (synced) => {
  if (synced) send({ event: 'synced', text: plainText(body), connects })
})
doc.on('update', () => send({ event: 'text', text: plainText(body), connects }))

createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line)
  if (request.op === 'paragraph') {
    doc.transact(() => {
      const paragraph = new Y.XmlElement('paragraph')
      paragraph.insert(0, [new Y.XmlText(request.text)])
      body.insert(body.length, [paragraph])
    })
  }
}).on('close', () => {
  provider.destroy()
  process.exit(0)
})
