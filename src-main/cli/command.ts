// What every CLI command looks like, and the argument parsing they share.

import { parseArgs, type ParseArgsConfig } from 'node:util'
import { InputError } from '../engine/errors'

export interface Command {
  name: string
  /** One line for the command list. */
  summary: string
  /** The full text of `rnnbench NAME --help`. */
  help: string
  run(argv: string[], io: Io): Promise<number>
}

export interface Io {
  out(text: string): void
  err(text: string): void
  /** Whether standard error, where progress goes, is a terminal (progress bar) or a pipe/file (plain lines). */
  isTty: boolean
  /** The terminal's width, when it is one: the progress bar is kept to it, so that it never wraps. */
  columns?: number
}

type Options = NonNullable<ParseArgsConfig['options']>

/** node:util's parseArgs, with its errors turned into one-line InputErrors naming the option. */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true })
  } catch (err) {
    const message = (err as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '')
    // An unknown option: say which there are, as every other error names what would be valid.
    const valid = /^Unknown option/.test(message) ? `; valid: ${[...Object.keys(options), 'help'].map((k) => `--${k}`).join(', ')}` : ''
    throw new InputError('', `${message}${valid}; see \`rnnbench ${command} --help\``)
  }
}
