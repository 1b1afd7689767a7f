// Everything rnnbench keeps, behind one class. Only one thread writes (the main thread of the CLI
// or the app); workers send their results to it. Each state change of a run is one statement or
// one transaction, so a crash at any moment leaves every run either finished or resumable.

import { EXPANSION, type Expansion } from '../engine/sweep/expand'
import type Database from 'better-sqlite3'
import { InputError } from '../engine/errors'
import type { RunConfig } from '../engine/run-config'
import type { GradFlowSnapshot, Point, RunFigures, SeriesName } from '../engine/training'
import { importInto, readImportSource, type ImportSource, type ImportSummary } from './import'
import { describeOwner, leaseState, parseOwner, thisOwner, type LeaseOwner } from './lease'
import { openDatabase, type OpenOptions } from './open'
import { readRunConfig, readRunEnvironment, readRunFigures, RUN_STATUSES, StoredJsonError, StoredRowError } from './rows'
import type { RunRow, RunStatus, SweepRow } from '../model/runs'

export type { RunRow, RunStatus, SweepRow }
export { RUN_STATUSES }

interface RawSweep { id: number; name: string; spec: string; created_at: string; planned: number | null; shards: number | null; expansion: number | null }

interface RawRun {
  id: number; sweep_id: number; idx: number; status: RunStatus; attempts: number; started_at: string | null
  finished_at: string | null; error: string | null; config: string; figures: string | null; environment: string | null
}

const now = () => new Date().toISOString()

export class Store {
  private readonly db: Database.Database

  /** Where a skipped corrupt row is reported (stderr by default): the rest of a listing goes on. */
  private readonly warn: (message: string) => void
  private readonly warned = new Set<string>()

  constructor(readonly path: string, options: OpenOptions & { warn?: (message: string) => void } = {}) {
    this.db = openDatabase(path, options)
    this.warn = options.warn ?? ((m) => process.stderr.write(`rnnbench: ${m}\n`))
  }

  /** A row whose JSON cannot be read is skipped, said once, and never breaks the listing it is in. */
  private skipRow(what: string, err: unknown): null {
    const message = `skipping ${what} in ${this.path}: ${(err as Error).message}`
    if (!this.warned.has(message)) { this.warned.add(message); this.warn(message) }
    return null
  }

  private toRun(r: RawRun): RunRow | null {
    try {
      return toRunRow(r)
    } catch (err) {
      return this.skipRow(`run ${r.id} (sweep ${r.sweep_id}, position ${r.idx + 1}): ${err instanceof StoredRowError && !(err instanceof StoredJsonError) ? 'its stored row does not read' : 'its stored JSON is damaged'}`, err)
    }
  }

  close(): void {
    this.db.close()
  }

  /**
   * A sweep with its runs, all pending. `positions` are the runs' places in the expanded sweep
   * (default 0, 1, 2, …); a shard stores only its own, so that merged shards line up. `planned` is
   * how many runs the whole sweep has (default: these), `shards` how many parts it is run in.
   */
  createSweep(name: string, spec: unknown, configs: RunConfig[], placement: { positions?: number[]; planned?: number; shards?: number; expansion?: Expansion } = {}): number {
    return this.db.transaction(() => {
      const { lastInsertRowid } = this.db.prepare('INSERT INTO sweeps (name, spec, created_at, planned, shards, expansion) VALUES (?, ?, ?, ?, ?, ?)')
        .run(name, JSON.stringify(spec), now(), placement.planned ?? configs.length, placement.shards ?? null, placement.expansion ?? EXPANSION)
      const sweepId = Number(lastInsertRowid)
      this.insertPending(sweepId, configs, placement.positions)
      return sweepId
    })()
  }

  private insertPending(sweepId: number, configs: RunConfig[], positions?: number[]): void {
    const insert = this.db.prepare(`INSERT INTO runs (sweep_id, idx, config, status) VALUES (?, ?, ?, 'pending')`)
    configs.forEach((c, i) => insert.run(sweepId, positions?.[i] ?? i, JSON.stringify(c)))
  }

  /** The places in the expanded sweep that hold a run: what a merge of some shards lacks is the rest. */
  presentPositions(sweepId: number): number[] {
    return (this.db.prepare('SELECT idx FROM runs WHERE sweep_id = ? ORDER BY idx').all(sweepId) as Array<{ idx: number }>).map((r) => r.idx)
  }

