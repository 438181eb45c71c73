// One real y-websocket client (npm yjs + y-websocket over `ws`), driven by a Python test through
// JSON lines: requests {"id", "op", ...args} on stdin, replies {"id", "ok", "result"|"error"} and
// unsolicited {"event", ...} lines on stdout. tests/support/yjs_node.py is the Python side.
import { createInterface } from 'node:readline'
import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'

const doc = new Y.Doc()
const body = doc.getXmlFragment('body')
/** @type {WebsocketProvider | null} */
let provider = null
/** @type {Set<() => void>} re-checked after every document or awareness change */
const waiters = new Set()

const send = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')
const emit = (event, fields = {}) => send({ event, at: performance.timeOrigin + performance.now(), ...fields })

const b64 = (bytes) => Buffer.from(bytes).toString('base64')
const unb64 = (text) => new Uint8Array(Buffer.from(text, 'base64'))

const pokeWaiters = () => { for (const check of [...waiters]) check() }
doc.on('update', pokeWaiters)

// Plain text as a reader sees it: the text of each block, blocks separated by a newline.
const plainText = (node) => {
  if (node instanceof Y.XmlText) {
    return node.toDelta().map((op) => (typeof op.insert === 'string' ? op.insert : '')).join('')
  }
  const children = node.toArray()
  const blocks = children.some((child) => child instanceof Y.XmlElement)
  return children.map(plainText).join(blocks ? '\n' : '')
}

const requireProvider = () => {
  if (provider === null) throw new Error('not opened: send "open" first')
  return provider
}

// A block as y-prosemirror writes it for Tiptap: an element per node, its text in one XmlText.
const insertBlock = (tag, attrs, text, index) => {
  const at = index ?? body.length
  if (at < 0 || at > body.length) throw new Error(`block index ${at} out of range 0..${body.length}`)
  doc.transact(() => {
    const element = new Y.XmlElement(tag)
    for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, value)
    element.insert(0, [new Y.XmlText(text)])
    body.insert(at, [element])
  })
  return at
}

const textOfBlock = (block) => {
  const element = body.get(block)
  if (!(element instanceof Y.XmlElement)) throw new Error(`no block at index ${block}`)
  const text = element.toArray().find((child) => child instanceof Y.XmlText)
  if (text === undefined) throw new Error(`block ${block} holds no text`)
  return text
}

const until = (predicate, timeoutMs, describe) => new Promise((resolve, reject) => {
  const check = () => {
    let value
    try {
      value = predicate()
    } catch (error) {
      finish()
      reject(error)
      return
    }
    if (value !== undefined && value !== false) {
      finish()
      resolve(value)
    }
  }
  const timer = setTimeout(() => {
    finish()
    reject(new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}`))
  }, timeoutMs)
  const finish = () => { clearTimeout(timer); waiters.delete(check) }
  waiters.add(check)
  check()
})

const awarenessStates = () => {
  const states = {}
  for (const [clientId, state] of requireProvider().awareness.getStates()) states[String(clientId)] = state
  return states
}

// True when `state` holds every field of `match` with an equal (JSON) value.
const matches = (state, match) => Object.entries(match).every(
  ([key, value]) => state !== null && JSON.stringify(state[key]) === JSON.stringify(value)
)

// The signed-in side: the token each connection's ticket is minted with (set by open, changed by connect).
const auth = { token: null, graphqlUrl: null }

// What y-websocket sees as its WebSocket: it first asks the server's GraphQL `syncTicket` for a ticket, then
// opens the real socket with `?ticket=`. y-websocket makes one per (re)connect, so every connection has a
// fresh ticket, as the war room's does (frontend/src/warroom/ticketed-socket.ts). A refused ticket is a
// close: 4401 when signed out, 4404 when the case is not the caller's.
class TicketedSocket {
  static CONNECTING = 0
  static OPEN = 1
  static CLOSING = 2
  static CLOSED = 3

  constructor (url, protocols) {
    this.CONNECTING = 0
    this.OPEN = 1
    this.CLOSING = 2
    this.CLOSED = 3
    this.readyState = 0
    this.binaryType = 'arraybuffer'
    this.onopen = this.onmessage = this.onerror = this.onclose = null
    this.socket = null
    this.abandoned = false
    const room = decodeURIComponent(new URL(url).pathname.split('/').pop())
    this.ticket(room).then((ticket) => {
      if (this.abandoned) return
      const socket = new WebSocket(`${url}${url.includes('?') ? '&' : '?'}ticket=${encodeURIComponent(ticket)}`, protocols)
      socket.binaryType = this.binaryType
      socket.onopen = (event) => { this.readyState = 1; this.onopen?.(event) }
      socket.onmessage = (event) => this.onmessage?.(event)
      socket.onerror = (event) => this.onerror?.(event)
      socket.onclose = (event) => { this.readyState = 3; this.onclose?.(event) }
      this.socket = socket
    }, ({ code, message }) => {
      if (this.abandoned) return
      this.readyState = 3
      this.onclose?.({ code, reason: message, wasClean: false })
    })
  }

  async ticket (room) {
    let body
    try {
      const response = await fetch(auth.graphqlUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${auth.token}` },
        body: JSON.stringify({ query: 'mutation($c: ID!) { syncTicket(caseId: $c) { ticket } }', variables: { c: room } })
      })
      body = await response.json()
    } catch (error) {
      throw { code: 1006, message: String(error) } // eslint-disable-line no-throw-literal
    }
    if (body.errors?.length) {
      const code = body.errors[0].extensions?.code
      throw { code: code === 'UNAUTHENTICATED' ? 4401 : code === 'NOT_FOUND' ? 4404 : 1011, message: body.errors[0].message } // eslint-disable-line no-throw-literal
    }
    return body.data.syncTicket.ticket
  }

  send (data) { this.socket?.send(data) }

  close (code, reason) {
    this.abandoned = true
    this.readyState = 3
    this.socket?.close(code, reason)
  }
}

