// `rnnbench import OTHER.sqlite`: another machine's runs merged into this database. A sweep is the
// same sweep when its name and spec are the same; its runs line up by their position in the
// expanded sweep. A run this database has finished is never replaced; one it has not (pending,
// cancelled, interrupted) takes the other's finished result; one it lacks is added. Importing the
// same file twice adds nothing. The other file is opened read-only and never changed.

import Database from 'better-sqlite3'
import { existsSync, realpathSync } from 'node:fs'
import { InputError } from '../engine/errors'
import { SCHEMA_VERSION } from './migrations'
import { describeOwner, type LeaseOwner } from './lease'
import type { RunStatus } from '../model/runs'
import { readRunConfig, readRunEnvironment, readRunFigures, RUN_STATUSES, StoredRowError } from './rows'
import { cannotWriteBeside, immutableUri } from './open'

/** What the merge needs of the store that runs it (store.ts passes itself). */
export interface ImportTarget { path: string; liveOwner(sweepId: number): LeaseOwner | null }

export interface ImportSummary {
  sweeps: number; createdSweeps: number; added: number; replaced: number; unchanged: number
  /** Runs left alone because a live process here is running them, and who. */
  skippedRunning: number; runningIn: string[]
  /** Sweeps and runs of the other file left out because their stored rows are damaged (each said in a warning). */
  skipped: number
}

const FINISHED: readonly RunStatus[] = ['done', 'diverged', 'failed']

interface RawSweep { id: number; name: string; spec: string; created_at: string; planned: number | null; shards: number | null; expansion: number | null }
interface RawRun { id: number; idx: number; config: string; status: RunStatus; attempts: number; started_at: string | null; finished_at: string | null; error: string | null; figures: string | null; environment: string | null }

/** JSON with object keys sorted: two specs are the same spec whatever order their keys were written in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v))
}

/**
 * Another database, opened read-only and read through before anything is written: its sweeps and
 * runs, every row checked (store/rows.ts). A damaged row is left out with a warning naming this
 * file, the sweep or run, and the field; the rest still merges. Points are read at merge time.
 */
export interface ImportSource {
  path: string
  sweeps: Array<{ row: RawSweep; spec: unknown; runs: RawRun[] }>
  /** What was left out, one line each, naming the file. */
  skipped: string[]
  db: Database.Database
  close(): void
}

/** Open and check `otherPath` for import; an InputError naming it when it is not an rnnbench database at all. */
export function readImportSource(otherPath: string, field: string): ImportSource {
  if (!existsSync(otherPath)) throw new InputError(field, `no such file: ${otherPath}`)
  let other: Database.Database
  try {
    other = openSourceFile(otherPath)
    const version = other.pragma('user_version', { simple: true }) as number
    if (version === 0) throw new InputError(field, `${otherPath} is not an rnnbench database`)
    if (version > SCHEMA_VERSION) throw new InputError(field, `${otherPath} was written by a newer rnnbench (schema ${version}; this version knows up to ${SCHEMA_VERSION}); upgrade rnnbench here first`)
    const tables = new Set((other.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>).map((t) => t.name))
    const missing = ['sweeps', 'runs', 'points', 'grad_flow'].filter((t) => !tables.has(t))
    if (missing.length) throw new InputError(field, `${otherPath} is not an rnnbench database (it has no ${missing.join(', ')} table${missing.length > 1 ? 's' : ''})`)
  } catch (err) {
    if (err instanceof InputError) throw err
    throw new InputError(field, `${otherPath} is not a usable SQLite database (${(err as Error).message})`)
  }
  try {
    const sweepColumns = new Set((other.prepare('PRAGMA table_info(sweeps)').all() as Array<{ name: string }>).map((c) => c.name))
    const extra = ['planned', 'shards', 'expansion'].map((c) => (sweepColumns.has(c) ? c : `NULL AS ${c}`)).join(', ')
    const skipped: string[] = []
    const sweeps: ImportSource['sweeps'] = []
    for (const row of other.prepare(`SELECT id, name, spec, created_at, ${extra} FROM sweeps ORDER BY id`).all() as RawSweep[]) {
      let spec: unknown
      try {
        spec = JSON.parse(row.spec)
      } catch (err) {
        skipped.push(`${otherPath}: skipping sweep ${row.id} ("${row.name}") and its runs: its stored spec is damaged (${(err as Error).message})`)
        continue
      }
      const runs: RawRun[] = []
      for (const run of other.prepare('SELECT * FROM runs WHERE sweep_id = ? ORDER BY idx').all(row.id) as RawRun[]) {
        try {
          readRunConfig(run.id, run.config)
          readRunFigures(run.id, run.figures)
          readRunEnvironment(run.id, run.environment)
          if (!(RUN_STATUSES as readonly string[]).includes(run.status)) throw new StoredRowError(run.id, 'status', `${JSON.stringify(run.status)} is not a run status`)
          runs.push(run)
        } catch (err) {
          if (!(err instanceof StoredRowError)) throw err
          skipped.push(`${otherPath}: skipping ${err.message.replace(/^run \d+: /, `run ${run.id} (sweep "${row.name}", position ${run.idx + 1}): `)}`)
        }
      }
      sweeps.push({ row, spec, runs })
    }
    return { path: otherPath, sweeps, skipped, db: other, close: () => other.close() }
  } catch (err) {
    other.close()
    if (err instanceof InputError) throw err
    throw new InputError(field, `${otherPath} could not be read (${(err as Error).message})`)
  }
}

