// The Electron main process: one locked-down window (security.ts), the app service over the
// database, IPC registered from the contract, and the service's events pushed to the window.

import { app, BrowserWindow, dialog, ipcMain, session } from 'electron'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { readDataFile } from '../engine/data-file'
import { AppService } from '../app/service'
import { EVENT_CHANNEL } from '../ipc/contract'
import { resolveDbPath } from '../store/paths'
import { Store } from '../store/store'
import { defaultWorkerCount } from '../workers/pool'
import { registerIpc } from './ipc'
import { CONTENT_SECURITY_POLICY, ELECTRON_SQLITE_BINDING, RENDERER_INDEX, WEB_PREFERENCES } from './security'

let service: AppService | null = null

/**
 * The HTML report printed by Electron's own Chromium (no other browser needed in the app): a
 * hidden, sandboxed window without preload loads it from a temporary file, waits for its charts,
 * and prints.
 */
async function printReportToPdf(html: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'rnnbench-pdf-'))
  const file = join(dir, 'report.html')
  const win = new BrowserWindow({ show: false, width: 1200, height: 900, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false } })
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  win.webContents.on('will-navigate', (event) => event.preventDefault())
  try {
    await writeFile(file, html)
    await win.loadFile(file)
    for (let i = 0; i < 600 && !(await win.webContents.executeJavaScript('window.rnnbenchReportReady === true')); i++) await new Promise((r) => setTimeout(r, 100))
    return await win.webContents.printToPDF({ printBackground: true, pageSize: 'A4' })
  } finally {
    win.destroy()
    await rm(dir, { recursive: true, force: true })
  }
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({ width: 1360, height: 900, show: false, title: 'rnnbench', webPreferences: WEB_PREFERENCES })
  win.once('ready-to-show', () => win.show())
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  win.webContents.on('will-navigate', (event) => event.preventDefault())
  win.webContents.on('will-attach-webview', (event) => event.preventDefault())
  const unsubscribe = service!.subscribe((event) => { if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event) })
  win.on('closed', unsubscribe)
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void win.loadFile(RENDERER_INDEX)
  return win
}

app.whenReady().then(() => {
  // No permission (camera, notifications, ...) is ever needed; no remote content is ever loaded.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
  // `npm start` fetches better-sqlite3's build for this Electron (scripts/start.mjs); a packaged
  // app has it rebuilt in place.
  const store = new Store(resolveDbPath(undefined), { createFolder: true, nativeBinding: existsSync(ELECTRON_SQLITE_BINDING) ? ELECTRON_SQLITE_BINDING : undefined })
  service = new AppService(store, {
    workers: defaultWorkerCount(),
    maxWorkers: availableParallelism(),
    workerScript: new URL('./worker.js', import.meta.url),
    appVersion: app.getVersion(),
    readText: readDataFile,
    toPdf: printReportToPdf,
    chooseFile: async () => {
      const window = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0]
      const options = { title: 'A data file for rnnbench', properties: ['openFile' as const], filters: [{ name: 'CSV, TSV or text', extensions: ['csv', 'tsv', 'txt'] }] }
      const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options)
      return result.canceled ? null : result.filePaths[0] ?? null
    },
  })
  registerIpc(ipcMain, service.handlers)
  createWindow()
  app.on('activate', () => { if (BrowserWindow.getAllWindows().length === 0) createWindow() })
})
app.on('window-all-closed', () => { if (process.platform !== 'darwin') app.quit() })
app.on('before-quit', () => { void service?.close() })
