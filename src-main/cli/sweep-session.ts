// What `sweep` and `resume` share: run a sweep's pending runs with progress, stop cleanly on
// Ctrl-C (runs in progress marked cancelled), and print where things stand.

import { busyWarning, machineLoad } from '../engine/timing/busy'
import { SETTING_LABELS, varyingSettings } from '../../src-shared/settings'
import type { Store } from '../store/store'
import { isStorageFailure, SweepRunner } from '../workers/pool'
import { InputError } from '../engine/errors'
import type { Io } from './command'
import { ProgressReporter } from './progress'
import { planTunedReruns } from '../app/tuning'

export const WORKER_SCRIPT = new URL('./worker.js', import.meta.url)

/** A runner over the sweep's runs to do now, with progress that names each run by what varies. */
function session(store: Store, sweepId: number, io: Io, workers: number, shard: Record<string, unknown> | null | undefined, retryFailed: boolean): { runner: SweepRunner; progress: ProgressReporter } {
  const runs = store.listRuns(sweepId)
  const columns = varyingSettings(runs.map((r) => r.config))
  const describe = (c: (typeof runs)[number]['config']) =>
    columns.map((k) => (typeof c[k] === 'boolean' ? (c[k] ? (SETTING_LABELS[k] ?? k) : '') : SETTING_LABELS[k] ? `${SETTING_LABELS[k]}=${c[k]}` : String(c[k]))).filter(Boolean).join(' ') +
    (new Set(runs.map((r) => r.config.seed)).size > 1 ? ` seed ${c.seed}` : '') +
    (c.tune ? (c.tune.phase === 'trial' ? ` trial ${c.tune.trial + 1}` : ` re-run ${c.tune.seedIndex + 1} of trial ${c.tune.trial + 1}`) : '')
  const todo = runs.filter((r) => r.status === 'pending' || r.status === 'running' || r.status === 'cancelled' || (retryFailed && r.status === 'failed')).length
  const progress = new ProgressReporter(io, todo, describe)
  return { runner: new SweepRunner(store, { workers, workerScript: WORKER_SCRIPT, events: progress, shard }), progress }
}

export async function runSweepSession(store: Store, sweepId: number, io: Io, options: { workers: number; retryFailed?: boolean; dbFlag: string; dbField?: string; shard?: Record<string, unknown> | null }): Promise<{ code: number; counts: Record<string, number> }> {
  // Ctrl-C is the user cancelling (exit 130); SIGTERM is the process being told to stop, by a
  // scheduler or a service manager (exit 143, runs recorded as interrupted). Both leave the sweep resumable.
  let interrupted: 'SIGINT' | 'SIGTERM' | null = null
  let current: { runner: SweepRunner; progress: ProgressReporter } | null = null
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (interrupted) return
    interrupted = signal
    current?.progress.stop()
    io.err(`\nrnnbench: ${signal === 'SIGINT' ? 'stopping' : 'SIGTERM: stopping'}; runs in progress are marked ${signal === 'SIGINT' ? 'cancelled' : 'interrupted'}...\n`)
    void current?.runner.cancel(signal === 'SIGINT' ? 'cancelled by the user' : 'interrupted by SIGTERM')
  }
  const onInt = () => onSignal('SIGINT'), onTerm = () => onSignal('SIGTERM')
  process.once('SIGINT', onInt)
  process.once('SIGTERM', onTerm)
  const dbHint = options.dbFlag ? ` --db ${options.dbFlag}` : ''
  // Before any step is timed: how busy the machine is, in a line, when it is.
  if (store.pendingRunIds(sweepId).length) {
    const busy = busyWarning(await machineLoad())
    if (busy) io.err(`rnnbench: warning: ${busy}\n`)
  }
  let waiting = false
  try {
    let retryFailed = options.retryFailed
    // A tuned sweep runs twice: its trials, then the re-runs of each cell's best trial, planned when the trials end.
    for (;;) {
      current = session(store, sweepId, io, options.workers, options.shard, retryFailed ?? false)
      try {
        await current.runner.run(sweepId, { retryFailed })
      } finally {
        current.progress.stop()
      }
      if (interrupted) break
      const next = planTunedReruns(store, sweepId)
      if (next.waiting) { io.err(`sweep #${sweepId}: ${next.waiting}\n`); waiting = true }
      if (!next.added) break
      io.err(`sweep #${sweepId}: every trial has ended; re-running each cell's best trial on validation with fresh seeds, judged on the test split: ${next.added} runs\n`)
      retryFailed = false
    }
  } catch (err) {
    if (!isStorageFailure(err)) throw err
    // Nothing is lost: every finished run is committed, and the runs in progress are resumable.
    const full = (err as { code?: string }).code === 'SQLITE_FULL'
    throw new InputError(options.dbField ?? '--db', `${store.path}: ${full ? 'the disk is full' : 'the disk could not be written'} (${(err as Error).message}); the sweep stopped, its finished runs are kept. ${full ? 'Free some space' : 'Check the disk'}, then finish it with: rnnbench resume ${sweepId}${dbHint}`)
  } finally {
    process.removeListener('SIGINT', onInt)
    process.removeListener('SIGTERM', onTerm)
  }
  const sweep = store.getSweep(sweepId)!
  const c = sweep.counts
  io.err(`sweep #${sweepId} "${sweep.name}": ${c.done} done, ${c.diverged} diverged, ${c.failed} failed, ${c.cancelled} cancelled, ${c.pending + c.running} pending, of ${sweep.total}${sweep.planned > sweep.total ? ` here (${sweep.planned} planned: ${waiting ? 'the rest once the trials allow' : 'the other shards\' runs are in their databases'})` : ''}\n`)
  if (interrupted || c.cancelled + c.pending + c.running > 0) io.err(`resume with: rnnbench resume ${sweepId}${dbHint}\n`)
  else io.err(`see the results with: rnnbench runs --sweep ${sweepId}${dbHint}\n`)
  return { code: interrupted === 'SIGINT' ? 130 : interrupted === 'SIGTERM' ? 143 : c.failed > 0 ? 1 : 0, counts: c }
}
