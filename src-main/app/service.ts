// The application behind the UI: every call of the contract, over one database, with sweeps run
// in worker threads and their progress pushed as events. Knows nothing of Electron or HTTP: the
// desktop app's IPC and `rnnbench serve` both call it through dispatch.ts.

import { machineLoad } from '../engine/timing/busy'
import { probeAll } from '../engine/backends'
import { InputError } from '../engine/errors'
import { environmentInfo } from '../engine/environment'
import { PRESET_DESCRIPTIONS, PRESET_NAMES, presetSpec } from '../engine/sweep/presets'
import { parseSweepSpec, workersFor, type SweepSpec } from '../engine/sweep/spec'
import type { SeriesName } from '../engine/training'
import type { AppEvent, Handlers, RunView, SeriesByRun, SweepSummary } from '../ipc/contract'
import { ChromiumMissing } from '../reports/chromium'
import { exportSweepFiles, loadNeedsOf } from '../reports/export'
import { loadSweep, loadSweepsForVerdicts } from '../store/load'
import { sweepVerdicts } from '../reports/sweep-verdicts'
import type { VerdictReport } from '../reports/verdicts'
import { sweepCompleteness } from '../store/completeness'
import { describeOwner } from '../store/lease'
import type { RunRow, Store, SweepRow } from '../store/store'
import { SweepRunner } from '../workers/pool'
import { keepUpload, previewDataFile } from './data-files'
import { planSweep, presetBackends, type ReadText, type SweepPlan } from './planning'
import { planTunedReruns } from './tuning'

export interface AppServiceOptions {
  workers: number
  /** A spec's own `workers` is capped at this (the cores, unless serve was told to oversubscribe). */
  maxWorkers?: number
  /** The built worker entry (out/main/worker.js). */
  workerScript: URL
  appVersion: string
  readText: ReadText
  /** Prints the HTML report to PDF; headless Chromium when not given (the desktop app gives Electron's printToPDF). */
  toPdf?: (html: string) => Promise<Buffer>
  /** The desktop app's file dialog; absent under `serve`, where the user types a path or uploads. */
  chooseFile?: () => Promise<string | null>
  /** How often to look for other processes' writes to the database, ms (default 1000). */
  watchMs?: number
}


export class AppService {
  private readonly listeners = new Set<(event: AppEvent) => void>()
  /** One sweep at a time: two would share the cores and each other's timings would be wrong. */
  private active: { sweepId: number; runner: SweepRunner; done: Promise<void> } | null = null
  /** A start between its check and its launch: planning awaits, and nothing else may start meanwhile. */
  private starting = false
  /** The last verdicts computed, with what they were computed from. */
  private verdictCache: { key: string; report: VerdictReport } | null = null

  /** Polls the database for other processes' writes; cleared by close(). */
  private readonly watcher: ReturnType<typeof setInterval>

  constructor(private readonly store: Store, private readonly options: AppServiceOptions) {
    // A sweep run by the CLI or another window writes through its own connection: SQLite's
    // data_version moves, and every window is told, at most once a poll.
    let seen = store.dataVersion()
    this.watcher = setInterval(() => {
      let now: number
      try { now = store.dataVersion() } catch { return } // closed under us at shutdown
      if (now !== seen) { seen = now; this.emit({ type: 'changedElsewhere' }) }
    }, options.watchMs ?? 1000)
    this.watcher.unref?.()
  }

