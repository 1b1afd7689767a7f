// Runs a sweep's pending runs on a pool of worker threads. The queue lives in SQLite: a run is
// claimed (pending → running) before it is sent, and finished (running → done/failed/diverged/
// cancelled) when its worker answers, so a killed process leaves only `running` runs behind, which
// `resume` resets and runs again. This thread is the only writer.

import { availableParallelism } from 'node:os'
import { SHARE_ENV, Worker } from 'node:worker_threads'
import type { RunConfig } from '../engine/run-config'
import type { Point, RunFigures } from '../engine/training'
import { HEARTBEAT_MS } from '../store/lease'
import type { RunStatus, Store } from '../store/store'
import type { FromWorker, ToWorker } from './protocol'

export interface RunnerEvents {
  /** `idx`: the run's position in the sweep, the number people see (#idx+1). */
  runStarted?(run: { id: number; idx: number; config: RunConfig }): void
  runProgress?(runId: number, progress: { fraction: number; step: number; loss: number }): void
  /** Series points as they are stored (at each evaluation): what live curves draw. */
  pointsAdded?(runId: number, points: Point[]): void
  runEnded?(run: { id: number; idx: number; config: RunConfig; status: RunStatus; figures: RunFigures | null; error: string | null }): void
}

export interface RunnerOptions {
  workers: number
  /** The built worker entry (out/main/worker.js). */
  workerScript: URL
  /** The part of a sharded sweep these runs are (recorded with each run); absent for a whole sweep. */
  shard?: Record<string, unknown> | null
  /** Passed to each worker's workerData beside the stop flag: what a test's own worker script reads (test/helpers/fault-worker.mjs). */
  workerData?: Record<string, unknown>
  events?: RunnerEvents
}

export interface RunnerSummary { started: number; counts: Partial<Record<RunStatus, number>>; cancelled: boolean }

/**
 * One worker per core, leaving one for the main thread and the UI where there are more than two
 * (docs/SWEEP-SPEC.md quotes this; test/docs/quoted-defaults.test.ts holds them together).
 */
export function defaultWorkerCount(cores = availableParallelism()): number {
  return Math.max(1, cores > 2 ? cores - 1 : cores)
}

interface Slot {
  worker: Worker
  runId: number | null
  config: RunConfig | null
  /** The run's position in the sweep. */
  idx: number
  /** The most runs in flight at once since this slot's run started. */
  concurrentMax: number
  /** The main thread's time writing this slot's run's points and snapshots so far (ms). */
  storeMs: number
  /** Raised (1) to ask the worker's run to stop between steps. */
  stop: Int32Array
  exited: Promise<void>
}

/** How long a cancelled run may take to stop on its own before its thread is terminated. */
export const STOP_GRACE_MS = 20_000

export class SweepRunner {
  private queue: number[] = []
  private readonly slots = new Set<Slot>()
  private cancelling = false
  private summary: RunnerSummary = { started: 0, counts: {}, cancelled: false }
  private finish: (() => void) | null = null
  /** Worker threads this sweep runs on: the requested count, or fewer when fewer runs are left. */
  private poolSize = 0
  /** Set when the sweep's rows vanished under the runner (deleted elsewhere). */
  private lostSweep = false
  /** Set when the database can no longer be written (a full disk, an I/O error): the runner stops. */
  private storageFailure: Error | null = null

  constructor(private readonly store: Store, private readonly options: RunnerOptions) {}

