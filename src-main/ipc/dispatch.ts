// One call from the UI, whichever transport carried it: validate the channel and its arguments,
// run the handler, and put the answer (or a one-line error) into the contract's envelope.

import { InputError } from '../engine/errors'
import type { Envelope, Handlers, InvokeApi, InvokeChannel } from './contract'
import { validateCall } from './validate'

export async function dispatch(handlers: Handlers, channel: unknown, args: unknown): Promise<Envelope<ReturnType<InvokeApi[InvokeChannel]>>> {
  try {
    const call = validateCall(channel, args)
    const handler = handlers[call.channel] as (...a: unknown[]) => unknown
    return { ok: true, value: (await handler(...call.args)) as ReturnType<InvokeApi[InvokeChannel]> }
  } catch (err) {
    if (err instanceof InputError) return { ok: false, error: { field: err.field, message: err.message } }
    const message = (err as Error).message?.split('\n')[0] || String(err)
    process.stderr.write(`rnnbench: ${String(channel)} failed: ${(err as Error).stack ?? message}\n`)
    return { ok: false, error: { field: '', message } }
  }
}
