// Runs sandboxed, before the page. Exposes the contract's calls as named functions and one event
// subscription, nothing else: never ipcRenderer itself.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { EVENT_CHANNEL, INVOKE_CHANNELS, type AppEvent, type PreloadApi } from '../ipc/contract'

const calls = Object.fromEntries(INVOKE_CHANNELS.map((channel) => [channel, (...args: unknown[]) => ipcRenderer.invoke(channel, ...args)]))

const api = {
  ...calls,
  onEvent(listener: (event: AppEvent) => void): () => void {
    const relay = (_e: IpcRendererEvent, event: AppEvent) => listener(event)
    ipcRenderer.on(EVENT_CHANNEL, relay)
    return () => { ipcRenderer.removeListener(EVENT_CHANNEL, relay) }
  },
} as PreloadApi

contextBridge.exposeInMainWorld('rnnbench', api)
