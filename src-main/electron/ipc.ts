// The main process's side of the IPC contract: exactly the contract's channels are registered, each
// call's sender is checked, its arguments validated (dispatch), and events are pushed to our window.

import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import { INVOKE_CHANNELS, type Envelope, type Handlers } from '../ipc/contract'
import { dispatch } from '../ipc/dispatch'
import { isTrustedRendererUrl } from './security'

/** Registers every channel of the contract on ipcMain (or a stand-in with the same handle()). */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle'>, handlers: Handlers, trusted: (url: string) => boolean = isTrustedRendererUrl): void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<Envelope<unknown>> => {
      const url = event.senderFrame?.url ?? ''
      if (!trusted(url)) return { ok: false, error: { field: 'sender', message: `refused ${channel} from ${url || 'an unknown frame'}` } }
      return dispatch(handlers, channel, args)
    })
  }
}
