// A stand-in for the preload's window.rnnbench: each call answers from the handlers a test gives,
// in the contract's envelope, and records its arguments.

import { vi } from 'vitest'
import type { AppEvent, Envelope, InvokeApi, InvokeChannel } from '../../src-main/ipc/contract'
import { INVOKE_CHANNELS } from '../../src-main/ipc/contract'

export type FakeHandlers = Partial<{ [C in InvokeChannel]: (...args: Parameters<InvokeApi[C]>) => ReturnType<InvokeApi[C]> | Promise<ReturnType<InvokeApi[C]>> }>

export function installFakeApi(handlers: FakeHandlers) {
  const calls: Array<[InvokeChannel, unknown[]]> = []
  const listeners = new Set<(e: AppEvent) => void>()
  const api = Object.fromEntries(INVOKE_CHANNELS.map((c) => [c, async (...args: unknown[]): Promise<Envelope<unknown>> => {
    calls.push([c, args])
    const h = handlers[c] as ((...a: unknown[]) => unknown) | undefined
    if (!h) return { ok: false, error: { field: '', message: `${c} is not faked in this test` } }
    try {
      return { ok: true, value: await h(...args) }
    } catch (err) {
      const e = err as Error & { field?: string }
      return { ok: false, error: { field: e.field ?? '', message: e.message } }
    }
  }]))
  ;(window as unknown as { rnnbench: unknown }).rnnbench = { ...api, onEvent: (l: (e: AppEvent) => void) => { listeners.add(l); return () => listeners.delete(l) } }
  return { calls, emit: (e: AppEvent) => { for (const l of listeners) l(e) } }
}

/**
 * Lets promises, the timers due within `ms` and Svelte's effects run, on the fake clock every
 * component test runs on (`vi.useFakeTimers()` atop each file): a busy machine cannot make a timer
 * late, and no test waits on the wall clock.
 */
export async function settle(ms = 0): Promise<void> {
  if (!vi.isFakeTimers()) throw new Error('settle() advances the fake clock: call vi.useFakeTimers() atop the test file')
  await vi.advanceTimersByTimeAsync(ms)
}
