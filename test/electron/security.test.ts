// The desktop window's security, checked without the Electron binary (it cannot be downloaded on
// these machines): the web preferences, the page's CSP, the main side's IPC registration (exactly
// the contract's channels; foreign senders, unknown channels and bad arguments refused) and the
// built preload (named functions only, never ipcRenderer).

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { AppService } from '../../src-main/app/service'
import { registerIpc } from '../../src-main/electron/ipc'
import { CONTENT_SECURITY_POLICY, isTrustedRendererUrl, RENDERER_INDEX, WEB_PREFERENCES } from '../../src-main/electron/security'
import { CHANNEL_ARGUMENTS, INVOKE_CHANNELS, type Envelope } from '../../src-main/ipc/contract'
import { dispatch } from '../../src-main/ipc/dispatch'
import { Store } from '../../src-main/store/store'
import { repoRoot } from '../helpers/cli'
import { pathToFileURL } from 'node:url'

describe('the desktop window', () => {
  it('isolates the page: context isolation, sandbox, no Node integration, web security on, no webview', () => {
    expect(WEB_PREFERENCES).toMatchObject({
      contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false,
      webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, experimentalFeatures: false,
    })
    expect(WEB_PREFERENCES.preload).toMatch(/out[/\\]preload[/\\]index\.cjs$|preload[/\\]index\.cjs$/)
  })

  it('ships a strict Content-Security-Policy in the page, the same the main process sends as a header', () => {
    const policy = (html: string) => html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1]
    for (const file of [join(repoRoot, 'src-renderer', 'index.html'), join(repoRoot, 'out', 'renderer', 'index.html')]) {
      const meta = policy(readFileSync(file, 'utf8'))
      // frame-ancestors is ignored in a <meta> policy, so only the header carries it
      expect(meta, file).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''))
    }
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self';")
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/)
  })

  it('trusts only its own page as an IPC sender', () => {
    expect(isTrustedRendererUrl(pathToFileURL(RENDERER_INDEX).href, undefined)).toBe(true)
    expect(isTrustedRendererUrl('https://evil.example/', undefined)).toBe(false)
    expect(isTrustedRendererUrl('file:///tmp/other.html', undefined)).toBe(false)
    expect(isTrustedRendererUrl('http://localhost:5173/index.html', 'http://localhost:5173')).toBe(true)
    expect(isTrustedRendererUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false)
  })
})

describe('IPC in the main process', () => {
  const registered = new Map<string, (event: unknown, ...args: unknown[]) => Promise<Envelope<unknown>>>()
  const service = new AppService(new Store(':memory:'), { workers: 1, workerScript: new URL('file:///nowhere.js'), appVersion: 'test', readText: async () => '' })
  registerIpc({ handle: (channel: string, fn: never) => void registered.set(channel, fn) } as never, service.handlers, (url) => url === 'app://ours')
  const from = (url: string) => ({ senderFrame: { url } })

  it('registers exactly the channels the app service implements, each with its argument names; any other channel is refused', async () => {
    // against the service's own handlers, not the list registerIpc loops over
    expect([...registered.keys()].sort()).toEqual(Object.keys(service.handlers).sort())
    expect(INVOKE_CHANNELS.length).toBe(Object.keys(service.handlers).length)
    for (const c of INVOKE_CHANNELS) expect(service.handlers[c].length, `${c}: arguments named in CHANNEL_ARGUMENTS`).toBeLessThanOrEqual(CHANNEL_ARGUMENTS[c].length)
    // Electron answers an unregistered channel with an error; dispatch, which both transports
    // share, refuses one too, naming the valid channels
    expect(await dispatch(service.handlers, 'readFile', ['/etc/passwd'])).toMatchObject({ ok: false, error: { field: 'channel', message: expect.stringContaining('unknown channel "readFile"; valid: doctor, machineLoad, presets') } })
  })

  it('answers our page, and refuses any other sender before running the handler', async () => {
    expect(await registered.get('listSweeps')!(from('app://ours'))).toEqual({ ok: true, value: [] })
    expect(await registered.get('listSweeps')!(from('https://evil.example/'))).toEqual({ ok: false, error: { field: 'sender', message: expect.stringContaining('refused listSweeps from https://evil.example/') } })
  })

  it('refuses bad arguments with the argument named and what the call takes', async () => {
    expect(await registered.get('getSweep')!(from('app://ours'), 'x')).toMatchObject({ ok: false, error: { field: 'getSweep.id', message: expect.stringContaining('getSweep takes (id)') } })
    expect(await registered.get('renameSweep')!(from('app://ours'), 1, '')).toMatchObject({ ok: false, error: { field: 'renameSweep.name' } })
    expect(await registered.get('sweepSeries')!(from('app://ours'), 1, ['bogus'], 10)).toMatchObject({ ok: false, error: { field: 'sweepSeries.series' } })
    expect(await registered.get('listSweeps')!(from('app://ours'), 'extra')).toMatchObject({ ok: false, error: { field: 'listSweeps' } })
  })
})

describe('the built preload', () => {
  it('exposes the contract as named functions and one event subscription, never ipcRenderer', () => {
    const exposed: Record<string, Record<string, unknown>> = {}
    const invoked: unknown[][] = []
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => { exposed[key] = api } },
      ipcRenderer: { invoke: (...a: unknown[]) => { invoked.push(a); return Promise.resolve() }, on: () => {}, removeListener: () => {} },
    }
    const code = readFileSync(join(repoRoot, 'out', 'preload', 'index.cjs'), 'utf8')
    runInNewContext(code, { require: (m: string) => { if (m !== 'electron') throw new Error(`the preload required ${m}`); return electron }, module: {}, exports: {} })
    expect(Object.keys(exposed)).toEqual(['rnnbench'])
    const api = exposed.rnnbench
    expect(Object.keys(api).sort()).toEqual([...INVOKE_CHANNELS, 'onEvent'].sort())
    for (const value of Object.values(api)) expect(typeof value).toBe('function')
    void (api.getSweep as (id: number) => Promise<void>)(7)
    expect(invoked).toEqual([['getSweep', 7]])
  })
})
