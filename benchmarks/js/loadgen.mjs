// Load generator for benchmarks/sync_fanout.py: many npm y-websocket clients in one Node process.
//
// argv[2] is a JSON config: {url, clients: [{room, params, role: "writer"|"observer"}], intervalMs,
// durationMs, warmupMs, padTo}. stdout gets JSON lines; stdin takes commands:
//   -> {"type":"ready", "connectMs"}               once every client has synced
//   <- {"cmd":"start", "at": monotonicMs}          writers write from `at` on, every intervalMs
//   -> {"type":"written", "written": {room: n}}    when every writer is done
//   <- {"cmd":"collect", "expected": {room: n}, "deadlineMs"}
//   -> {"type":"report", ...}                      once observers hold all expected updates, or at the deadline
//   <- {"cmd":"exit"}
// Each paragraph carries its writer's send time; an observer's latency for it is its arrival time minus
// that, both read from CLOCK_MONOTONIC (process.hrtime), which all processes of the machine share.
import { createInterface } from 'node:readline'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'

const config = JSON.parse(process.argv[2])
// Every provider registers an exit listener.
process.setMaxListeners(0)
const now = () => Number(process.hrtime.bigint()) / 1e6
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')
const total = Math.floor(config.durationMs / config.intervalMs)
const warmupSeqs = Math.ceil(config.warmupMs / config.intervalMs)

const clients = config.clients.map(({ room, params, role }) => {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(config.url, room, doc, {
    WebSocketPolyfill: WebSocket,
    params,
    // Clients in one process would otherwise sync through BroadcastChannel, bypassing the server.
    disableBc: true
  })
  provider.awareness.setLocalState({ user: { name: `${role}-${doc.clientID}` } })
  return { room, role, doc, provider, body: doc.getXmlFragment('body'), seen: new Set(), latencies: [], sentAt: [] }
})

const observe = (client) => {
  client.body.observe((event) => {
    const arrived = now()
    for (const item of event.changes.added) {
      const element = item.content.type
      if (!(element instanceof Y.XmlElement)) continue
      const [seq, sentAt] = element.firstChild.toString().split(' ', 2).map(Number)
      if (client.seen.has(seq)) continue
      client.seen.add(seq)
      if (seq >= warmupSeqs) {
        client.latencies.push(arrived - sentAt)
        client.sentAt.push(sentAt)
      }
    }
  })
}

const write = (client, seq) => {
  const sentAt = now()
  const text = `${seq} ${sentAt.toFixed(3)} `.padEnd(config.padTo, 'x')
  // One transaction per paragraph, as y-prosemirror makes for one keystroke-sized edit.
  client.doc.transact(() => {
    const paragraph = new Y.XmlElement('paragraph')
    paragraph.insert(0, [new Y.XmlText(text)])
    client.body.insert(client.body.length, [paragraph])
  })
}

// Writers keep a fixed schedule (seq i at start + i*interval); a writer that falls behind catches up at
// once so that every run sends the same number of updates. Writers of one process are phase-shifted.
const runWriters = (startAt) => new Promise((resolve) => {
  const writers = clients.filter((c) => c.role === 'writer')
  let running = writers.length
  if (running === 0) resolve()
  writers.forEach((client, i) => {
    const offset = (i * config.intervalMs) / writers.length
    let seq = 0
    const tick = () => {
      while (seq < total && startAt + offset + seq * config.intervalMs <= now()) write(client, seq++)
      if (seq < total) {
        setTimeout(tick, Math.max(0, startAt + offset + seq * config.intervalMs - now()))
      } else if (--running === 0) {
        resolve()
      }
    }
    setTimeout(tick, Math.max(0, startAt + offset - now()))
  })
})

const collect = (expected, deadlineMs) => new Promise((resolve) => {
  const observers = clients.filter((c) => c.role === 'observer')
  const complete = () => observers.every((c) => c.seen.size >= (expected[c.room] ?? 0))
  const deadline = now() + deadlineMs
  const check = () => {
    if (complete() || now() >= deadline) {
      resolve({
        type: 'report',
        latencies: observers.flatMap((c) => c.latencies.map((ms) => Math.round(ms * 1000) / 1000)),
        sent_at: observers.flatMap((c) => c.sentAt),
        received: observers.reduce((sum, c) => sum + c.seen.size, 0),
        expected: observers.reduce((sum, c) => sum + (expected[c.room] ?? 0), 0),
        incomplete_clients: observers.filter((c) => c.seen.size < (expected[c.room] ?? 0)).length
      })
    } else {
      setTimeout(check, 20)
    }
  }
  check()
})

const connectStarted = now()
for (const client of clients) if (client.role === 'observer') observe(client)
await Promise.all(clients.map((c) => new Promise((resolve) => {
  if (c.provider.synced) resolve()
  else c.provider.once('sync', resolve)
})))
// The negotiated WebSocket extensions show whether the server took permessage-deflate.
out({ type: 'ready', connectMs: now() - connectStarted, extensions: clients[0]?.provider.ws?.extensions ?? '' })

const commands = createInterface({ input: process.stdin })
commands.on('line', async (line) => {
  const command = JSON.parse(line)
  if (command.cmd === 'start') {
    await runWriters(command.at)
    const written = {}
    for (const c of clients) if (c.role === 'writer') written[c.room] = (written[c.room] ?? 0) + total
    out({ type: 'written', written })
  } else if (command.cmd === 'collect') {
    out(await collect(command.expected, command.deadlineMs))
  } else if (command.cmd === 'exit') {
    for (const c of clients) c.provider.destroy()
    process.exit(0)
  }
})
commands.on('close', () => process.exit(0))