  subscribe(listener: (event: AppEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private emit(event: AppEvent): void {
    for (const l of this.listeners) {
      try { l(event) } catch { /* a closed window or socket must not stop the sweep */ }
    }
  }

  /** The sweep being run now, if any; resolves when it ends (tests and shutdown wait on it). */
  get running(): { sweepId: number; done: Promise<void> } | null {
    return this.active ? { sweepId: this.active.sweepId, done: this.active.done } : null
  }

  /** Stops the sweep in progress (its runs marked cancelled, resumable) and waits for it. */
  /** Stop: a sweep in progress is cancelled, its runs marked with `reason` (resumable). */
  async close(reason = 'cancelled by the user'): Promise<void> {
    clearInterval(this.watcher)
    if (this.active) {
      const { runner, done } = this.active
      await runner.cancel(reason)
      await done
    }
  }

  /** The last plan computed, and what it was computed from: Start takes the one the builder just showed. */
  private lastPlan: { key: string; plan: SweepPlan } | null = null
  plansComputed = 0

  /**
   * Expand, check and estimate a spec. `reuse`: take the plan last computed for the same spec and
   * workers while the database has not changed since (the builder's preview just before Start),
   * instead of expanding and estimating the sweep a second time.
   */
  private async plan(spec: SweepSpec, workers: number, options: { reuse?: boolean } = {}): Promise<SweepPlan> {
    const key = JSON.stringify([spec, workers, this.store.dataVersion(), this.store.latestSweepId()])
    if (options.reuse && this.lastPlan?.key === key) return this.lastPlan.plan
    const plan = await planSweep(spec, { store: this.store, workers, readText: this.options.readText })
    this.plansComputed++
    this.lastPlan = { key, plan }
    return plan
  }

  readonly handlers: Handlers = {
    doctor: async () => ({
      environment: environmentInfo(this.options.appVersion),
      backends: await probeAll(),
      workers: this.options.workers,
      database: this.store.path,
    }),

    machineLoad: () => machineLoad(),

    presets: async () => {
      const backends = await presetBackends()
      return PRESET_NAMES.map((name) => ({ name, description: PRESET_DESCRIPTIONS[name], spec: presetSpec(name, backends) }))
    },

    listSweeps: () => this.store.listSweeps().map((s) => this.summary(s)).reverse(),

    getSweep: (id) => {
      const sweep = this.sweepOrThrow(id)
      return { sweep: this.summary(sweep), runs: this.store.listRuns(id).map(runView) }
    },

    planSweep: async (value) => {
      const spec = parseSweepSpec(value)
      const workers = workersFor(spec, undefined, this.options.workers, this.options.maxWorkers)
      const plan = await this.plan(spec, workers)
      return { runs: plan.configs.length, estimate: plan.estimate, spec: plan.spec, workers, warnings: plan.warnings }
    },

    startSweep: async (value, name) => {
      const spec = parseSweepSpec(value)
      this.refuseWhileActive()
      // The slot is taken before the first await: a second start arriving while this one plans is refused.
      this.starting = true
      try {
        const plan = await this.plan(spec, workersFor(spec, undefined, this.options.workers, this.options.maxWorkers), { reuse: true })
        const sweepId = this.store.createSweep(name ?? spec.name ?? 'sweep', spec, plan.configs)
        // Its runs will be measured: the next plan's estimate may differ, so none is reused across sweeps.
        this.lastPlan = null
        this.launch(sweepId, false)
        return { sweepId }
      } finally {
        this.starting = false
      }
    },

    resumeSweep: async (id, retryFailed) => {
      const sweep = this.sweepOrThrow(id)
      this.refuseWhileActive()
      this.store.refuseIfRunningElsewhere(id, 'id', 'resume')
      // Runs the sweep planned that are in no database here (a shard never imported) run too.
      if (sweep.planned > sweep.total) {
        const plan = await planSweep(parseSweepSpec(sweep.spec, 'id'), { store: this.store, workers: 1, readText: this.options.readText, maxRuns: Number.MAX_SAFE_INTEGER, allowLarge: true, expansion: sweep.expansion })
        this.refuseWhileActive()
        this.store.addMissingRuns(id, plan.configs, plan.positions)
      }
      this.launch(id, retryFailed)
      return { sweepId: id }
    },

    cancelSweep: async (id) => {
      if (this.active?.sweepId !== id) return { cancelled: false }
      await this.active.runner.cancel()
      return { cancelled: true }
    },

    renameSweep: (id, name) => {
      this.sweepOrThrow(id)
      const renamed = this.store.renameSweep(id, name)
      this.emit({ type: 'sweepsChanged' })
      return { renamed }
    },

    deleteSweep: (id) => {
      this.sweepOrThrow(id)
      if (this.active?.sweepId === id) throw new InputError('id', `sweep #${id} is running; cancel it before deleting it`)
      const deleted = this.store.deleteSweep(id)
      this.emit({ type: 'sweepsChanged' })
      return { deleted }
    },

    rerunSweep: async (id) => {
      const sweep = this.sweepOrThrow(id)
      return this.handlers.startSweep(sweep.spec, sweep.name)
    },

    sweepSeries: (id, series, maxPoints) => {
      this.sweepOrThrow(id)
      return seriesByRun(this.store, id, series, maxPoints)
    },

    runSeries: (runId, series, maxPoints) => {
      const run = this.store.getRun(runId)
      if (!run) throw new InputError('runId', `no run ${runId} in ${this.store.path}`)
      return seriesByRun(this.store, run.sweepId, series, maxPoints, runId)[runId] ?? {}
    },

    gradFlow: (runId) => {
      if (!this.store.getRun(runId)) throw new InputError('runId', `no run ${runId} in ${this.store.path}`)
      return this.store.gradFlow(runId)
    },

    verdicts: (idOrIds, matching) => {
      const ids = Array.isArray(idOrIds) ? [...new Set(idOrIds)] : [idOrIds]
      const sweeps = ids.map((id) => this.sweepOrThrow(id))
      // A sweep's verdicts change only when a run ends: one computed answer serves every window until then.
      const key = JSON.stringify([ids, matching, sweeps.map((s) => [s.counts, s.total])])
      if (this.verdictCache?.key !== key) this.verdictCache = { key, report: sweepVerdicts(ids.length === 1 ? loadSweep(this.store, ids[0], 'verdicts') : loadSweepsForVerdicts(this.store, ids, 'id'), matching) }
      return this.verdictCache.report
    },

    exportSweep: async (id, format, matching) => {
      const sweep = this.sweepOrThrow(id)
      const base = `rnnbench-sweep-${sweep.id}-${sweep.name.replace(/[^\w.-]+/g, '_').slice(0, 60)}`
      let files
      try {
        files = await exportSweepFiles(loadSweep(this.store, id, loadNeedsOf(format)), format, { matching, appVersion: this.options.appVersion, base, toPdf: this.options.toPdf })
      } catch (err) {
        if (err instanceof ChromiumMissing) throw new ChromiumMissing(`${format.toUpperCase()} export`)
        throw err
      }
      const [file] = files
      return typeof file.data === 'string'
        ? { filename: file.name, mime: file.mime, data: file.data, encoding: 'utf8' as const }
        : { filename: file.name, mime: file.mime, data: file.data.toString('base64'), encoding: 'base64' as const }
    },

    inspectData: (value) => previewDataFile(value),

    uploadDataFile: async (name, base64) => ({ path: await keepUpload(this.store.path, name, base64) }),

    chooseDataFile: async () => {
      if (!this.options.chooseFile) throw new InputError('dataFile', 'there is no file dialog in a browser: type the path of the file on the machine running rnnbench serve, or upload it')
      return { path: await this.options.chooseFile() }
    },

    parseSpec: (text) => {
      let doc: unknown
      try {
        doc = JSON.parse(text)
      } catch (err) {
        throw new InputError('spec', `not valid JSON: ${(err as Error).message}`)
      }
      return parseSweepSpec(doc)
    },
  }

  private sweepOrThrow(id: number): SweepRow {
    const sweep = this.store.getSweep(id)
    if (!sweep) throw new InputError('id', `no sweep ${id} in ${this.store.path}`)
    return sweep
  }

  private refuseWhileActive(): void {
    if (this.active) throw new InputError('sweep', `sweep #${this.active.sweepId} is running; cancel it or wait for it to end (one sweep at a time keeps timings honest)`)
    if (this.starting) throw new InputError('sweep', 'another sweep is being started; wait for it, then cancel it or let it end (one sweep at a time keeps timings honest)')
  }

  private summary(s: SweepRow): SweepSummary {
    const elsewhere = this.active?.sweepId === s.id || s.counts.running === 0 ? null : this.store.liveOwner(s.id)
    return {
      id: s.id, name: s.name, createdAt: s.createdAt, spec: s.spec as SweepSpec, counts: s.counts, total: s.total, active: this.active?.sweepId === s.id,
      planned: s.planned, incomplete: sweepCompleteness(this.store, s).text,
      runningElsewhere: elsewhere ? `running in ${describeOwner(elsewhere)}` : null,
    }
  }

  private launch(sweepId: number, retryFailed: boolean): void {
    const spec = this.store.getSweep(sweepId)?.spec as { workers?: number } | undefined
    const runnerFor = () => new SweepRunner(this.store, {
      workers: workersFor(spec ?? {}, undefined, this.options.workers, this.options.maxWorkers),
      workerScript: this.options.workerScript,
      events: {
        runStarted: (run) => this.emit({ type: 'runStarted', sweepId, runId: run.id }),
        runProgress: (runId, p) => this.emit({ type: 'runProgress', sweepId, runId, ...p }),
        pointsAdded: (runId, points) => this.emit({ type: 'points', sweepId, runId, points }),
        runEnded: (run) => this.emit({ type: 'runEnded', sweepId, runId: run.id, status: run.status, error: run.error }),
      },
    })
    const active: { sweepId: number; runner: SweepRunner; done: Promise<void> } = { sweepId, runner: runnerFor(), done: Promise.resolve() }
    // A tuned sweep's re-runs are planned when its trials end, and run by a second runner in the same slot.
    const runAll = async () => {
      let summary = await active.runner.run(sweepId, { retryFailed })
      while (!summary.cancelled && planTunedReruns(this.store, sweepId).added > 0) {
        this.emit({ type: 'sweepsChanged' })
        active.runner = runnerFor()
        summary = await active.runner.run(sweepId)
      }
    }
    active.done = runAll()
      .catch((err: Error) => { process.stderr.write(`rnnbench: sweep #${sweepId} stopped: ${err.message}\n`) })
      .then(() => {
        this.active = null
        const sweep = this.store.getSweep(sweepId)
        if (sweep) this.emit({ type: 'sweepEnded', sweepId, counts: sweep.counts })
        this.emit({ type: 'sweepsChanged' })
      })
    this.active = active
    this.emit({ type: 'sweepsChanged' })
  }
}

function runView(r: RunRow): RunView {
  return {
    id: r.id, sweepId: r.sweepId, idx: r.idx, status: r.status, error: r.error, startedAt: r.startedAt, finishedAt: r.finishedAt,
    config: r.config, figures: r.figures, environment: r.environment,
  }
}

/** Every run's series as columns, each thinned to at most maxPoints evenly spaced points, the last kept. */
export function seriesByRun(store: Store, sweepId: number, series: SeriesName[], maxPoints: number, onlyRun?: number): SeriesByRun {
  const out: SeriesByRun = {}
  for (const [runId, byName] of store.sweepSeries(sweepId, series, maxPoints, onlyRun)) out[runId] = Object.fromEntries(byName)
  return out
}
