// Each migration on an in-memory database, and the rules for opening files: WAL, a newer schema
// refused untouched, a foreign or corrupt file refused, nothing lost.

import Database from 'better-sqlite3'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS, SCHEMA_VERSION } from '../../src-main/store/migrations'
import { migrate, openDatabase } from '../../src-main/store/open'
import { Store } from '../../src-main/store/store'
import { fakeRun } from '../helpers/verdict-runs'
import { expandSweep } from '../../src-main/engine/sweep/expand'
import { parseSweepSpec } from '../../src-main/engine/sweep/spec'

const tmp = mkdtempSync(join(tmpdir(), 'rnnbench-store-'))

describe('migration 1: initial schema', () => {
  it('creates the tables and sets user_version to 1', () => {
    const db = new Database(':memory:')
    migrate(db, 1)
    expect(db.pragma('user_version', { simple: true })).toBe(1)
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as Array<{ name: string }>).map((r) => r.name)
    expect(tables).toEqual(['grad_flow', 'points', 'runs', 'sweeps'])
    // the status constraint holds
    db.prepare(`INSERT INTO sweeps (name, spec, created_at) VALUES ('s', '{}', 'now')`).run()
    expect(() => db.prepare(`INSERT INTO runs (sweep_id, idx, config, status) VALUES (1, 0, '{}', 'exploded')`).run()).toThrow(/CHECK/)
  })

  it('is the whole current schema: every column the store reads and writes exists after the migrations', () => {
    const db = new Database(':memory:')
    migrate(db)
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    const columns = (table: string) => (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name).sort()
    expect(columns('runs')).toEqual(['attempts', 'config', 'environment', 'error', 'figures', 'finished_at', 'heartbeat_at', 'id', 'idx', 'owner', 'owner_pid', 'started_at', 'status', 'sweep_id'])
    expect(columns('sweeps')).toEqual(['created_at', 'expansion', 'id', 'name', 'planned', 'shards', 'spec'])
    db.close()
    expect(SCHEMA_VERSION).toBe(4)
  })

  it('brings a version-2 database to the current version in place: its sweeps keep their runs, planned, shards and expansion unknown (null: expansion 1)', () => {
    const path = join(tmp, 'v2.sqlite')
    const raw = new Database(path)
    migrate(raw, 2)
    raw.prepare(`INSERT INTO sweeps (name, spec, created_at) VALUES ('old', '{}', '2026-01-01')`).run()
    raw.prepare(`INSERT INTO runs (sweep_id, idx, config, status) VALUES (1, 0, '{}', 'done')`).run()
    raw.close()
    const db = openDatabase(path)
    expect(db.pragma('user_version', { simple: true })).toBe(4)
    expect(db.prepare('SELECT name, planned, shards, expansion FROM sweeps').get()).toEqual({ name: 'old', planned: null, shards: null, expansion: null })
    expect(db.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 1 })
    db.close()
  })

  it('brings a version-1 database to version 2 in place, keeping its runs and adding the lease columns', () => {
    const path = join(tmp, 'v1.sqlite')
    const raw = new Database(path)
    migrate(raw, 1)
    raw.prepare(`INSERT INTO sweeps (name, spec, created_at) VALUES ('old', '{}', '2026-01-01')`).run()
    raw.prepare(`INSERT INTO runs (sweep_id, idx, config, status, owner_pid) VALUES (1, 0, '{}', 'running', 12345)`).run()
    raw.close()
    const db = openDatabase(path)
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    expect(db.prepare('SELECT status, owner_pid, owner, heartbeat_at FROM runs').get()).toEqual({ status: 'running', owner_pid: 12345, owner: null, heartbeat_at: null })
    db.close()
  })
})

