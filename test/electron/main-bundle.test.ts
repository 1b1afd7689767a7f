// The built main bundle (out/main/index.js), loaded under plain Node against a stand-in for the
// `electron` module (test/helpers/electron-stand-in): an error at its import, a channel no longer
// registered or a weakened preference reaches this test before it reaches a user.

import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY } from '../../src-main/electron/security'
import { INVOKE_CHANNELS } from '../../src-main/ipc/contract'
import { repoRoot } from '../helpers/cli'

describe('the built main bundle', () => {
  const home = mkdtempSync(join(tmpdir(), 'rnnbench-main-bundle-'))
  const run = spawnSync(process.execPath, ['--import', join(repoRoot, 'test', 'helpers', 'electron-stand-in', 'register.mjs'), join(repoRoot, 'out', 'main', 'index.js')], {
    cwd: repoRoot, encoding: 'utf8', timeout: 30_000,
    env: Object.fromEntries(Object.entries({ ...process.env, XDG_CONFIG_HOME: home, APPDATA: home }).filter(([k]) => k !== 'RNNBENCH_DB' && k !== 'ELECTRON_RENDERER_URL')),
  })
  const database = join(home, 'rnnbench', 'rnnbench.sqlite')
  const databaseOpened = existsSync(database)
  afterAll(() => rmSync(home, { recursive: true, force: true }))
  const lines = run.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)
  const report = lines[0] as {
    windows: Array<{ webPreferences: Record<string, unknown>; show: boolean }>; channels: string[]; loaded: Array<{ file?: string; exists?: boolean }>
    webContentsEvents: string[]; denyWindowOpen: number; permission: boolean | null; csp: string[] | null; events: string[]
  }

  it('loads, and exits cleanly once the app quits', () => {
    expect(run.status, run.stderr).toBe(0)
    expect(lines.at(-1)).toEqual({ quit: true })
  })

  it('opens one window with the secure preferences, loading the built page', () => {
    expect(report.windows).toHaveLength(1)
    expect(report.windows[0].webPreferences).toEqual({
      preload: join(repoRoot, 'out', 'preload', 'index.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, experimentalFeatures: false, spellcheck: false,
    })
    expect(existsSync(report.windows[0].webPreferences.preload as string)).toBe(true)
    expect(report.loaded).toEqual([{ file: join(repoRoot, 'out', 'renderer', 'index.html'), exists: true }])
    // new windows denied, navigation and webviews prevented, no permission granted, the CSP sent as a header
    expect(report.denyWindowOpen).toBe(1)
    expect(report.webContentsEvents.sort()).toEqual(['will-attach-webview', 'will-navigate'])
    expect(report.permission).toBe(false)
    expect(report.csp).toEqual([CONTENT_SECURITY_POLICY])
  })

  it('registers exactly the contract\'s channels, each once', () => {
    expect([...report.channels].sort()).toEqual([...INVOKE_CHANNELS].sort())
  })

  it('opens the database in the user-data folder, and handles quitting', () => {
    expect(report.events).toEqual(expect.arrayContaining(['window-all-closed', 'before-quit']))
    expect(databaseOpened, database).toBe(true)
  })
})
