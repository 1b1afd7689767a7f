import { varyingSettings } from '../../../src-shared/settings'
import { runRecord } from '../../reports/run-record'
import { parseCommandArgs, type Command } from '../command'
import { openStore, sweepIdOrLatest } from '../options'
import { formatDuration } from '../../../src-shared/format'
import { cleanStepsText, pressureText, stepTimeOf, stepTimeShown } from '../../../src-shared/lost-cpu'

export const runsCommand: Command = {
  name: 'runs',
  summary: 'list the runs of a sweep with their speed, memory and accuracy figures',
  help: `Usage: rnnbench runs [--sweep ID] [--db FILE] [--json]

Lists the runs of a sweep (the latest by default). --json gives every run with id, sweep_id,
status (pending, running, done, failed, diverged, cancelled), config (every setting) and figures
(step times, throughput, GFLOP/s, memory, losses, metric and baseline, time-to-target; under
cpu, the steps that lost the CPU and the CPU pressure the run ran under; under phases, where its
wall time went: start-up, training steps, batches, evaluation, test, the rest, and the main
thread's writes of its rows beside it) and the environment it ran in.

ms/step is the step time the verdicts compare: the 25th percentile of the steps that kept the
CPU (marked * where too few did, and the median of every step is shown); clean is those steps of
the timed ones; pressure the share of the run's time some task on the machine waited for a CPU.

Options:
  --sweep ID   which sweep (default: the latest)
  --db FILE    the database (default: $RNNBENCH_DB, else the app-data folder's)
  --json       machine-readable output
  -h, --help   this text`,

  async run(argv, io) {
    const { values } = parseCommandArgs('runs', argv, { sweep: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean' } })
    const store = openStore(values.db, 'read')
    try {
      const sweepId = sweepIdOrLatest(store, values.sweep, '--sweep')
      const runs = store.listRuns(sweepId)
      if (values.json) {
        io.out(JSON.stringify(runs.map(runRecord), null, 2) + '\n')
        return 0
      }
      const columns = varyingSettings(runs.map((r) => r.config))
      // '#': the run's position in the sweep, the number the app and the reports show (the JSON has both).
      const header = ['#', 'status', ...columns, 'seed', 'metric', 'final', 'best', 'baseline', 'ms/step', 'clean', 'pressure', 'GFLOP/s', 'act. MiB', 'time']
      const rows = runs.map((r) => {
        const f = r.figures
        const num = (x: number | undefined, digits = 3) => (x === undefined || !Number.isFinite(x) ? '-' : Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(digits))
        return [String(r.idx + 1), r.status, ...columns.map((k) => String(r.config[k])), String(r.config.seed),
          f?.metric.name ?? '-', num(f?.finalMetric), num(f?.bestMetric), num(f?.baseline.metric),
          f ? num(stepTimeShown(f)) + (stepTimeOf(f) === null ? '*' : '') : '-', f ? cleanStepsText(f) : '-', f ? pressureText(f) : '-', num(f?.gflops), num(f ? f.memory.activationBytes / 2 ** 20 : undefined),
          f ? formatDuration(f.wallSeconds) : r.error ? r.error.slice(0, 40) : '-']
      })
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
      io.out(header.map((h, i) => h.padEnd(widths[i])).join('  ') + '\n')
      for (const r of rows) io.out(r.map((v, i) => v.padEnd(widths[i])).join('  ') + '\n')
      return 0
    } finally {
      store.close()
    }
  },
}