/** Read-only, and immutable where its folder or medium cannot be written (an archive on a read-only share). */
function openSourceFile(path: string): Database.Database {
  const open = (name: string, options: Database.Options) => {
    const db = new Database(name, options)
    try {
      db.pragma('user_version', { simple: true })
      return db
    } catch (err) {
      db.close()
      throw err
    }
  }
  try {
    return open(path, { readonly: true, fileMustExist: true })
  } catch (err) {
    if (!cannotWriteBeside(err)) throw err
    return open(immutableUri(path), { readonly: true })
  }
}

/** What Store.importDatabase does, on the store's own connection (the store owns its SQL; this file holds the merge). */
export function importInto(store: ImportTarget, db: Database.Database, source: ImportSource, field: string): ImportSummary {
  const other = source.db, otherPath = source.path
  if (store.path !== ':memory:' && samePath(store.path, otherPath)) throw new InputError(field, `${otherPath} is this database itself`)
  const summary: ImportSummary = { sweeps: 0, createdSweeps: 0, added: 0, replaced: 0, unchanged: 0, skippedRunning: 0, runningIn: [], skipped: source.skipped.length }
  const points = other.prepare('SELECT series, step, wall_ms, value FROM points WHERE run_id = ?')
  const flows = other.prepare('SELECT step, rows, timesteps, norms FROM grad_flow WHERE run_id = ?')
  const insertPoint = db.prepare('INSERT INTO points (run_id, series, step, wall_ms, value) VALUES (?, ?, ?, ?, ?)')
  const insertFlow = db.prepare('INSERT INTO grad_flow (run_id, step, rows, timesteps, norms) VALUES (?, ?, ?, ?, ?)')
  // IMMEDIATE: the write lock up front, waited for (busy_timeout). A deferred transaction would
  // read first and fail at once on its first write if a running sweep committed in between.
  db.transaction(() => {
    for (const { row: sweep, spec, runs } of source.sweeps) {
      summary.sweeps++
      const key = canonicalJson(spec)
      const candidates = db.prepare('SELECT id, spec FROM sweeps WHERE name = ? ORDER BY id DESC').all(sweep.name) as Array<{ id: number; spec: string }>
      let targetId = candidates.find((c) => sameSpec(c.spec, key))?.id
      if (targetId === undefined) {
        targetId = Number(db.prepare('INSERT INTO sweeps (name, spec, created_at, planned, shards, expansion) VALUES (?, ?, ?, ?, ?, ?)').run(sweep.name, sweep.spec, sweep.created_at, sweep.planned, sweep.shards, sweep.expansion ?? 1).lastInsertRowid)
        summary.createdSweeps++
      } else {
        // What the whole sweep is, when this side knows it and the other did not.
        db.prepare('UPDATE sweeps SET planned = max(coalesce(planned, 0), coalesce(?, 0)), shards = coalesce(shards, ?) WHERE id = ?').run(sweep.planned, sweep.shards, targetId)
      }
      const mine = new Map((db.prepare('SELECT id, idx, config, status FROM runs WHERE sweep_id = ?').all(targetId) as Array<{ id: number; idx: number; config: string; status: RunStatus }>).map((r) => [r.idx, r]))
      // Runs a live process here is working on are not replaced under it: its workers still write their points.
      const owner = store.liveOwner(targetId)
      if (owner && !summary.runningIn.includes(describeOwner(owner))) summary.runningIn.push(describeOwner(owner))
      for (const run of runs) {
        const existing = mine.get(run.idx)
        if (existing && canonicalJson(JSON.parse(existing.config)) !== canonicalJson(JSON.parse(run.config))) {
          throw new InputError(field, `sweep "${sweep.name}": run ${run.idx + 1} has another configuration here than in ${otherPath}; not the same sweep, nothing imported`)
        }
        const theirsFinished = FINISHED.includes(run.status)
        if (existing?.status === 'running' && owner && theirsFinished) { summary.skippedRunning++; continue }
        if (existing && (FINISHED.includes(existing.status) || !theirsFinished)) { summary.unchanged++; continue }
        // A run in progress elsewhere is not in progress here: it comes in pending, for resume.
        const status = run.status === 'running' ? 'pending' : run.status
        let runId: number
        if (existing) {
          db.prepare('DELETE FROM points WHERE run_id = ?').run(existing.id)
          db.prepare('DELETE FROM grad_flow WHERE run_id = ?').run(existing.id)
          db.prepare(`UPDATE runs SET status = ?, attempts = ?, owner_pid = NULL, owner = NULL, heartbeat_at = NULL, started_at = ?, finished_at = ?, error = ?, figures = ?, environment = ? WHERE id = ?`)
            .run(status, run.attempts, run.started_at, run.finished_at, run.error, run.figures, run.environment, existing.id)
          runId = existing.id
          summary.replaced++
        } else {
          runId = Number(db.prepare(`INSERT INTO runs (sweep_id, idx, config, status, attempts, started_at, finished_at, error, figures, environment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
            .run(targetId, run.idx, run.config, status, run.attempts, run.started_at, run.finished_at, run.error, run.figures, run.environment).lastInsertRowid)
          summary.added++
        }
        if (status === 'pending') continue
        for (const p of points.iterate(run.id) as IterableIterator<{ series: string; step: number; wall_ms: number; value: number | null }>) insertPoint.run(runId, p.series, p.step, p.wall_ms, p.value)
        for (const f of flows.iterate(run.id) as IterableIterator<{ step: number; rows: number; timesteps: number; norms: Buffer }>) insertFlow.run(runId, f.step, f.rows, f.timesteps, f.norms)
      }
    }
  }).immediate()
  return summary
}

/** A stored spec here (its text) against the other's canonical form; a damaged one here is no match. */
function sameSpec(text: string, key: string): boolean {
  try {
    return canonicalJson(JSON.parse(text)) === key
  } catch {
    return false
  }
}

function samePath(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b)
  } catch {
    return false
  }
}
