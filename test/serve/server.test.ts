// `rnnbench serve`'s guards and transport, in-process: the token, the Origin and Host checks, the
// contract over HTTP with its one-line errors, and events over the WebSocket.

import { existsSync } from 'node:fs'
import { request } from 'node:http'
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

let server: RunningServer
let service: AppService
const base = () => `http://127.0.0.1:${server.port}`

beforeAll(async () => {
  service = new AppService(new Store(':memory:'), { workers: 1, workerScript, appVersion: 'test', readText: async () => '' })
  server = await startServer({ service, rendererDir, host: '127.0.0.1', port: 0 })
})
afterAll(async () => {
  await service.close()
  await server.close()
})

const call = (channel: string, args: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base()}/api/${channel}`, { method: 'POST', headers: { 'X-Rnnbench-Token': server.token, 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(args) })

describe('rnnbench serve', () => {
  it('prints a loopback URL with a random token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[\\w-]{32}$`))
  })

  it('serves the page with its CSP once the token is given, and keeps the token as a cookie', async () => {
    const res = await fetch(`${base()}/?token=${server.token}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    // the cookie's name carries the port: a second server on this host does not overwrite it
    expect(res.headers.get('set-cookie')).toMatch(new RegExp(`^rnnbench_token_${server.port}=[\\w-]+; Path=/; HttpOnly; SameSite=Strict$`))
    expect(await res.text()).toContain('<div id="app">')
    const cookie = res.headers.get('set-cookie')!.split(';')[0]
    const asset = (await (await fetch(`${base()}/`, { headers: { cookie } })).text()).match(/src="\.\/(assets\/[^"]+\.js)"/)![1]
    expect((await fetch(`${base()}/${asset}`, { headers: { cookie } })).status).toBe(200)
  })

  it('refuses requests without the token, with a wrong one, from a foreign page, or for a foreign Host', async () => {
    expect((await fetch(`${base()}/`)).status).toBe(401)
    expect((await fetch(`${base()}/api/listSweeps`, { method: 'POST', body: '[]' })).status).toBe(401)
    expect((await call('listSweeps', [], { 'X-Rnnbench-Token': 'x'.repeat(server.token.length) })).status).toBe(401)
    const foreign = await call('listSweeps', [], { Origin: 'http://evil.example' })
    expect(foreign.status).toBe(403)
    expect(await foreign.text()).toContain('http://evil.example')
    // DNS rebinding: a foreign name that resolves here
    // (fetch may not set Host; node:http may)
    const rebound = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: server.port, path: '/api/listSweeps', method: 'POST', headers: { Host: `evil.example:${server.port}`, 'X-Rnnbench-Token': server.token } }, (res) => { res.resume(); resolve(res.statusCode!) })
        .on('error', reject).end('[]')
    })
    expect(rebound).toBe(403)
    // our own page's Origin is fine
    expect((await call('listSweeps', [], { Origin: base() })).status).toBe(200)
  })

  it('does not serve files outside the renderer folder', async () => {
    const res = await fetch(`${base()}/..%2f..%2fpackage.json`, { headers: { 'X-Rnnbench-Token': server.token } })
    expect(await res.text()).not.toContain('"name": "rnnbench"')
  })

  it('answers calls in the envelope: values, and one-line errors naming the field', async () => {
    expect(await (await call('listSweeps', [])).json()).toEqual({ ok: true, value: [] })
    expect(await (await call('nope', [])).json()).toMatchObject({ ok: false, error: { field: 'channel', message: expect.stringContaining('unknown channel "nope"') } })
    expect(await (await call('getSweep', ['one'])).json()).toMatchObject({ ok: false, error: { field: 'getSweep.id' } })
    expect(await (await call('exportSweep', [1, 'xml', 'hidden'])).json()).toMatchObject({ ok: false, error: { field: 'exportSweep.format', message: expect.stringContaining('csv') } })
    const notJson = await fetch(`${base()}/api/listSweeps`, { method: 'POST', headers: { 'X-Rnnbench-Token': server.token }, body: '{' })
    expect(await notJson.json()).toMatchObject({ ok: false, error: { field: 'body' } })
  })

  it('pushes sweep events over the WebSocket, and refuses sockets without the token', async () => {
    const refused = new WebSocket(`ws://127.0.0.1:${server.port}/events`)
    await expect(new Promise((resolve, reject) => { refused.on('open', resolve); refused.on('error', reject) })).rejects.toThrow(/401/)

    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${server.token}`)
    await new Promise((resolve) => ws.on('open', resolve))
    const events: Array<{ type: string }> = []
    // The sweep's last event ends the wait: what came before it over the socket is all there is.
    const ended = new Promise<void>((resolve) => ws.on('message', (m) => {
      events.push(JSON.parse(String(m)))
      if (events.at(-1)!.type === 'sweepEnded') resolve()
    }))
    const started = await (await call('startSweep', [{ settings: { task: 'adding', seqLen: 5, hiddenSize: 4, batchSize: 4 }, budget: { steps: 6 }, evalEvery: 3 }, 'ws'])).json()
    expect(started).toMatchObject({ ok: true, value: { sweepId: expect.any(Number) } })
    await ended
    const types = events.map((e) => e.type)
    expect(types).toEqual(expect.arrayContaining(['runStarted', 'points', 'runEnded', 'sweepEnded']))
    ws.close()
  })

  it('survives hostile requests without a token: multi-byte tokens, unparsable targets, bad encoding, huge bodies', async () => {
    const n = server.token.length
    // a token of the right length in characters but not in bytes, in the header, the query and a cookie
    const wide = 'é'.repeat(n)
    expect((await call('listSweeps', [], { 'X-Rnnbench-Token': encodeURIComponent(wide) })).status).toBe(401)
    expect((await fetch(`${base()}/?token=${encodeURIComponent(wide)}`)).status).toBe(401)
    expect((await rawHttp(`GET /events?token=${encodeURIComponent(wide)} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`))).toMatch(/^HTTP\/1\.1 401/)
    expect(await rawHttp(`GET /events HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Rnnbench-Token: ${wide}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`, 'latin1')).toMatch(/^HTTP\/1\.1 401/)
    // an unparsable target, over plain HTTP and as an upgrade
    expect(await rawHttp(`GET http://[x/events HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400/)
    expect(await rawHttp(`GET http://[x/ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Rnnbench-Token: ${server.token}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400/)
    // bad percent-encoding: 400, not 500
    expect((await fetch(`${base()}/%E0%A4%A`, { headers: { 'X-Rnnbench-Token': server.token } })).status).toBe(400)
    expect((await call('%ZZ', [])).status).toBe(400)
    // a body over the limit: 413, said, not a reset
    const huge = await fetch(`${base()}/api/listSweeps`, { method: 'POST', headers: { 'X-Rnnbench-Token': server.token }, body: 'x'.repeat(MAX_BODY_BYTES + 1) })
    expect(huge.status).toBe(413)
    expect(await huge.text()).toContain('over the limit')
    // and the server still answers
    expect(await (await call('listSweeps', [])).json()).toMatchObject({ ok: true })
  })
})

/** One raw request on a fresh socket; resolves with the head of the server's answer, or what it wrote before closing. */
function rawHttp(text: string, encoding: BufferEncoding = 'utf8'): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.write(Buffer.from(text, encoding)))
    let got = ''
    const done = () => { socket.destroy(); resolve(got) }
    socket.on('data', (d) => { got += d.toString('latin1'); if (got.includes('\r\n\r\n')) done() })
    socket.on('end', done)
    socket.on('error', done)
  })
}
