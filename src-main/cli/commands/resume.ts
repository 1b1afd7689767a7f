import { parseCommandArgs, type Command } from '../command'
import { openStore, sweepIdOrLatest, workersOption } from '../options'
import { runSweepSession } from '../sweep-session'
import { defaultWorkerCount } from '../../workers/pool'
import { InputError } from '../../engine/errors'
import { workersFor } from '../../engine/sweep/spec'

export const resumeCommand: Command = {
  name: 'resume',
  summary: 'finish a sweep that was stopped or killed: every run without a result, never one twice',
  help: `Usage: rnnbench resume [SWEEP_ID] [--db FILE] [--workers N] [--retry-failed]

Runs every run of the sweep (the latest one by default) that has no result: pending, cancelled,
and those left running by a process that is gone (their partial series are dropped first).
Finished runs are kept as they are. Runs that failed are left alone unless --retry-failed.

Options:
  --db FILE        the database (default: $RNNBENCH_DB, else the app-data folder's)
  --workers N      runs at once (default: the spec's \`workers\`, else ${defaultWorkerCount()} here),
                   at most the cores here unless --oversubscribe
  --retry-failed   run failed runs again too
  -h, --help       this text`,

  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('resume', argv, {
      db: { type: 'string' }, workers: { type: 'string' }, 'retry-failed': { type: 'boolean' }, oversubscribe: { type: 'boolean' },
    })
    if (positionals.length > 1) throw new InputError('SWEEP_ID', 'give at most one sweep id; see `rnnbench resume --help`')
    const { requested, cap } = workersOption(values.workers, values.oversubscribe)
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
    }
  },
}
