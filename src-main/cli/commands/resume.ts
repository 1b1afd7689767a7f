import { parseCommandArgs, type Command, type Io } from '../command'
import { openStore, sweepIdOrLatest, workersOption } from '../options'
import { runSweepSession } from '../sweep-session'
import { withLog } from '../progress'
import { defaultWorkerCount } from '../../workers/pool'
import { InputError } from '../../engine/errors'
import { workersFor } from '../../engine/sweep/spec'

export const resumeCommand: Command = {
  name: 'resume',
  summary: 'finish a sweep that was stopped or killed: every run without a result, never one twice',
  help: `Usage: rnnbench resume [SWEEP_ID] [--db FILE] [--workers N [--oversubscribe]] [--retry-failed] [--log FILE]

Runs every run of the sweep (the latest one by default) that has no result: pending, cancelled,
and those left running by a process that is gone (their partial series are dropped first).
Finished runs are kept as they are. Runs that failed are left alone unless --retry-failed.

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
    })
    if (positionals.length > 1) throw new InputError('SWEEP_ID', 'give at most one sweep id; see `rnnbench resume --help`')
    const { requested, cap } = workersOption(values.workers, values.oversubscribe)
    const io: Io & { close?: () => void } = values.log !== undefined ? withLog(terminal, values.log) : terminal
    const store = openStore(values.db)
    try {
      const sweepId = sweepIdOrLatest(store, positionals[0], 'SWEEP_ID')
      const sweep = store.getSweep(sweepId)!
      const workers = workersFor(sweep.spec as { workers?: number }, requested, defaultWorkerCount(), cap)
      store.refuseIfRunningElsewhere(sweepId, 'SWEEP_ID', 'resume')
      io.err(`resuming sweep #${sweepId} "${sweep.name}": ${sweep.counts.done + sweep.counts.diverged} of ${sweep.total} runs finished\n`)
      return (await runSweepSession(store, sweepId, io, { workers, retryFailed: values['retry-failed'], dbFlag: values.db ?? '' })).code
    } finally {
      store.close()
      io.close?.()
    }
  },
}
