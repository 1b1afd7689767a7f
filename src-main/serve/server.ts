// `rnnbench serve`: the desktop app's renderer, served to a browser, with the same contract over
// HTTP (calls: POST /api/CHANNEL, a JSON list of arguments, answered with the envelope) and a
// WebSocket (/events: the AppEvents). Every request needs the access token printed with the URL
// (a cookie set when that URL is opened, or the X-Rnnbench-Token header), and requests whose
// Origin or Host is not this server's are refused, so another page in the browser cannot drive it.

import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { WebSocketServer, type WebSocket } from 'ws'
import type { AppService } from '../app/service'
import { dispatch } from '../ipc/dispatch'
import { CONTENT_SECURITY_POLICY } from '../../src-shared/csp'

/** The token's cookie, one per port: two servers on one host must not log each other's tabs out. */
export const tokenCookie = (port: number) => `rnnbench_token_${port}`
export const TOKEN_HEADER = 'x-rnnbench-token'
export const MAX_BODY_BYTES = 16 * 2 ** 20

/** A request the server answers with a status and a line, not a crash: a bad URL, a body too large. */
class Refused extends Error {
  constructor(readonly status: number, message: string) { super(message) }
}

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
    handle(req, res).catch((err: Error) => {
      if (err instanceof Refused) {
        // A body too large is not read to its end: answer, then close the connection.
        if (err.status === 413) res.setHeader('Connection', 'close')
        reply(res, err.status, 'text/plain', `rnnbench: ${err.message}\n`)
        if (err.status === 413) res.once('finish', () => req.destroy())
        return
      }
      process.stderr.write(`rnnbench serve: ${req.method} ${String(req.url).slice(0, 200)} failed: ${err.stack ?? err.message}\n`)
      reply(res, 500, 'text/plain', `rnnbench: ${err.message}\n`)
    })
  })
  // A malformed request line or header never reaches a handler: answer 400 and drop the socket.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    else socket.destroy()
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
    (req.headers[TOKEN_HEADER] as string | undefined) ?? url.searchParams.get('token') ?? cookies(req)[tokenCookie(port)] ?? ''
  // Compared as digests, which have one length whatever was sent (a token of the right length in
  // characters but not in bytes would make timingSafeEqual throw), in constant time.
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest()
  const expected = digest(token)
  const tokenValid = (given: string) => timingSafeEqual(digest(given), expected)

  /** Null when the request may go on; else why not (and the status to answer). */
  const refusal = (req: IncomingMessage, url: URL): [number, string] | null => {
    // Two Host headers: RFC 9112 §3.2 asks 400, and which one a check reads must not decide it.
    if (req.rawHeaders.filter((_, i) => i % 2 === 0 && req.rawHeaders[i].toLowerCase() === 'host').length > 1) return [400, 'refused: more than one Host header']
    if (!hostAllowed(req)) return [403, `refused: Host ${JSON.stringify(req.headers.host ?? '')} is not this server's`]
    if (!originAllowed(req)) return [403, `refused: requests from ${req.headers.origin} are not allowed`]
    if (!tokenValid(tokenOf(req, url))) return [401, 'refused: no valid access token; open the URL that `rnnbench serve` printed (it carries the token)']
    return null
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = parseTarget(req.url)
    const refused = refusal(req, url)
    if (refused) return reply(res, refused[0], 'text/plain', refused[1] + '\n')
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return reply(res, 405, 'text/plain', 'calls are POST /api/CHANNEL with a JSON list of arguments\n')
      const declared = Number(req.headers['content-length'] ?? 0)
      if (declared > MAX_BODY_BYTES) throw new Refused(413, `request body of ${declared} bytes is over the limit of ${MAX_BODY_BYTES}`)
      const body = await readBody(req)
      let args: unknown
      try {
        args = body.length ? JSON.parse(body) : []
      } catch {
        return reply(res, 400, 'application/json', JSON.stringify({ ok: false, error: { field: 'body', message: 'body: not valid JSON; send a JSON list of arguments' } }))
      }
      const answer = await dispatch(options.service.handlers, decodePath(url.pathname.slice(5)), args)
      return reply(res, 200, 'application/json', JSON.stringify(answer))
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'text/plain', 'method not allowed\n')
    // The token arrived in the URL: keep it as a cookie for the page's assets and calls.
    if (url.searchParams.get('token')) res.setHeader('Set-Cookie', `${tokenCookie(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`)
    return serveFile(res, options.rendererDir, url.pathname)
  }

  server.on('upgrade', (req, socket, head) => {
    // Whatever an upgrade request holds, this listener answers it and never throws: a throw here
    // would end the process, and with it the sweep it runs.
    socket.on('error', () => socket.destroy())
    try {
      const url = parseTarget(req.url)
      const refused = url.pathname === '/events' ? refusal(req, url) : [404, 'not found'] as [number, string]
      if (refused) {
        socket.end(`HTTP/1.1 ${refused[0]} Refused\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${refused[1]}\n`)
        return
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws)
        ws.on('close', () => sockets.delete(ws))
        ws.on('error', () => { sockets.delete(ws); ws.terminate() })
      })
    } catch (err) {
      const status = err instanceof Refused ? err.status : 400
      socket.end(`HTTP/1.1 ${status} Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nrnnbench: ${(err as Error).message}\n`)
    }
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

/** The request target as a URL; a 400 for one that cannot be parsed (`GET http://[x/events`). */
function parseTarget(target: string | undefined): URL {
  try {
    return new URL(target ?? '/', 'http://localhost')
  } catch {
    throw new Refused(400, `cannot parse the request target ${JSON.stringify(String(target).slice(0, 100))}`)
  }
}

/** A percent-encoded path segment, decoded; a 400 for bad encoding (`%E0%A4%A`, `%ZZ`). */
function decodePath(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    throw new Refused(400, `bad percent-encoding in ${JSON.stringify(text.slice(0, 100))}`)
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (c: Buffer) => {
      if (over) return
      size += c.length
      if (size > MAX_BODY_BYTES) {
        over = true
        chunks.length = 0
        reject(new Refused(413, `request body over the limit of ${MAX_BODY_BYTES} bytes`))
        return
      }
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
  const file = resolve(base, '.' + normalize(decodePath(pathname)))
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
