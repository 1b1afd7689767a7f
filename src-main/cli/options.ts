import { availableParallelism } from 'node:os'
// Option values shared by several commands, validated into one-line InputErrors.

import { InputError } from '../engine/errors'
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
 * The database named by --db, $RNNBENCH_DB, or the default in the app-data folder. Commands that
 * only read pass `readonly`: they never create a file (a typo in --db leaves nothing behind).
 */
export function openStore(dbFlag: string | undefined, options: { readonly?: boolean } = {}): Store {
  const fromEnv = dbFlag === undefined && process.env[DB_ENV_VAR] !== undefined
  const path = resolveDbPath(dbFlag)
  lastDatabase = { path, field: fromEnv ? DB_ENV_VAR : '--db' }
  return new Store(path, { createFolder: dbFlag === undefined && !fromEnv && !options.readonly, field: lastDatabase.field, readonly: options.readonly })
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
    if (!Number.isInteger(id) || !store.getSweep(id)) {
      const ids = store.listSweeps().map((s) => s.id)
      throw new InputError(field, `no sweep ${JSON.stringify(value)} in ${store.path}; ${ids.length ? `sweeps there: ${ids.join(', ')}` : 'it holds no sweep yet'}`)
    }
    return id
  }
  const latest = store.latestSweepId()
  if (latest === null) throw new InputError(field, `${store.path} holds no sweep yet; start one with \`rnnbench sweep --preset quick\``)
  return latest
}
