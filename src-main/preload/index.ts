// Runs sandboxed, before the page. Exposes the contract's named functions and nothing else: never
// ipcRenderer itself.

import { contextBridge, ipcRenderer } from 'electron'
import type { RendererApi } from '../ipc/contract'

const api: RendererApi = {
  doctor: () => ipcRenderer.invoke('doctor'),
}

contextBridge.exposeInMainWorld('rnnbench', api)
