// What every CLI command looks like, and the argument parsing they share.

import { parseArgs, type ParseArgsConfig } from 'node:util'
import { InputError, quoted } from '../engine/errors'

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

/**
 * node:util's parseArgs, with its errors turned into one-line InputErrors naming the option.
 * `positional` names what the command takes besides options (SPEC, OTHER...); a command that takes
 * none refuses a stray argument rather than ignoring it.
 */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O, positional: string | null = null) {
  const all = { ...options, help: { type: 'boolean', short: 'h' } } as O & { help: { type: 'boolean'; short: 'h' } }
  const optionList = Object.keys(all).map((k) => `--${k}`).join(', ')
  let parsed
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv, all), options: all, allowPositionals: true, strict: true })
  } catch (err) {
    const message = (err as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '').replace(/ Did you forget.*$/, '')
    // An unknown option: say which there are, as every other error names what would be valid.
    const valid = /^Unknown option/.test(message) ? `; valid: ${optionList}` : /ambiguous|argument missing/.test(message) ? '; it needs a value after it' : ''
    throw new InputError('', `${message}${valid}; see \`rnnbench ${command} --help\``)
  }
  if (positional === null && parsed.positionals.length) {
    throw new InputError('', `unexpected argument ${quoted(parsed.positionals[0])}: \`rnnbench ${command}\` takes only options (${optionList})`)
  }
  return parsed
}

/**
 * `--workers -1`: parseArgs calls a value that starts with '-' ambiguous and stops there. A number
 * is plainly the option's value, so it is passed on (--workers=-1) for the option's own check to
 * say what is valid; anything else stays the error it was.
 */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const name = a.startsWith('--') ? a.slice(2) : null
    if (name && options[name]?.type === 'string' && /^-(\d|\.\d)/.test(argv[i + 1] ?? '')) { out.push(`${a}=${argv[++i]}`); continue }
    out.push(a)
  }
  return out
}
