// Where calls enter the main process (Electron IPC or `serve`'s HTTP): the channel must be one of
// the contract's and its arguments must have the declared shapes, or the call is refused with a
// one-line error before any handler runs. Specs are `unknown` here: the sweep-spec validator
// checks them, field by field, inside the handler.

import { z } from 'zod'
import { InputError } from '../engine/errors'
import { SERIES_NAMES } from '../engine/training'
import { CHANNEL_ARGUMENTS, EXPORT_FORMATS, INVOKE_CHANNELS, type InvokeApi, type InvokeChannel } from './contract'

const id = z.number().int().positive()
const name = z.string().trim().min(1).max(200)

/** Each channel's argument schemas, typed over the contract: a channel missing here, or a schema of another shape, does not compile. */
const ARGUMENTS: { [C in InvokeChannel]: z.ZodType<Parameters<InvokeApi[C]>> } = {
  doctor: z.tuple([]),
  machineLoad: z.tuple([]),
  presets: z.tuple([]),
  listSweeps: z.tuple([]),
  getSweep: z.tuple([id]),
  planSweep: z.tuple([z.unknown()]),
  startSweep: z.tuple([z.unknown(), name.nullable()]),
  resumeSweep: z.tuple([id, z.boolean()]),
  cancelSweep: z.tuple([id]),
  renameSweep: z.tuple([id, name]),
  deleteSweep: z.tuple([id]),
  rerunSweep: z.tuple([id]),
  sweepSeries: z.tuple([id, z.array(z.enum(SERIES_NAMES)).min(1).max(SERIES_NAMES.length), z.number().int().min(2).max(100_000)]),
  runSeries: z.tuple([id, z.array(z.enum(SERIES_NAMES)).min(1).max(SERIES_NAMES.length), z.number().int().min(2).max(100_000)]),
  gradFlow: z.tuple([id]),
  verdicts: z.tuple([z.union([id, z.array(id).min(1).max(20)], { error: 'must be a sweep id (a positive whole number) or a list of 1 to 20 of them' }), z.enum(['hidden', 'params'])]),
  exportSweep: z.tuple([id, z.enum(EXPORT_FORMATS), z.enum(['hidden', 'params'])]),
  inspectData: z.tuple([z.unknown()]),
  uploadDataFile: z.tuple([z.string().min(1).max(255), z.string().max(16 * 2 ** 20)]),
  chooseDataFile: z.tuple([]),
  parseSpec: z.tuple([z.string().max(10_000_000)]),
}

export function isInvokeChannel(channel: unknown): channel is InvokeChannel {
  return typeof channel === 'string' && (INVOKE_CHANNELS as readonly string[]).includes(channel)
}

/** The channel and its arguments, checked; an InputError naming the argument otherwise. */
export function validateCall<C extends InvokeChannel>(channel: unknown, args: unknown): { channel: C; args: Parameters<InvokeApi[C]> } {
  if (!isInvokeChannel(channel)) throw new InputError('channel', `unknown channel ${JSON.stringify(String(channel)).slice(0, 60)}; valid: ${INVOKE_CHANNELS.join(', ')}`)
  if (!Array.isArray(args)) throw new InputError(channel, 'arguments must be a list')
  const r = ARGUMENTS[channel].safeParse(args)
  if (r.success) return { channel: channel as C, args: r.data as Parameters<InvokeApi[C]> }
  const issue = r.error.issues[0]
  const at = issue.path[0]
  const field = typeof at === 'number' ? `${channel}.${(CHANNEL_ARGUMENTS[channel] as readonly string[])[at] ?? `argument ${at}`}` : channel
  const expected = (CHANNEL_ARGUMENTS[channel] as readonly string[]).length ? `(${(CHANNEL_ARGUMENTS[channel] as readonly string[]).join(', ')})` : 'no arguments'
  throw new InputError(field, issue.code === 'too_big' && at === undefined ? `takes ${expected}` : `${issue.message}; ${channel} takes ${expected}`)
}
