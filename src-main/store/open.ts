// Opening the database: refuse what is not ours or is newer than this code (untouched), then
// migrate in one transaction.

import Database from 'better-sqlite3'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { InputError } from '../engine/errors'
import { MIGRATIONS, SCHEMA_VERSION } from './migrations'

export interface OpenOptions {
  /** Create the file's folder when missing (the default location); false for a path the user gave. */
  createFolder?: boolean
  /** Which option or variable named the file, for error messages. */
  field?: string
  /** Open an existing database to read it: never create it (a typo in --db leaves no file behind). */
  readonly?: boolean
  /**
   * better-sqlite3's compiled addon to load instead of its own: the desktop app's copy built for
   * Electron's ABI (better-sqlite3 is not N-API, so Node's build cannot load inside Electron).
   */
  nativeBinding?: string
}

export function openDatabase(path: string, options: OpenOptions = {}): Database.Database {
  const field = options.field ?? '--db'
  const memory = path === ':memory:'
  if (!memory && options.readonly && !existsSync(path)) throw new InputError(field, `no database at ${path}; give an existing one with ${field}, or run a sweep first`)
  if (!memory) {
    const folder = dirname(path)
    if (!existsSync(folder)) {
      if (!options.createFolder) throw new InputError(field, `cannot create ${path}: the folder ${folder} does not exist`)
      mkdirSync(folder, { recursive: true })
    }
  }
  let db: Database.Database
  try {
    db = new Database(path, { ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}), ...(options.readonly && !memory ? { readonly: true, fileMustExist: true } : {}) })
  } catch (err) {
    throw new InputError(field, `cannot open ${path}: ${(err as Error).message}`)
  }
  try {
    // First, so that a second process opening (or creating) the same file waits for the first.
    db.pragma('busy_timeout = 5000')
    // In one read transaction: the version and the tables from one snapshot, so that another
    // process committing its migration between the two reads is not mistaken for a foreign file.
    retryWhileBusy(() => db.transaction(() => checkIdentity(db, path, field))())
    if (options.readonly && !memory) {
      if ((db.pragma('user_version', { simple: true }) as number) === SCHEMA_VERSION) return db
      // An older schema: upgraded once, in place, as any open for writing would.
      db.close()
      return openDatabase(path, { ...options, readonly: false })
    }
    // Switching a new file to WAL takes an exclusive lock that SQLite will not wait for while
    // another process opens the same new file: retry for up to the busy timeout.
    retryWhileBusy(() => db.pragma('journal_mode = WAL'))
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    retryWhileBusy(() => migrate(db))
    return db
  } catch (err) {
    db.close()
    if (err instanceof InputError) throw err
    const code = (err as { code?: string }).code ?? ''
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw new InputError(field, `${path} is not a usable SQLite database (${(err as Error).message}); give another file with ${field}`)
    if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM') throw new InputError(field, `cannot write ${path} (${(err as Error).message})`)
    throw err
  }
}

/** Before anything writes: a newer schema or someone else's database is refused, unaltered. */
function checkIdentity(db: Database.Database, path: string, field: string): void {
  const version = db.pragma('user_version', { simple: true }) as number
  if (version > SCHEMA_VERSION) {
    throw new InputError(field, `${path} was written by a newer rnnbench (schema ${version}; this version knows up to ${SCHEMA_VERSION}); upgrade rnnbench. The file was not changed`)
  }
  if (version === 0) {
    const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'`).get() as { n: number }
    if (tables.n > 0) throw new InputError(field, `${path} is a SQLite database but not an rnnbench one; give another file with ${field}. The file was not changed`)
  }
}

/**
 * Apply pending migrations in one transaction, setting user_version inside it. IMMEDIATE takes
 * the write lock before the version is read, so two processes creating one database at once
 * migrate it once: the second waits (busy_timeout), then finds it migrated.
 */
export function migrate(db: Database.Database, upTo = SCHEMA_VERSION): void {
  if ((db.pragma('user_version', { simple: true }) as number) >= upTo) return
  db.transaction(() => {
    const from = db.pragma('user_version', { simple: true }) as number
    for (let v = from; v < upTo; v++) MIGRATIONS[v](db)
    if (from < upTo) db.pragma(`user_version = ${upTo}`)
  }).immediate()
}

/** Runs `step`, again every 20 ms while SQLite answers SQLITE_BUSY, for at most `limitMs`. */
function retryWhileBusy<T>(step: () => T, limitMs = 5000): T {
  const deadline = Date.now() + limitMs
  for (;;) {
    try {
      return step()
    } catch (err) {
      if (!String((err as { code?: string }).code).startsWith('SQLITE_BUSY') || Date.now() > deadline) throw err
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20)
    }
  }
}