  /** Runs every pending (and interrupted) run of the sweep; resolves when none is left or on cancel. */
  async run(sweepId: number, options: { retryFailed?: boolean } = {}): Promise<RunnerSummary> {
    this.store.resetInterrupted(sweepId, options)
    this.queue = this.store.pendingRunIds(sweepId)
    const n = Math.min(this.options.workers, this.queue.length)
    this.poolSize = n
    if (n === 0) return this.summary
    // The lease: while this runner works, its running runs are known to be alive (store/lease.ts).
    const heartbeat = setInterval(() => { try { this.store.heartbeat() } catch { /* the next beat retries */ } }, HEARTBEAT_MS)
    heartbeat.unref()
    try {
      await new Promise<void>((resolve) => {
        this.finish = resolve
        for (let i = 0; i < n; i++) this.spawn()
      })
    } finally {
      clearInterval(heartbeat)
    }
    if (this.storageFailure) throw this.storageFailure
    if (this.lostSweep) throw new Error(`sweep #${sweepId} was deleted by another process while it ran; its runs are gone`)
    return this.summary
  }

  /**
   * Stop: no new runs; runs in progress are ended and marked cancelled (resumable), with why:
   * "cancelled by the user", or "interrupted by SIGTERM" when the process was told to stop.
   */
  async cancel(reason = 'cancelled by the user'): Promise<void> {
    if (this.cancelling) return
    this.cancelling = true
    this.summary.cancelled = true
    this.queue = []
    // Each run is recorded as cancelled now; its thread is asked to stop and given STOP_GRACE_MS to
    // finish the steps in flight and free the device, and is terminated only after that.
    const exits = [...this.slots].map(async (slot) => {
      const busy = slot.runId !== null
      if (busy) this.end(slot, 'cancelled', null, reason)
      Atomics.store(slot.stop, 0, 1)
      if (!busy) return slot.worker.terminate()
      const grace = setTimeout(() => void slot.worker.terminate(), STOP_GRACE_MS)
      await slot.exited
      clearTimeout(grace)
    })
    await Promise.all(exits)
  }

  private spawn(): void {
    // The workers share the process environment: the WebGPU backend points the Vulkan loader at
    // SwiftShader by setting VK_ICD_FILENAMES, which a worker's private copy of process.env would
    // never pass on to the loader.
    const stop = new SharedArrayBuffer(4)
    const worker = new Worker(this.options.workerScript, { env: SHARE_ENV, workerData: { ...this.options.workerData, stop } })
    const slot: Slot = { worker, runId: null, config: null, idx: -1, concurrentMax: 0, storeMs: 0, stop: new Int32Array(stop), exited: new Promise((resolve) => worker.once('exit', () => resolve())) }
    this.slots.add(slot)
    worker.on('message', (m: FromWorker) => this.guarded(() => this.onMessage(slot, m)))
    worker.on('error', (err) => this.guarded(() => {
      // An uncaught exception inside the worker: its run fails, the thread exits.
      if (slot.runId !== null) this.end(slot, 'failed', null, `worker crashed: ${err.message}`)
    }))
    worker.on('exit', (code) => {
      this.slots.delete(slot)
      this.guarded(() => {
        if (slot.runId !== null) this.end(slot, 'failed', null, `worker exited with code ${code} during the run`)
        if (!this.cancelling && this.queue.length > 0) this.spawn()
      })
      if (this.slots.size === 0 && (this.cancelling || this.queue.length === 0)) this.finish?.()
    })
    this.guarded(() => this.dispatch(slot))
  }

  /**
   * Every store write the runner makes happens in here. When the database cannot be written any
   * more (SQLITE_FULL: the disk is full; SQLITE_IOERR: the disk failed), the runner stops at
   * once without writing again: the threads are stopped, runs in progress stay `running` under
   * this process's lease, and once it has exited `resume` takes them back (store/lease.ts). run()
   * then rejects with that error, for the caller to say in one line.
   */
  private guarded(step: () => void): void {
    try {
      step()
    } catch (err) {
      if (!isStorageFailure(err)) throw err
      if (this.storageFailure) return
      this.storageFailure = err as Error
      this.cancelling = true
      this.queue = []
      for (const slot of this.slots) {
        slot.runId = null
        Atomics.store(slot.stop, 0, 1)
        void slot.worker.terminate()
      }
      if (this.slots.size === 0) this.finish?.()
    }
  }

