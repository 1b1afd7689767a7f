// The desktop window's security settings and the paths the main process loads, kept apart from
// Electron's runtime so that a plain-Node test can read and check them (Electron's checklist:
// isolation, sandbox, no Node in the page, a strict CSP, no navigation, no new windows, only our
// own page may call the main process).

import { CONTENT_SECURITY_POLICY } from '../../src-shared/csp'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
export const RENDERER_INDEX = join(here, '../renderer/index.html')
export const PRELOAD = join(here, '../preload/index.cjs')
/** better-sqlite3 built for Electron's ABI, where scripts/start.mjs puts it. */
export const ELECTRON_SQLITE_BINDING = join(here, '../electron-native/better_sqlite3.node')

export const WEB_PREFERENCES = {
  preload: PRELOAD,
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  spellcheck: false,
} as const

export { CONTENT_SECURITY_POLICY }

/** Whether a frame at this URL is our own page (the built file, or the dev server in development). */
export function isTrustedRendererUrl(url: string, devServerUrl: string | undefined = process.env.ELECTRON_RENDERER_URL): boolean {
  if (url === pathToFileURL(RENDERER_INDEX).href) return true
  if (!devServerUrl) return false
  try {
    return new URL(url).origin === new URL(devServerUrl).origin
  } catch {
    return false
  }
}
