// Option values shared by several commands, validated into one-line InputErrors.

import { InputError } from '../engine/errors'
import { DB_ENV_VAR, resolveDbPath } from '../store/paths'
import { Store } from '../store/store'

export function positiveInt(value: string | undefined, field: string, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InputError(field, `must be a positive integer; got ${JSON.stringify(value)}`)
  return n
}

/** The database named by --db, $RNNBENCH_DB, or the default in the app-data folder. */
export function openStore(dbFlag: string | undefined): Store {
  const fromEnv = dbFlag === undefined && process.env[DB_ENV_VAR] !== undefined
  return new Store(resolveDbPath(dbFlag), { createFolder: dbFlag === undefined && !fromEnv, field: fromEnv ? DB_ENV_VAR : '--db' })
}

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
