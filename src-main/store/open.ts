// Opening the database: refuse what is not ours or is newer than this code (untouched), then
// migrate in one transaction.

import Database from 'better-sqlite3'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { InputError } from '../engine/errors'
import { MIGRATIONS, SCHEMA_VERSION } from './migrations'

// SQLite reads `file:` URIs only when told so before its first open, and a read-only archive needs
// one (`?immutable=1`, below). A path that does not start with `file:` is read as it always was.
process.env.SQLITE_USE_URI ??= '1'

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
  if (options.readonly && !memory) {
    try {
      return openForReading(path, options, field, false)
    } catch (err) {
      // A folder or a filesystem that cannot be written: SQLite cannot make the shared-memory file
      // that a WAL database's readers need. Such a medium cannot change either, so the file is
      // read as immutable: no lock, no WAL, nothing created beside it.
      if (!cannotWriteBeside(err)) throw err
      return openForReading(path, options, field, true)
    }
  }
  let db: Database.Database
  try {
    db = new Database(path, { ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) })
  } catch (err) {
    throw new InputError(field, `cannot open ${path}: ${(err as Error).message}`)
  }
  try {
    // First, so that a second process opening (or creating) the same file waits for the first.
    db.pragma('busy_timeout = 5000')
    // In one read transaction: the version and the tables from one snapshot, so that another
    // process committing its migration between the two reads is not mistaken for a foreign file.
    retryWhileBusy(() => db.transaction(() => checkIdentity(db, path, field))())
    // Switching a new file to WAL takes an exclusive lock that SQLite will not wait for while
    // another process opens the same new file: retry for up to the busy timeout.
    retryWhileBusy(() => db.pragma('journal_mode = WAL'))
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    retryWhileBusy(() => migrate(db))
    return db
  } catch (err) {
    db.close()
    refuseUnusable(err, path, field)
    const code = String((err as { code?: unknown }).code ?? '')
    if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM') throw new InputError(field, `cannot write ${path} (${(err as Error).message})`)
    throw err
  }
}

/** An error opening a file that is no SQLite database, as the one line a user sees (InputErrors pass through). */
function refuseUnusable(err: unknown, path: string, field: string): void {
  if (err instanceof InputError) throw err
  const code = (err as { code?: string }).code ?? ''
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw new InputError(field, `${path} is not a usable SQLite database (${(err as Error).message}); give another file with ${field}`)
}

/** The `file:` URI that opens `path` as immutable: read-only media, no lock, no WAL, nothing created beside it. */
export function immutableUri(path: string): string {
  return `file:${resolve(path).replace(/%/g, '%25').replace(/\?/g, '%3f').replace(/#/g, '%23')}?immutable=1`
}

/** Whether an error says SQLite could not create or write a file beside the database (a read-only folder or medium). */
export function cannotWriteBeside(err: unknown): boolean {
  const code = String((err as { code?: unknown })?.code ?? '')
  return code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'SQLITE_IOERR_SHMOPEN'
    || (err instanceof InputError && /unable to open|readonly/.test(err.message))
}

/** An existing database opened to read: never created, never written (`immutable` where the medium cannot be written). */
function openForReading(path: string, options: OpenOptions, field: string, immutable: boolean): Database.Database {
  const name = immutable ? immutableUri(path) : path
  let db: Database.Database
  try {
    db = new Database(name, { ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}), readonly: true, ...(immutable ? {} : { fileMustExist: true }) })
  } catch (err) {
    if (!immutable && cannotWriteBeside(err)) throw err
    throw new InputError(field, `cannot open ${path}: ${(err as Error).message}`)
  }
  try {
    if (!immutable) db.pragma('busy_timeout = 5000')
    retryWhileBusy(() => db.transaction(() => checkIdentity(db, path, field))())
    if ((db.pragma('user_version', { simple: true }) as number) === SCHEMA_VERSION) {
      if (immutable) warnUncheckpointed(path)
      return db
    }
  } catch (err) {
    db.close()
    refuseUnusable(err, path, field)
    throw err
  }
  // An older schema: upgraded once, in place, as any open for writing would; not on a medium that cannot be written.
  const version = db.pragma('user_version', { simple: true }) as number
  db.close()
  if (immutable) throw new InputError(field, `${path} was written by an older rnnbench (schema ${version}; this one reads ${SCHEMA_VERSION}) and sits where it cannot be upgraded (a read-only folder or medium); copy it somewhere writable and give that copy with ${field}`)
  return openDatabase(path, { ...options, readonly: false })
}

/** Read as immutable, a database whose WAL still holds commits is read as of its last checkpoint: said, not hidden. */
function warnUncheckpointed(path: string): void {
  let walBytes = 0
  try { walBytes = statSync(`${path}-wal`).size } catch { /* no WAL file: nothing left out */ }
  if (walBytes > 0) process.stderr.write(`rnnbench: ${path} is read-only here and its ${path}-wal (${walBytes} bytes) cannot be applied: reading it as of its last checkpoint; copy both files somewhere writable to read the rest\n`)
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
