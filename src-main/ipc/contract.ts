// The one contract between the renderer and the main process: every channel, its arguments and
// its result, declared once. The preload exposes exactly these as named functions; the main side
// registers exactly these and refuses anything else. Types only: it is imported on both sides.

import type { BackendProbe } from '../engine/backend'
import type { EnvironmentInfo } from '../engine/environment'

export interface InvokeApi {
  doctor(): { environment: EnvironmentInfo; backends: BackendProbe[] }
}

export type InvokeChannel = keyof InvokeApi

export const INVOKE_CHANNELS: readonly InvokeChannel[] = ['doctor']

/** What the preload puts on `window.rnnbench`. */
export type RendererApi = { [C in InvokeChannel]: (...args: Parameters<InvokeApi[C]>) => Promise<ReturnType<InvokeApi[C]>> }