  /** Runs that never ran anywhere (a shard that was never merged), added pending at their places; returns how many. */
  addMissingRuns(sweepId: number, configs: RunConfig[], positions: number[]): number {
    return this.db.transaction(() => {
      const present = new Set(this.presentPositions(sweepId))
      const missing = positions.flatMap((p, i) => (present.has(p) ? [] : [{ p, c: configs[i] }]))
      this.insertPending(sweepId, missing.map((m) => m.c), missing.map((m) => m.p))
      return missing.length
    }).immediate()
  }

  /** Lowers (or raises) how many runs the whole sweep has: a tuned sweep whose cell chose no trial re-runs nothing for it. */
  setPlanned(sweepId: number, planned: number): void {
    this.db.prepare('UPDATE sweeps SET planned = ? WHERE id = ?').run(planned, sweepId)
  }

  listSweeps(): SweepRow[] {
    const sweeps = this.db.prepare('SELECT id, name, spec, created_at, planned, shards, expansion FROM sweeps ORDER BY id').all() as RawSweep[]
    const counts = this.db.prepare('SELECT sweep_id, status, count(*) AS n FROM runs GROUP BY sweep_id, status').all() as Array<{ sweep_id: number; status: RunStatus; n: number }>
    return sweeps.flatMap((s) => this.toSweep(s, counts.filter((row) => row.sweep_id === s.id)) ?? [])
  }

  /** One sweep by its id: one row and its run counts, not every sweep's. */
  getSweep(id: number): SweepRow | null {
    const s = this.db.prepare('SELECT id, name, spec, created_at, planned, shards, expansion FROM sweeps WHERE id = ?').get(id) as RawSweep | undefined
    return s ? this.toSweep(s, this.db.prepare('SELECT status, count(*) AS n FROM runs WHERE sweep_id = ? GROUP BY status').all(id) as Array<{ status: RunStatus; n: number }>) : null
  }

  /** A sweep's row and its run counts by status, as a SweepRow; null (said once) when its stored spec is damaged. */
  private toSweep(s: RawSweep, counts: Array<{ status: RunStatus; n: number }>): SweepRow | null {
    const c = Object.fromEntries(RUN_STATUSES.map((st) => [st, 0])) as Record<RunStatus, number>
    for (const row of counts) c[row.status] = row.n
    let spec: unknown
    try {
      spec = JSON.parse(s.spec)
    } catch (err) {
      return this.skipRow(`sweep ${s.id} ("${s.name}"): its stored spec is damaged`, err)
    }
    const total = Object.values(c).reduce((a, b) => a + b, 0)
    // Rows from before the planned count was kept: what is there is all that is known.
    return { id: s.id, name: s.name, spec, createdAt: s.created_at, counts: c, total, planned: Math.max(s.planned ?? total, total), shards: s.shards, expansion: s.expansion === 2 ? 2 : 1 }
  }

  /**
   * Merge another rnnbench database into this one (store/import.ts): the store runs its own SQL,
   * the other file is opened read-only.
   */
  /** The sweep stored with this name and spec whose runs sit at exactly these positions: a shard run before. */
  findSweep(name: string, spec: unknown, positions: number[]): number | null {
    const text = JSON.stringify(spec)
    const candidates = this.db.prepare('SELECT id FROM sweeps WHERE name = ? AND spec = ? ORDER BY id DESC').all(name, text) as Array<{ id: number }>
    const want = positions.join(',')
    for (const { id } of candidates) {
      const have = (this.db.prepare('SELECT idx FROM runs WHERE sweep_id = ? ORDER BY idx').all(id) as Array<{ idx: number }>).map((r) => r.idx).join(',')
      if (have === want) return id
    }
    return null
  }

  /** Merge `other` (a path, or a source already read: readImportSource) into this database. */
  importDatabase(other: string | ImportSource, field = 'OTHER'): ImportSummary {
    const source = typeof other === 'string' ? readImportSource(other, field) : other
    try {
      for (const line of source.skipped) this.warn(line)
      return importInto(this, this.db, source, field)
    } finally {
      if (typeof other === 'string') source.close()
    }
  }

