import { parseCommandArgs, type Command, type Io } from '../command'
import { openStore, sweepIdOrLatest, workersOption } from '../options'
import { runSweepSession } from '../sweep-session'
import { withLog } from '../progress'
import { refuseDatabaseAsOutput } from '../files'
import { defaultWorkerCount } from '../../workers/pool'
import { InputError } from '../../engine/errors'
import { parseSweepSpec, workersFor } from '../../engine/sweep/spec'
import { planSweep } from '../../app/planning'
import { readDataFile } from '../../engine/data-file'
import { sweepCompleteness } from '../../store/completeness'

export const resumeCommand: Command = {
  name: 'resume',
  summary: 'finish a sweep that was stopped or killed: every run without a result, never one twice',
  help: `Usage: rnnbench resume [SWEEP_ID] [--db FILE] [--workers N [--oversubscribe]] [--retry-failed] [--log FILE]

Runs every run of the sweep (the latest one by default) that has no result: pending, cancelled,
and those left running by a process that is gone (their partial series are dropped first).
Finished runs are kept as they are. Runs that failed are left alone unless --retry-failed. Runs
the sweep planned that are in no database here (a shard that was never imported) are added and run.

Options:
  --db FILE        the database (default: $RNNBENCH_DB, else the app-data folder's)
  --workers N      runs at once (default: the spec's \`workers\`, else ${defaultWorkerCount()} here),
                   at most the cores here unless --oversubscribe
  --oversubscribe  allow more workers than cores (step times then include their contention)
  --retry-failed   run failed runs again too
  --log FILE       also append the progress lines and the summary to FILE
  -h, --help       this text`,

  async run(argv, terminal) {
    const { values, positionals } = parseCommandArgs('resume', argv, {
      db: { type: 'string' }, workers: { type: 'string' }, 'retry-failed': { type: 'boolean' }, oversubscribe: { type: 'boolean' }, log: { type: 'string' },
    }, 'SWEEP_ID')
    if (positionals.length > 1) throw new InputError('SWEEP_ID', 'give at most one sweep id; see `rnnbench resume --help`')
    const { requested, cap } = workersOption(values.workers, values.oversubscribe)
    const store = openStore(values.db, 'update')
    if (values.log !== undefined) {
      try { refuseDatabaseAsOutput(values.log, store.path, '--log') } catch (err) { store.close(); throw err }
    }
    const io: Io & { close?: () => void } = values.log !== undefined ? withLog(terminal, values.log) : terminal
    try {
      const sweepId = sweepIdOrLatest(store, positionals[0], 'SWEEP_ID')
      const sweep = store.getSweep(sweepId)!
      const workers = workersFor(sweep.spec as { workers?: number }, requested, defaultWorkerCount(), cap)
      store.refuseIfRunningElsewhere(sweepId, 'SWEEP_ID', 'resume')
      // Runs that never ran anywhere (a shard never merged here) are added, at their places, and run.
      const completeness = sweepCompleteness(store, sweep)
      if (completeness.missing > 0) {
        const plan = await planSweep(parseSweepSpec(sweep.spec, 'SWEEP_ID'), { store, workers, readText: readDataFile, maxRuns: Number.MAX_SAFE_INTEGER, allowLarge: true, expansion: sweep.expansion })
        const added = store.addMissingRuns(sweepId, plan.configs, plan.positions)
        io.err(`sweep #${sweepId} "${sweep.name}": ${completeness.text}${added ? `: adding the ${added} here` : ''}\n`)
      }
      const now = store.getSweep(sweepId)!
      io.err(`resuming sweep #${sweepId} "${now.name}": ${now.counts.done + now.counts.diverged} of ${now.total} runs finished\n`)
      return (await runSweepSession(store, sweepId, io, { workers, retryFailed: values['retry-failed'], dbFlag: values.db ?? '' })).code
    } finally {
      store.close()
      io.close?.()
    }
  },
}
