// Waiting on what a background process does, never on the clock: a condition read from its
// database (or anything else) until it holds, or until the process exits first, which fails the
// wait with its stderr. No deadline of its own: the test's limit is the only one, so a busy
// machine makes a test slower, not red.

import Database from 'better-sqlite3'
import type { ChildProcess } from 'node:child_process'

/** How often a condition is read again: short enough not to slow a test, long enough not to load the machine. */
const POLL_MS = 50

/**
 * Resolves once `ready()` returns true. Rejects if `child` exits first (with `stderr()` in the
 * message). `ready` may throw while what it reads does not exist yet; that counts as not ready.
 */
export async function until(ready: () => boolean, child?: ChildProcess, stderr: () => string = () => ''): Promise<void> {
  let exited = child ? child.exitCode !== null || child.signalCode !== null : false
  child?.once('exit', () => { exited = true })
  for (;;) {
    try {
      if (ready()) return
    } catch { /* not there yet */ }
    if (exited) throw new Error(`the process exited before the wait ended: ${stderr()}`)
    await new Promise((r) => setTimeout(r, POLL_MS))
  }
}

/** Rows of one read-only query on a database another process writes (empty while it does not exist). */
export function query<T>(db: string, sql: string): T[] {
  const conn = new Database(db, { readonly: true, fileMustExist: true })
  try {
    return conn.prepare(sql).all() as T[]
  } finally {
    conn.close()
  }
}

/** How many running runs have stored training points: runs that are past their start and training. */
export function runsTraining(db: string): number {
  return query<{ n: number }>(db, "SELECT count(DISTINCT p.run_id) AS n FROM points p JOIN runs r ON r.id = p.run_id WHERE r.status = 'running'")[0].n
}