  /** Whether a sweep row with this id exists, readable or not. */
  sweepExists(id: number): boolean {
    return this.db.prepare('SELECT 1 FROM sweeps WHERE id = ?').get(id) !== undefined
  }

  latestSweepId(): number | null {
    const row = this.db.prepare('SELECT max(id) AS id FROM sweeps').get() as { id: number | null }
    return row.id
  }

  listRuns(sweepId?: number): RunRow[] {
    const rows = (sweepId === undefined
      ? this.db.prepare('SELECT * FROM runs ORDER BY sweep_id, idx').all()
      : this.db.prepare('SELECT * FROM runs WHERE sweep_id = ? ORDER BY idx').all(sweepId)) as RawRun[]
    return rows.flatMap((r) => this.toRun(r) ?? [])
  }

  /** GFLOP/s of every finished run, with its backend and cell: the speeds this machine has shown. */
  speedSamples(): Array<{ backend: RunConfig['backend']; cell: RunConfig['cell']; task: string; gflops: number }> {
    return this.db.prepare(`SELECT json_extract(config, '$.backend') AS backend, json_extract(config, '$.cell') AS cell, json_extract(config, '$.task') AS task, json_extract(figures, '$.gflops') AS gflops
      FROM runs WHERE status = 'done' AND json_extract(figures, '$.gflops') > 0`).all() as Array<{ backend: RunConfig['backend']; cell: RunConfig['cell']; task: string; gflops: number }>
  }

  renameSweep(id: number, name: string): boolean {
    return this.db.prepare('UPDATE sweeps SET name = ? WHERE id = ?').run(name, id).changes === 1
  }

  /** Delete a sweep with its runs, series and snapshots (foreign keys cascade); never one another live process runs. */
  deleteSweep(id: number, field = 'id'): boolean {
    return this.db.transaction(() => {
      this.refuseIfRunningElsewhere(id, field, 'delete')
      return this.db.prepare('DELETE FROM sweeps WHERE id = ?').run(id).changes === 1
    }).immediate()
  }

  /**
   * Make a sweep resumable: runs left `running` by a process that is gone, and `cancelled` runs, go
   * back to `pending` (failed ones too when asked), and their partial series are dropped so that a
   * re-run starts clean. Finished runs, and runs a live process is working on, are never touched.
   * Returns how many runs were reset.
   */
  resetInterrupted(sweepId: number, options: { retryFailed?: boolean } = {}): number {
    return this.db.transaction(() => {
      const rows = this.db.prepare(`SELECT id, status, owner_pid, owner, heartbeat_at FROM runs WHERE sweep_id = ? AND status IN ('running', 'cancelled', 'failed')`).all(sweepId) as Array<{ id: number; status: RunStatus } & LeaseColumns>
      const ids = rows.filter((r) => r.status === 'cancelled' || (r.status === 'failed' && options.retryFailed) || (r.status === 'running' && runLease(r) !== 'alive')).map((r) => r.id)
      for (const id of ids) {
        this.db.prepare('DELETE FROM points WHERE run_id = ?').run(id)
        this.db.prepare('DELETE FROM grad_flow WHERE run_id = ?').run(id)
        this.db.prepare(`UPDATE runs SET status = 'pending', started_at = NULL, error = NULL, owner = NULL, heartbeat_at = NULL WHERE id = ?`).run(id)
      }
      return ids.length
    }).immediate() // reads, then writes: the write lock up front
  }

  /**
   * Another live process running runs of this sweep, if any: what delete, resume and import must
   * not race. Runs whose lease is stale, or held by this process, do not count.
   */
  liveOwner(sweepId: number): LeaseOwner | null {
    const rows = this.db.prepare(`SELECT owner_pid, owner, heartbeat_at FROM runs WHERE sweep_id = ? AND status = 'running'`).all(sweepId) as LeaseColumns[]
    for (const r of rows) {
      if (runLease(r) !== 'alive') continue
      return parseOwner(r.owner) ?? { host: 'this host', pidns: null, pid: r.owner_pid ?? 0, start: null, token: '' }
    }
    return null
  }

