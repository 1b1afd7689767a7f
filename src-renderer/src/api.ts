// The main process's API as the UI sees it: every call of the contract as an async function that
// returns the value or throws an ApiError (field + one-line message), and one event subscription.
// Inside Electron it goes through the preload; in a browser (`rnnbench serve`) over HTTP and a
// WebSocket, with the access token the served URL carried.

import { INVOKE_CHANNELS, type AppEvent, type Envelope, type InvokeChannel, type PreloadApi, type RendererApi } from '../../src-main/ipc/contract'

declare global {
  interface Window { rnnbench?: PreloadApi }
}

export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(readonly field: string, message: string) {
    super(message)
  }
}

const unwrap = <T>(e: Envelope<T>): T => {
  if (e.ok) return e.value
  throw new ApiError(e.error.field, e.error.message)
}

function electronApi(preload: PreloadApi): RendererApi {
  const calls = Object.fromEntries(INVOKE_CHANNELS.map((c) => [c, async (...args: unknown[]) => unwrap(await (preload[c] as (...a: unknown[]) => Promise<Envelope<unknown>>)(...args))]))
  return { ...calls, onEvent: (listener: (e: AppEvent) => void) => preload.onEvent(listener) } as RendererApi
}

const TOKEN_KEY = 'rnnbench-token'

function httpApi(): RendererApi {
  // The served URL carries ?token=...; keep it for this tab and take it out of the address bar.
  const fromUrl = new URLSearchParams(location.search).get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    history.replaceState(null, '', location.pathname + location.hash)
  }
  const token = sessionStorage.getItem(TOKEN_KEY) ?? ''
  const call = async (channel: InvokeChannel, args: unknown[]) => {
    let res: Response
    try {
      res = await fetch(`/api/${channel}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Rnnbench-Token': token }, body: JSON.stringify(args) })
    } catch {
      throw new ApiError('', 'the rnnbench server does not answer; is `rnnbench serve` still running?')
    }
    if (res.status === 401 || res.status === 403) throw new ApiError('token', (await res.text()).trim())
    // The server refused the request itself (too large, malformed): its one-line reason, not a JSON parse error.
    if (!res.ok) {
      const text = (await res.text()).trim()
      let envelope: Envelope<unknown> | null = null
      try { envelope = JSON.parse(text) as Envelope<unknown> } catch { /* plain text */ }
      if (envelope && typeof envelope.ok === 'boolean') return unwrap(envelope)
      throw new ApiError('', text.replace(/^rnnbench: /, '') || `the rnnbench server answered ${res.status}`)
    }
    return unwrap((await res.json()) as Envelope<unknown>)
  }
  const listeners = new Set<(e: AppEvent) => void>()
  let socket: WebSocket | null = null
  const connect = () => {
    socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/events?token=${encodeURIComponent(token)}`)
    socket.onmessage = (m) => { const e = JSON.parse(String(m.data)) as AppEvent; for (const l of listeners) l(e) }
    // The server restarted or the network blinked: reconnect, and tell views to refresh what they show.
    socket.onclose = () => { socket = null; setTimeout(() => { if (listeners.size) { connect(); for (const l of listeners) l({ type: 'sweepsChanged' }) } }, 1000) }
  }
  const calls = Object.fromEntries(INVOKE_CHANNELS.map((c) => [c, (...args: unknown[]) => call(c, args)]))
  return {
    ...calls,
    onEvent(listener: (e: AppEvent) => void) {
      listeners.add(listener)
      if (!socket) connect()
      return () => { listeners.delete(listener) }
    },
  } as RendererApi
}

export const api: RendererApi = typeof window !== 'undefined' && window.rnnbench ? electronApi(window.rnnbench) : httpApi()