  private dispatch(slot: Slot): void {
    while (!this.cancelling && this.queue.length > 0) {
      const runId = this.queue.shift()!
      if (!this.store.claimRun(runId)) continue // taken by someone else, or no longer pending
      const run = this.store.getRun(runId)
      if (!run) { this.store.finishRun(runId, { status: 'failed', error: 'its stored configuration is damaged' }); continue }
      slot.runId = runId
      slot.config = run.config
      slot.idx = run.idx
      slot.concurrentMax = 0
      slot.storeMs = 0
      this.summary.started++
      this.options.events?.runStarted?.({ id: runId, idx: run.idx, config: run.config })
      // Recorded with the run: a verdict on step times taken beside other runs says so.
      const concurrentRuns = [...this.slots].filter((s) => s.runId !== null).length
      for (const s of this.slots) if (s.runId !== null) s.concurrentMax = Math.max(s.concurrentMax, concurrentRuns)
      slot.worker.postMessage({ type: 'run', runId, config: run.config, context: { timing: { workers: this.poolSize, concurrentRuns }, shard: this.options.shard ?? null } } satisfies ToWorker)
      return
    }
    void slot.worker.terminate() // nothing left for this worker
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    if (m.type === 'stopped') { void slot.worker.terminate(); return } // idle after a cancel: safe to end
    if (m.runId !== slot.runId) return // a late message from a run already ended (cancel)
    try {
      this.handle(slot, m)
    } catch (err) {
      if (isStorageFailure(err)) throw err
      // The run's rows are gone (another process deleted the sweep): stop, and say so once, rather
      // than crash on a foreign-key error.
      if (this.store.getRun(m.runId) === null) {
        this.lostSweep = true
        void this.cancel()
        return
      }
      throw err
    }
  }

  private handle(slot: Slot, m: FromWorker): void {
    switch (m.type) {
      case 'progress': this.options.events?.runProgress?.(m.runId, { fraction: m.fraction, step: m.step, loss: m.loss }); break
      case 'points': {
        const from = performance.now()
        this.store.appendPoints(m.runId, m.points)
        slot.storeMs += performance.now() - from
        this.options.events?.pointsAdded?.(m.runId, m.points)
        break
      }
      case 'gradFlow': {
        const from = performance.now()
        this.store.appendGradFlow(m.runId, m.snapshot)
        slot.storeMs += performance.now() - from
        break
      }
      case 'done':
        this.end(slot, m.figures.status, m.figures, m.figures.divergence, m.environment)
        this.dispatch(slot)
        break
      case 'failed':
        this.end(slot, 'failed', null, m.error.message, m.environment)
        this.dispatch(slot)
        break
    }
  }

  private end(slot: Slot, status: Exclude<RunStatus, 'pending' | 'running'>, figures: RunFigures | null, error: string | null, environment?: unknown): void {
    const id = slot.runId!, config = slot.config!, idx = slot.idx
    // The most runs of this sweep in flight at once while this one ran (itself included).
    if (environment && typeof environment === 'object') environment = { ...environment, concurrentRunsMax: Math.max(slot.concurrentMax, 1) }
    // The main thread's writes of its rows, beside the run's own wall time.
    if (figures?.phases) figures = { ...figures, phases: { ...figures.phases, storeMs: slot.storeMs } }
    slot.runId = null
    slot.config = null
    if (this.lostSweep) return
    this.store.finishRun(id, { status, figures, error, environment })
    this.summary.counts[status] = (this.summary.counts[status] ?? 0) + 1
    this.options.events?.runEnded?.({ id, idx, config, status, figures, error })
  }
}

/** A database that can no longer be written: the disk is full, or failed under it. */
export function isStorageFailure(err: unknown): boolean {
  const code = String((err as { code?: unknown })?.code ?? '')
  return code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR')
}