describe('opening a database file', () => {
  it('uses WAL and migrates a new file', () => {
    const path = join(tmp, 'new.sqlite')
    const db = openDatabase(path)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    db.close()
  })

  it('refuses a database from a newer rnnbench and leaves it byte for byte as it was', () => {
    const path = join(tmp, 'newer.sqlite')
    const raw = new Database(path)
    raw.exec('CREATE TABLE future (x)')
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`)
    raw.close()
    const before = readFileSync(path)
    expect(() => openDatabase(path)).toThrow(/newer rnnbench .* The file was not changed/)
    expect(readFileSync(path).equals(before)).toBe(true)
  })

  it('refuses someone else\'s SQLite database unaltered', () => {
    const path = join(tmp, 'other.sqlite')
    const raw = new Database(path)
    raw.exec('CREATE TABLE contacts (name TEXT)')
    raw.close()
    const before = readFileSync(path)
    expect(() => openDatabase(path)).toThrow(/not an rnnbench one/)
    expect(readFileSync(path).equals(before)).toBe(true)
  })

  it('refuses a corrupt file with a message naming --db', () => {
    const path = join(tmp, 'corrupt.sqlite')
    writeFileSync(path, 'this is not a database, just text that is long enough to have a header '.repeat(20))
    expect(() => openDatabase(path)).toThrow(/^--db: .* is not a usable SQLite database/)
  })

  it('refuses a path in a missing folder unless asked to create it', () => {
    expect(() => openDatabase(join(tmp, 'missing', 'x.sqlite'))).toThrow(/--db: cannot create .*does not exist/)
    const db = openDatabase(join(tmp, 'created', 'x.sqlite'), { createFolder: true })
    db.close()
  })
})

describe('Store', () => {
  // A whole run's config: stored rows are checked when read (store/rows.ts), so a stub would not read back.
  const [config] = expandSweep(parseSweepSpec({ settings: { task: 'adding', cell: 'gru' } }))
  it('claims a run once, finishes it once, and resets only interrupted runs', () => {
    const store = new Store(':memory:')
    const id = store.createSweep('s', { any: 1 }, [config, config, config])
    const [a, b, c] = store.pendingRunIds(id)
    expect(store.claimRun(a)).toBe(true)
    expect(store.claimRun(a)).toBe(false)
    store.appendPoints(a, [{ series: 'train_loss', step: 1, wallMs: 1, value: 0.5 }, { series: 'train_loss', step: 2, wallMs: 2, value: NaN }])
    expect(store.series(a, 'train_loss').map((p) => p.value)).toEqual([0.5, NaN])
    // Figures are checked when read back (store/rows.ts): a whole run's figures, not a stub.
    expect(store.finishRun(a, { status: 'done', figures: fakeRun({}, { steps: 2 }).figures })).toBe(true)
    expect(store.finishRun(a, { status: 'failed', error: 'late' })).toBe(false)
    expect(store.claimRun(b)).toBe(true)
    store.appendPoints(b, [{ series: 'train_loss', step: 1, wallMs: 1, value: 1 }])
    store.appendGradFlow(b, { step: 0, rows: 1, T: 3, norms: [1, 2, 3] })
    expect(store.gradFlow(b)[0].norms).toEqual([1, 2, 3])
    // b was running when the process died: resume resets it and drops its partial series
    expect(store.resetInterrupted(id)).toBe(1)
    expect(store.series(b, 'train_loss')).toEqual([])
    expect(store.gradFlow(b)).toEqual([])
    expect(store.pendingRunIds(id)).toEqual([b, c])
    expect(store.getRun(a)!.status).toBe('done')
    expect(store.series(a, 'train_loss')).toHaveLength(2)
    const sweep = store.getSweep(id)!
    expect(sweep.counts).toMatchObject({ done: 1, pending: 2 })
    expect(sweep.total).toBe(3)
    store.close()
  })
})

describe('where the database lives', () => {
  it('prefers --db, then RNNBENCH_DB, then the app-data folder Electron names', async () => {
    const { resolveDbPath, userDataDir } = await import('../../src-main/store/paths')
    expect(resolveDbPath('/a.sqlite', { RNNBENCH_DB: '/b.sqlite' })).toBe('/a.sqlite')
    expect(resolveDbPath(undefined, { RNNBENCH_DB: '/b.sqlite' })).toBe('/b.sqlite')
    expect(resolveDbPath(undefined, { XDG_CONFIG_HOME: '/xdg' })).toBe(join('/xdg', 'rnnbench', 'rnnbench.sqlite'))
    expect(userDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32')).toBe(join('C:\\Users\\u\\AppData\\Roaming', 'rnnbench'))
    expect(userDataDir({}, 'darwin')).toMatch(/Library[/\\]Application Support[/\\]rnnbench$/)
  })
})
