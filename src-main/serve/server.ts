// `rnnbench serve`: the desktop app's renderer, served to a browser, with the same contract over
// HTTP (calls: POST /api/CHANNEL, a JSON list of arguments, answered with the envelope) and a
// WebSocket (/events: the AppEvents). Every request needs the access token printed with the URL
// (a cookie set when that URL is opened, or the X-Rnnbench-Token header), and requests whose
// Origin or Host is not this server's are refused, so another page in the browser cannot drive it.

import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { WebSocketServer, type WebSocket } from 'ws'
import type { AppService } from '../app/service'
import { dispatch } from '../ipc/dispatch'
import { CONTENT_SECURITY_POLICY } from '../electron/security'

export const TOKEN_COOKIE = 'rnnbench_token'
export const TOKEN_HEADER = 'x-rnnbench-token'
const MAX_BODY_BYTES = 16 * 2 ** 20

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.ico': 'image/x-icon', '.woff2': 'font/woff2',
}

export interface ServeOptions {
  service: AppService
  /** The built renderer (out/renderer). */
  rendererDir: string
  host: string
  port: number
  /** Fixed in tests; random otherwise. */
  token?: string
}

export interface RunningServer { server: Server; url: string; token: string; port: number; close(): Promise<void> }

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const sockets = new Set<WebSocket>()
  const unsubscribe = options.service.subscribe((event) => {
    const text = JSON.stringify(event)
    for (const s of sockets) if (s.readyState === s.OPEN) s.send(text)
  })

  let port = options.port
  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => reply(res, 500, 'text/plain', `rnnbench: ${err.message}\n`))
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 })

  // The Host check stops DNS rebinding (a foreign name resolving to 127.0.0.1); the Origin check
  // stops other pages' requests. Bound to every interface, any Host goes, and the token decides.
  const hostAllowed = (req: IncomingMessage) => {
    const hosts = allowedHosts(options.host, port)
    return hosts === 'any' || hosts.has((req.headers.host ?? '').toLowerCase())
  }
  const originAllowed = (req: IncomingMessage) => {
    const origin = req.headers.origin
    return origin === undefined || origin.toLowerCase() === `http://${(req.headers.host ?? '').toLowerCase()}`
  }
  const tokenOf = (req: IncomingMessage, url: URL) =>
    (req.headers[TOKEN_HEADER] as string | undefined) ?? url.searchParams.get('token') ?? cookies(req)[TOKEN_COOKIE] ?? ''
  const tokenValid = (given: string) => given.length === token.length && timingSafeEqual(Buffer.from(given), Buffer.from(token))

  /** Null when the request may go on; else why not (and the status to answer). */
  const refusal = (req: IncomingMessage, url: URL): [number, string] | null => {
    if (!hostAllowed(req)) return [403, `refused: Host ${JSON.stringify(req.headers.host ?? '')} is not this server's`]
    if (!originAllowed(req)) return [403, `refused: requests from ${req.headers.origin} are not allowed`]
    if (!tokenValid(tokenOf(req, url))) return [401, 'refused: no valid access token; open the URL that `rnnbench serve` printed (it carries the token)']
    return null
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const refused = refusal(req, url)
    if (refused) return reply(res, refused[0], 'text/plain', refused[1] + '\n')
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return reply(res, 405, 'text/plain', 'calls are POST /api/CHANNEL with a JSON list of arguments\n')
      const body = await readBody(req)
      let args: unknown
      try {
        args = body.length ? JSON.parse(body) : []
      } catch {
        return reply(res, 400, 'application/json', JSON.stringify({ ok: false, error: { field: 'body', message: 'body: not valid JSON; send a JSON list of arguments' } }))
      }
      const answer = await dispatch(options.service.handlers, decodeURIComponent(url.pathname.slice(5)), args)
      return reply(res, 200, 'application/json', JSON.stringify(answer))
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'text/plain', 'method not allowed\n')
    // The token arrived in the URL: keep it as a cookie for the page's assets and calls.
    if (url.searchParams.get('token')) res.setHeader('Set-Cookie', `${TOKEN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`)
    return serveFile(res, options.rendererDir, url.pathname)
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const refused = url.pathname === '/events' ? refusal(req, url) : [404, 'not found'] as [number, string]
    if (refused) {
      socket.end(`HTTP/1.1 ${refused[0]} Refused\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${refused[1]}\n`)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws)
      ws.on('close', () => sockets.delete(ws))
      ws.on('error', () => sockets.delete(ws))
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => { server.off('error', reject); resolve() })
  })
  port = (server.address() as { port: number }).port
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host === '0.0.0.0' ? '127.0.0.1' : options.host
  return {
    server, token, port,
    url: `http://${shownHost}:${port}/?token=${token}`,
    async close() {
      unsubscribe()
      for (const s of sockets) s.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** The Host headers a browser sends for this server: the bound address, and loopback's names. */
function allowedHosts(host: string, port: number): Set<string> | 'any' {
  if (host === '0.0.0.0' || host === '::') return 'any'
  const names = [host.includes(':') ? `[${host}]` : host, 'localhost', '127.0.0.1', '[::1]']
  return new Set(names.map((n) => `${n}:${port}`.toLowerCase()))
}

function cookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=')
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim()
  }
  return out
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY_BYTES) { reject(new Error('request body too large')); req.destroy(); return }
      chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function reply(res: ServerResponse, status: number, type: string, body: string): void {
  if (res.headersSent) return void res.end()
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' })
  res.end(body)
}

function serveFile(res: ServerResponse, root: string, pathname: string): void {
  const base = resolve(root)
  const file = resolve(base, '.' + normalize(decodeURIComponent(pathname)))
  if (!file.startsWith(base + sep) && file !== base) return reply(res, 404, 'text/plain', 'not found\n')
  const target = existsSync(file) && statSync(file).isFile() ? file : join(base, 'index.html')
  if (!existsSync(target)) return reply(res, 500, 'text/plain', `the renderer is not built (${root}); run \`npm run build\`\n`)
  res.writeHead(200, {
    'Content-Type': MIME[extname(target)] ?? 'application/octet-stream',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': target.endsWith('index.html') ? 'no-store' : 'max-age=3600',
  })
  createReadStream(target).pipe(res)
}
