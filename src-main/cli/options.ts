import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
// Option values shared by several commands, validated into one-line InputErrors.

import { InputError, listed, quoted } from '../engine/errors'
import { DB_ENV_VAR, resolveDbPath } from '../store/paths'
import { Store } from '../store/store'

export function positiveInt(value: string | undefined, field: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InputError(field, `must be a positive integer; got ${JSON.stringify(value)}`)
  if (n > max) throw new InputError(field, `must be at most ${max.toLocaleString('en-US')}; got ${value}`)
  return n
}

/**
 * How a command uses its database: `read` never writes and never creates it (a typo in --db leaves
 * nothing behind, a read-only archive still reads); `update` writes one that exists (resume);
 * `create` may make it (sweep, import, serve), and is opened only once the input is known good.
 */
export type DatabaseUse = 'read' | 'update' | 'create'

/** The database path the command will use, checked: --db, $RNNBENCH_DB, or the app-data folder's. */
export function databasePath(dbFlag: string | undefined): { path: string; field: string } {
  if (dbFlag !== undefined && dbFlag.trim() === '') throw new InputError('--db', 'is empty; give the database file, e.g. --db results.sqlite (an empty name would be a temporary database, deleted at exit with every result in it)')
  if (dbFlag === ':memory:') throw new InputError('--db', ':memory: is a database that is deleted at exit with every result in it; give a file, e.g. --db results.sqlite')
  const fromEnv = dbFlag === undefined && process.env[DB_ENV_VAR] !== undefined && process.env[DB_ENV_VAR] !== ''
  return { path: resolveDbPath(dbFlag), field: fromEnv ? DB_ENV_VAR : '--db' }
}

/** The database named by --db, $RNNBENCH_DB, or the default in the app-data folder, opened for `use`. */
export function openStore(dbFlag: string | undefined, use: DatabaseUse): Store {
  const { path, field } = databasePath(dbFlag)
  lastDatabase = { path, field }
  if (use === 'update' && !existsSync(path)) throw new InputError(field, `no database at ${path}; give an existing one with ${field === '--db' ? '--db FILE' : field}, or run a sweep first`)
  return new Store(path, { createFolder: use === 'create' && field === '--db' && dbFlag === undefined, field, readonly: use === 'read' })
}

/**
 * --workers, checked: at most the cores here unless --oversubscribe (runs sharing a core time each
 * other's contention: 200 workers on 2 cores took 16× longer and skewed every step time).
 */
export function workersOption(value: string | undefined, oversubscribe: boolean | undefined): { requested: number | undefined; cap: number } {
  const cores = availableParallelism()
  const cap = oversubscribe ? Infinity : cores
  if (value === undefined) return { requested: undefined, cap }
  const n = positiveInt(value, '--workers', 1, 1024)
  if (n > cap) throw new InputError('--workers', `must be at most ${cores}, the cores here; add --oversubscribe to run ${n} at once anyway (their step times will include each other's contention)`)
  return { requested: n, cap }
}

/** The database this process opened last: what an error from SQLite is about. */
export let lastDatabase: { path: string; field: string } | null = null

/** A sweep id given by the user, or the latest sweep; an InputError when there is none. */
export function sweepIdOrLatest(store: Store, value: string | undefined, field: string): number {
  if (value !== undefined) {
    const id = Number(value)
    if (!Number.isInteger(id) || !store.sweepExists(id)) {
      const ids = store.listSweeps().map((s) => s.id)
      throw new InputError(field, `no sweep ${quoted(value)} in ${store.path}; ${ids.length ? `sweeps there: ${listed(ids.map(String), 20)}` : 'it holds no sweep yet'}`)
    }
    // A sweep whose stored row is damaged cannot be read: one line, not a crash further on.
    if (!store.getSweep(id)) throw new InputError(field, `sweep ${id} in ${store.path} cannot be read: its stored spec is damaged (said above); give another sweep`)
    return id
  }
  // The latest sweep that reads: a damaged one is skipped, with the warning listSweeps gives.
  const latest = store.listSweeps().at(-1)?.id ?? null
  if (latest === null) throw new InputError(field, `${store.path} holds no ${store.latestSweepId() === null ? '' : 'readable '}sweep yet; start one with \`rnnbench sweep --preset quick\``)
  return latest
}