  /** A one-line refusal when another live process runs the sweep: "sweep 3 is running in pid 1234 on host h: cancel it first". */
  refuseIfRunningElsewhere(sweepId: number, field: string, action: string): void {
    const owner = this.liveOwner(sweepId)
    if (owner) throw new InputError(field, `sweep ${sweepId} is running in ${describeOwner(owner)}: cancel it there (Ctrl-C, or Cancel in its window) before you ${action} it`)
  }

  /**
   * SQLite's count of commits made to the file by other connections (PRAGMA data_version): it moves
   * when a CLI sweep, another window or an import writes, and never for this connection's own writes.
   */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number
  }

  /** The runner's heartbeat: this process still holds its running runs. */
  heartbeat(): void {
    this.db.prepare(`UPDATE runs SET heartbeat_at = ? WHERE status = 'running' AND json_extract(owner, '$.token') = ?`).run(Date.now(), thisOwner().token)
  }

  pendingRunIds(sweepId: number): number[] {
    return (this.db.prepare(`SELECT id FROM runs WHERE sweep_id = ? AND status = 'pending' ORDER BY idx`).all(sweepId) as Array<{ id: number }>).map((r) => r.id)
  }

  getRun(id: number): RunRow | null {
    const r = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RawRun | undefined
    return r ? this.toRun(r) : null
  }

  /** Claim a pending run. False when it is not pending any more (never run one twice). */
  claimRun(id: number): boolean {
    return this.db.prepare(`UPDATE runs SET status = 'running', attempts = attempts + 1, started_at = ?, owner_pid = ?, owner = ?, heartbeat_at = ? WHERE id = ? AND status = 'pending'`)
      .run(now(), process.pid, JSON.stringify(thisOwner()), Date.now(), id).changes === 1
  }

  appendPoints(runId: number, points: Point[]): void {
    const insert = this.db.prepare('INSERT INTO points (run_id, series, step, wall_ms, value) VALUES (?, ?, ?, ?, ?)')
    this.db.transaction(() => {
      for (const p of points) insert.run(runId, p.series, p.step, p.wallMs, Number.isFinite(p.value) ? p.value : null)
    })()
  }

  appendGradFlow(runId: number, s: GradFlowSnapshot): void {
    const blob = Buffer.from(Float32Array.from(s.norms).buffer)
    this.db.prepare('INSERT OR REPLACE INTO grad_flow (run_id, step, rows, timesteps, norms) VALUES (?, ?, ?, ?, ?)').run(runId, s.step, s.rows, s.T, blob)
  }

  /** Record a run's end. Only a run that is `running` can finish; returns false otherwise. */
  finishRun(id: number, outcome: { status: Exclude<RunStatus, 'pending' | 'running'>; figures?: RunFigures | null; error?: string | null; environment?: unknown }): boolean {
    return this.db.prepare(`UPDATE runs SET status = ?, finished_at = ?, figures = ?, error = ?, environment = coalesce(?, environment), owner_pid = NULL, owner = NULL, heartbeat_at = NULL WHERE id = ? AND status = 'running'`).run(
      outcome.status, now(), outcome.figures ? JSON.stringify(outcome.figures) : null, outcome.error ?? null,
      outcome.environment ? JSON.stringify(outcome.environment) : null, id,
    ).changes === 1
  }

  series(runId: number, name: SeriesName): Array<{ step: number; wallMs: number; value: number }> {
    const rows = this.db.prepare('SELECT step, wall_ms, value FROM points WHERE run_id = ? AND series = ? ORDER BY step').all(runId, name) as Array<{ step: number; wall_ms: number; value: number | null }>
    return rows.map((r) => ({ step: r.step, wallMs: r.wall_ms, value: r.value ?? NaN }))
  }

  /**
   * The named series of every run of a sweep, each thinned to at most `maxPoints` evenly spaced
   * points (the first and last kept), as columns. The thinning happens in SQLite, on the index:
   * only the kept rows are read, so a sweep of 1,000 runs × 500 points answers in well under a
   * second instead of reading a million rows.
   */
  sweepSeries(sweepId: number, series: readonly SeriesName[], maxPoints: number, onlyRun?: number): Map<number, Map<SeriesName, { step: number[]; wallMs: number[]; value: Array<number | null> }>> {
    const marks = series.map(() => '?').join(', ')
    const groups = this.db.prepare(`SELECT p.run_id AS runId, p.series AS series, count(*) AS n, min(p.step) AS lo, max(p.step) AS hi
      FROM runs r JOIN points p ON p.run_id = r.id WHERE r.sweep_id = ? AND p.series IN (${marks})${onlyRun === undefined ? '' : ' AND r.id = ?'} GROUP BY p.run_id, p.series`)
      .all(sweepId, ...series, ...(onlyRun === undefined ? [] : [onlyRun])) as Array<{ runId: number; series: SeriesName; n: number; lo: number; hi: number }>
    const rows = this.db.prepare('SELECT step, wall_ms, value FROM points WHERE run_id = ? AND series = ? AND ((step - ?) % ? = 0 OR step = ?) ORDER BY step').raw()
    const out = new Map<number, Map<SeriesName, { step: number[]; wallMs: number[]; value: Array<number | null> }>>()
    for (const g of groups) {
      // Points are recorded at a fixed spacing (every step, or every evaluation): keep every k-th.
      const spacing = Math.max(1, Math.round((g.hi - g.lo) / Math.max(1, g.n - 1)))
      const stride = g.n <= maxPoints ? 1 : spacing * Math.ceil((g.n - 1) / (maxPoints - 1))
      const cols = { step: [] as number[], wallMs: [] as number[], value: [] as Array<number | null> }
      for (const [step, wallMs, value] of rows.all(g.runId, g.series, g.lo, stride, g.hi) as Array<[number, number, number | null]>) {
        cols.step.push(step); cols.wallMs.push(wallMs); cols.value.push(value)
      }
      if (!out.has(g.runId)) out.set(g.runId, new Map())
      out.get(g.runId)!.set(g.series, cols)
    }
    return out
  }

  /** One series of every run of a sweep, every point (the verdicts read the metric at exact steps), as columns. */
  sweepSeriesFull(sweepId: number, name: SeriesName): Map<number, { step: number[]; wallMs: number[]; value: Array<number | null> }> {
    const rows = this.db.prepare(`SELECT p.run_id, p.step, p.wall_ms, p.value FROM runs r JOIN points p ON p.run_id = r.id
      WHERE r.sweep_id = ? AND p.series = ? ORDER BY p.run_id, p.step`).raw().all(sweepId, name) as Array<[number, number, number, number | null]>
    const out = new Map<number, { step: number[]; wallMs: number[]; value: Array<number | null> }>()
    for (const [runId, step, wallMs, value] of rows) {
      let cols = out.get(runId)
      if (!cols) out.set(runId, (cols = { step: [], wallMs: [], value: [] }))
      cols.step.push(step); cols.wallMs.push(wallMs); cols.value.push(value)
    }
    return out
  }

  gradFlow(runId: number): GradFlowSnapshot[] {
    const rows = this.db.prepare('SELECT step, rows, timesteps, norms FROM grad_flow WHERE run_id = ? ORDER BY step').all(runId) as Array<{ step: number; rows: number; timesteps: number; norms: Buffer }>
    return rows.map((r) => {
      const f = new Float32Array(r.norms.buffer.slice(r.norms.byteOffset, r.norms.byteOffset + r.norms.byteLength))
      return { step: r.step, rows: r.rows, T: r.timesteps, norms: Array.from(f) }
    })
  }
}

interface LeaseColumns { owner_pid: number | null; owner: string | null; heartbeat_at: number | null }

/**
 * A running run's lease. Rows written before leases were kept have only a PID: alive while that
 * process is (this process's own earlier runs count as gone).
 */
function runLease(r: LeaseColumns): 'mine' | 'alive' | 'orphaned' {
  const owner = parseOwner(r.owner)
  if (owner) return leaseState(owner, r.heartbeat_at)
  if (r.owner_pid === null || r.owner_pid === process.pid) return 'orphaned'
  try {
    process.kill(r.owner_pid, 0)
    return 'alive'
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? 'alive' : 'orphaned'
  }
}

function toRunRow(r: RawRun): RunRow {
  return {
    id: r.id, sweepId: r.sweep_id, idx: r.idx, status: r.status, attempts: r.attempts,
    startedAt: r.started_at, finishedAt: r.finished_at, error: r.error,
    config: readRunConfig(r.id, r.config), figures: readRunFigures(r.id, r.figures), environment: readRunEnvironment(r.id, r.environment),
  }
}
