// The Electron main process: one window, locked down as Electron's security checklist asks.

import { app, BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { probeAll } from '../engine/backends'
import { environmentInfo } from '../engine/environment'
import type { InvokeApi } from '../ipc/contract'

const here = dirname(fileURLToPath(import.meta.url))
const rendererIndex = join(here, '../renderer/index.html')

export const WEB_PREFERENCES = {
  preload: join(here, '../preload/index.cjs'),
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
} as const

/** Only our own page may call the main process. */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? ''
  return url === pathToFileURL(rendererIndex).href || (process.env.ELECTRON_RENDERER_URL !== undefined && url.startsWith(process.env.ELECTRON_RENDERER_URL))
}

const handlers: { [C in keyof InvokeApi]: (...args: Parameters<InvokeApi[C]>) => Promise<ReturnType<InvokeApi[C]>> } = {
  async doctor() {
    return { environment: environmentInfo(app.getVersion()), backends: await probeAll() }
  },
}

function registerIpc(): void {
  for (const [channel, handler] of Object.entries(handlers)) {
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      if (!trustedSender(event)) throw new Error(`refused ${channel} from ${event.senderFrame?.url ?? 'an unknown frame'}`)
      return (handler as (...a: unknown[]) => unknown)(...args)
    })
  }
}

function createWindow(): void {
  const win = new BrowserWindow({ width: 1280, height: 860, show: false, title: 'rnnbench', webPreferences: WEB_PREFERENCES })
  win.once('ready-to-show', () => win.show())
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  win.webContents.on('will-navigate', (event) => event.preventDefault())
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void win.loadFile(rendererIndex)
}

app.whenReady().then(() => {
  registerIpc()
  createWindow()
  app.on('activate', () => { if (BrowserWindow.getAllWindows().length === 0) createWindow() })
})
app.on('window-all-closed', () => { if (process.platform !== 'darwin') app.quit() })