const ops = {
  open ({ url, room, token = null, graphql_url: graphqlUrl = null, max_backoff_ms: maxBackoffTime = 2500 }) {
    if (provider !== null) throw new Error('already opened')
    auth.token = token
    auth.graphqlUrl = graphqlUrl
    provider = new WebsocketProvider(url, room, doc, {
      WebSocketPolyfill: token === null ? WebSocket : TicketedSocket,
      maxBackoffTime,
      // Clients of one process would otherwise sync through BroadcastChannel, not the server.
      disableBc: true
    })
    provider.on('status', ({ status }) => emit('status', { status }))
    provider.on('sync', (synced) => emit('sync', { synced }))
    provider.on('connection-close', (event) => emit('connection-close', {
      code: event?.code ?? null, reason: event?.reason ?? null, local: event === null
    }))
    provider.on('connection-error', (event) => emit('connection-error', { message: event?.message ?? null }))
    provider.on('closed', ({ code, reason }) => emit('closed', { code, reason }))
    provider.awareness.on('change', () => { pokeWaiters(); emit('awareness', { states: awarenessStates() }) })
    return { client_id: doc.clientID }
  },
  connect ({ token }) {
    const p = requireProvider()
    if (token !== undefined) auth.token = token
    p.connect()
    return null
  },
  disconnect () { requireProvider().disconnect(); return null },
  wait_synced ({ timeout_ms: timeoutMs = 5000 }) {
    const p = requireProvider()
    return new Promise((resolve, reject) => {
      if (p.synced) { resolve(null); return }
      const onSync = (synced) => { if (synced) { clearTimeout(timer); p.off('sync', onSync); resolve(null) } }
      const timer = setTimeout(() => {
        p.off('sync', onSync)
        reject(new Error(`not synced after ${timeoutMs} ms`))
      }, timeoutMs)
      p.on('sync', onSync)
    })
  },
  insert_paragraph ({ text, index }) { return insertBlock('paragraph', {}, text, index) },
  insert_heading ({ text, level, index }) { return insertBlock('heading', { level }, text, index) },
  insert_text ({ block, offset, text }) {
    const ytext = textOfBlock(block)
    ytext.insert(offset ?? ytext.length, text)
    return null
  },
  delete_text ({ block, offset, length }) { textOfBlock(block).delete(offset, length); return null },
  text () { return plainText(body) },
  xml () { return body.toString() },
  state () {
    return {
      update: b64(Y.encodeStateAsUpdate(doc)),
      state_vector: b64(Y.encodeStateVector(doc))
    }
  },
  apply_update ({ update }) { Y.applyUpdate(doc, unb64(update)); return null },
  set_awareness ({ state }) { requireProvider().awareness.setLocalState(state); return null },
  awareness () { return awarenessStates() },
  wait_awareness ({ match, timeout_ms: timeoutMs = 5000 }) {
    const p = requireProvider()
    return until(
      () => {
        for (const [clientId, state] of p.awareness.getStates()) {
          if (clientId !== doc.clientID && matches(state, match)) return { client_id: clientId, state }
        }
        return undefined
      },
      timeoutMs,
      () => `a remote awareness state matching ${JSON.stringify(match)}; seen ${JSON.stringify(awarenessStates())}`
    )
  },
  wait_text ({ contains, timeout_ms: timeoutMs = 5000 }) {
    return until(
      () => plainText(body).includes(contains) ? plainText(body) : undefined,
      timeoutMs,
      () => `text containing ${JSON.stringify(contains)}; text is ${JSON.stringify(plainText(body))}`
    )
  },
  close () {
    if (provider !== null) provider.destroy()
    setImmediate(() => process.exit(0))
    return null
  }
}

const handle = async (line) => {
  let request
  try {
    request = JSON.parse(line)
  } catch (error) {
    send({ id: null, ok: false, error: `bad JSON: ${error.message}` })
    return
  }
  const { id, op, ...args } = request
  const fn = ops[op]
  if (fn === undefined) {
    send({ id, ok: false, error: `unknown op ${JSON.stringify(op)}` })
    return
  }
  try {
    send({ id, ok: true, result: (await fn(args)) ?? null })
  } catch (error) {
    send({ id, ok: false, error: String(error?.message ?? error) })
  }
}

const lines = createInterface({ input: process.stdin })
lines.on('line', (line) => { if (line.trim() !== '') handle(line) })
// The test went away: leave, so that no client outlives its test.
lines.on('close', () => { if (provider !== null) provider.destroy(); process.exit(0) })
emit('ready', { client_id: doc.clientID })
