// A stand-in for the `electron` module, for loading the built main bundle (out/main/index.js)
// under plain Node: it records what the main process asks of Electron (windows and their
// preferences, IPC channels, session handlers) and, once the app is ready, prints that as one
// JSON line on stdout, then quits the app as a user closing its window would.

import { existsSync } from 'node:fs'

const report = { windows: [], channels: [], loaded: [], webContentsEvents: [], denyWindowOpen: 0, permission: null, csp: null, events: [], quitHandled: false }

class WebContents {
  setWindowOpenHandler(handler) { if (handler().action === 'deny') report.denyWindowOpen++ }
  on(event) { report.webContentsEvents.push(event) }
  send() {}
  executeJavaScript() { return Promise.resolve(true) }
  printToPDF() { return Promise.resolve(Buffer.from('%PDF-')) }
}

export class BrowserWindow {
  static all = []
  constructor(options) {
    this.options = options
    this.webContents = new WebContents()
    report.windows.push(options)
    BrowserWindow.all.push(this)
  }
  once() {}
  on() {}
  isDestroyed() { return false }
  destroy() {}
  loadFile(file) { report.loaded.push({ file, exists: existsSync(file) }); return Promise.resolve() }
  loadURL(url) { report.loaded.push({ url }); return Promise.resolve() }
  static getAllWindows() { return BrowserWindow.all }
  static getFocusedWindow() { return null }
}

const handlers = {}
export const app = {
  getVersion: () => '0.0.0-stand-in',
  on(event, handler) { report.events.push(event); handlers[event] = handler },
  quit() {},
  whenReady() {
    // After the main process's ready handler has run: report, then quit.
    setTimeout(async () => {
      process.stdout.write(JSON.stringify(report) + '\n')
      await handlers['window-all-closed']?.()
      await handlers['before-quit']?.()
      report.quitHandled = true
      process.stdout.write(JSON.stringify({ quit: true }) + '\n')
    }, 300)
    return Promise.resolve()
  },
}

export const ipcMain = { handle(channel) { report.channels.push(channel) } }

export const session = {
  defaultSession: {
    setPermissionRequestHandler(handler) { handler(null, 'camera', (allowed) => { report.permission = allowed }) },
    webRequest: { onHeadersReceived(handler) { handler({ responseHeaders: {} }, (r) => { report.csp = r.responseHeaders['Content-Security-Policy'] }) } },
  },
}

export const dialog = { showOpenDialog: async () => ({ canceled: true, filePaths: [] }) }
export default { app, BrowserWindow, ipcMain, session, dialog }
