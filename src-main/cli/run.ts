// The CLI's dispatcher: finds the command, runs it, and turns errors into exit codes.
// Exit codes: 0 success; 1 a failure that is not the user's input (or a failed check);
// 2 bad input, with one line naming the field and what would be valid.

import { InputError } from '../engine/errors'
import type { Command, Io } from './command'
import { benchCommand } from './commands/bench'
import { doctorCommand } from './commands/doctor'
import { exportCommand } from './commands/export'
import { importCommand } from './commands/import'
import { parityCommand } from './commands/parity'
import { resumeCommand } from './commands/resume'
import { runsCommand } from './commands/runs'
import { serveCommand } from './commands/serve'
import { sweepCommand } from './commands/sweep'
import { trainCommand } from './commands/train'
import { sweepsCommand } from './commands/sweeps'
import { verdictsCommand } from './commands/verdicts'
import { APP_VERSION } from '../engine/build-info'
import { lastDatabase } from './options'

export const COMMANDS: Command[] = [sweepCommand, trainCommand, resumeCommand, sweepsCommand, runsCommand, verdictsCommand, exportCommand, importCommand, serveCommand, benchCommand, parityCommand, doctorCommand]

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length))
  return `rnnbench ${APP_VERSION}: LSTM, GRU or a plain RNN? Measured on your task and your hardware.

Usage: rnnbench COMMAND [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run \`rnnbench COMMAND --help\` for a command's options.
Global options: -h, --help (this text), -v, --version.`
}

export async function runCli(argv: string[], io: Io): Promise<number> {
  const [first, ...rest] = argv
  try {
    if (first === undefined) {
      // No command is a mistake: the usage goes where errors go, and the exit says so.
      io.err(usage() + '\n')
      return 2
    }
    if (first === '-h' || first === '--help') {
      io.out(usage() + '\n')
      return 0
    }
    if (first === '-v' || first === '--version') {
      io.out(APP_VERSION + '\n')
      return 0
    }
    if (first === 'help') {
      const target = rest[0] ? findCommand(rest[0]) : null
      io.out((target ? target.help : usage()) + '\n')
      return 0
    }
    const command = findCommand(first)
    if (rest.includes('-h') || rest.includes('--help')) {
      io.out(command.help + '\n')
      return 0
    }
    return await command.run(rest, io)
  } catch (err) {
    if (err instanceof InputError) {
      io.err(`rnnbench: ${err.message}\n`)
      return 2
    }
    const sqlite = databaseProblem(err)
    if (sqlite) {
      io.err(`rnnbench: ${sqlite}\n`)
      return 2
    }
    const e = err as Error
    io.err(`rnnbench: ${e.message || String(err)}\n`)
    if (process.env.RNNBENCH_DEBUG) io.err(`${e.stack}\n`)
    return 1
  }
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name)
  if (!command) throw new InputError('COMMAND', `unknown command ${JSON.stringify(name)}; valid: ${COMMANDS.map((c) => c.name).join(', ')}`)
  return command
}

/**
 * An error from SQLite about the database file itself, as one line naming it and what to do; null
 * for anything else. The file is the user's to fix or replace, so these exit 2 like bad input.
 */
export function databaseProblem(err: unknown): string | null {
  const code = String((err as { code?: unknown })?.code ?? '')
  if (!code.startsWith('SQLITE_')) return null
  const where = lastDatabase ? `${lastDatabase.field}: ${lastDatabase.path}` : 'the database'
  const detail = (err as Error).message
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return `${where} is damaged (${detail}); restore it from a copy, or give another file with --db`
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') return `${where} cannot be written (${detail}); check the permissions of the file and its folder, or give another file with --db`
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return `${where} stayed locked by another process (${detail}); try again when it is done`
  if (code === 'SQLITE_FULL') return `${where}: the disk is full (${detail}); nothing was lost: free some space, then run the command again (a sweep that had started: rnnbench resume)`
  if (code.startsWith('SQLITE_IOERR')) return `${where} could not be read or written (${detail}); check the disk, or give another file with --db`
  return `${where}: ${detail}`
}
