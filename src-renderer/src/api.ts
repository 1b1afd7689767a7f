import type { RendererApi } from '../../src-main/ipc/contract'

declare global {
  interface Window { rnnbench?: RendererApi }
}

/** The main process's API, or null outside Electron (the browser transport comes with `serve`). */
export const api: RendererApi | null = typeof window !== 'undefined' ? window.rnnbench ?? null : null
