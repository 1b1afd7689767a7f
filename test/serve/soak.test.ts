// A bounded soak of `rnnbench serve` on loopback: 2,000 normal calls at concurrency 20 while a
// sweep runs, interleaved with hostile requests (tokens of the wrong byte length in every place a
// token goes, unparsable targets, bad percent-encoding, bodies over the limit, sockets that send
// garbage frames). Every request gets an answer, the server stays up, and the sweep finishes with
// every run done once.

import { existsSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { AppService } from '../../src-main/app/service'
import { MAX_BODY_BYTES, startServer, type RunningServer } from '../../src-main/serve/server'
import { Store } from '../../src-main/store/store'
import { repoRoot } from '../helpers/cli'

const rendererDir = join(repoRoot, 'out', 'renderer')
const workerScript = pathToFileURL(join(repoRoot, 'out', 'main', 'worker.js'))
if (!existsSync(join(rendererDir, 'index.html'))) throw new Error('out/renderer is missing: run `npm run build` (npm test does it first)')

let server: RunningServer, service: AppService, store: Store

beforeAll(async () => {
  store = new Store(':memory:')
  service = new AppService(store, { workers: 2, workerScript, appVersion: 'test', readText: async () => '' })
  server = await startServer({ service, rendererDir, host: '127.0.0.1', port: 0 })
})
afterAll(async () => {
  await service.close()
  await server.close()
  store.close()
})

/** A raw request on its own socket: what came back (the status line at least), or '' if the socket closed silently. */
function raw(bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.write(bytes))
    let got = ''
    const done = () => { socket.destroy(); resolve(got) }
    socket.on('data', (d) => { got += d.toString('latin1'); if (got.includes('\r\n\r\n')) done() })
    socket.on('end', done)
    socket.on('error', done)
  })
}

const upgrade = (target: string, extra = '') => Buffer.from(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`, 'latin1')

/** The hostile requests, each with the status class it must get (or 'answered' for any reply). */
function hostile(k: number): () => Promise<string> {
  const n = server.token.length
  const base = `http://127.0.0.1:${server.port}`
  const cases: Array<() => Promise<string>> = [
    () => raw(upgrade(`/events?token=${encodeURIComponent('é'.repeat(n))}`)),
    () => raw(upgrade('/events', `X-Rnnbench-Token: ${'é'.repeat(n)}\r\n`)),
    () => raw(upgrade('/events', `Cookie: rnnbench_token_${server.port}=${'\u00ff'.repeat(n)}\r\n`)),
    () => raw(upgrade('http://[x/events')),
    () => raw(Buffer.from(`GET http://[x/ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`)),
    () => raw(Buffer.from(`GET /%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Rnnbench-Token: ${server.token}\r\n\r\n`)),
    () => raw(Buffer.from(`POST /api/%ZZ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Rnnbench-Token: ${server.token}\r\nContent-Length: 2\r\n\r\n[]`)),
    () => raw(Buffer.from('NOT-HTTP\r\n\r\n')),
    () => fetch(`${base}/api/listSweeps`, { method: 'POST', headers: { 'X-Rnnbench-Token': encodeURIComponent('ü'.repeat(n)) }, body: '[]' }).then((r) => `HTTP/1.1 ${r.status}`),
    // a socket with the token that then sends a frame over the size limit, and one that sends garbage
    () => new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${server.token}`)
      ws.on('open', () => ws.send(k % 2 ? 'x'.repeat(4096) : Buffer.from([0xff, 0x00, 0x13]), () => { ws.terminate(); resolve('HTTP/1.1 101') }))
      ws.on('error', () => resolve('HTTP/1.1 101'))
    }),
  ]
  return cases[k % cases.length]
}

describe('rnnbench serve under load and abuse', () => {
  it('answers 2,000 calls at concurrency 20 with hostile requests between them, while a sweep runs to its end', async () => {
    const call = (channel: string, args: unknown[]) => fetch(`http://127.0.0.1:${server.port}/api/${channel}`, { method: 'POST', headers: { 'X-Rnnbench-Token': server.token }, body: JSON.stringify(args) })
    const started = await (await call('startSweep', [{ settings: { task: 'adding', seqLen: 8, hiddenSize: 8, batchSize: 8 }, axes: { cell: ['lstm', 'gru', 'rnn_tanh'] }, repeats: 2, budget: { steps: 1500 }, evalEvery: 50 }, 'soak'])).json() as { ok: boolean; value: { sweepId: number } }
    expect(started.ok).toBe(true)
    const sweepId = started.value.sweepId

    const TOTAL = 2000, CONCURRENCY = 20
    let next = 0, answered = 0, hostileSent = 0, huge = 0
    const failures: string[] = []
    const statuses = new Map<string, number>()
    const lane = async () => {
      while (next < TOTAL) {
        const i = next++
        const channel = ['listSweeps', 'getSweep', 'presets', 'doctor'][i % 4]
        const res = await call(channel, channel === 'getSweep' ? [sweepId] : [])
        const body = await res.json() as { ok: boolean }
        if (res.status === 200 && body.ok) answered++
        else failures.push(`${channel}: ${res.status}`)
        if (i % 10 === 0) {
          const reply = await hostile(hostileSent++)()
          const status = reply.slice(9, 12) || 'closed'
          statuses.set(status, (statuses.get(status) ?? 0) + 1)
          if (!/^(101|400|401|403|404|413)$/.test(status)) failures.push(`hostile ${hostileSent - 1}: ${JSON.stringify(reply.slice(0, 60))}`)
        }
        if (i % 500 === 0) {
          huge++
          const r = await fetch(`http://127.0.0.1:${server.port}/api/listSweeps`, { method: 'POST', headers: { 'X-Rnnbench-Token': server.token }, body: 'x'.repeat(MAX_BODY_BYTES + 10) }).catch((e: Error) => ({ status: `error ${e.message}` }))
          if (r.status !== 413) failures.push(`huge body: ${r.status}`)
        }
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, lane))
    await service.running?.done
    console.log(`[rnnbench tests] serve soak: ${answered} of ${TOTAL} calls answered, ${hostileSent} hostile requests (${[...statuses].map(([s, n]) => `${n}× ${s}`).join(', ')}), ${huge} bodies over the limit`)
    expect(failures).toEqual([])
    expect(answered).toBe(TOTAL)
    const runs = store.listRuns(sweepId)
    expect(runs.map((r) => r.status)).toEqual(Array(6).fill('done'))
    expect(runs.every((r) => r.attempts === 1)).toBe(true)
  }, 180_000)
})
