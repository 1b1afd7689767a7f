// `rnnbench train`: one run of one configuration, for an external optimizer (Optuna, Ray Tune, a
// W&B agent) that chooses the settings itself. The configuration takes the settings a sweep's
// `settings` does, and the budget and training fields of a spec; the run goes through the same
// validation, worker and figures as a sweep's.

import { stepTimeLine } from '../../../src-shared/lost-cpu'
import { formatDuration, formatMetric, formatValue } from '../../../src-shared/format'
import { planSweep } from '../../app/planning'
import { InputError } from '../../engine/errors'
import { parseSweepSpec } from '../../engine/sweep/spec'
import { runRecord } from '../../reports/run-record'
import { Store } from '../../store/store'
import { WORKER_SCRIPT } from '../sweep-session'
import { SweepRunner } from '../../workers/pool'
import { parseCommandArgs, type Command } from '../command'
import { readInput } from '../files'
import { readDataFile } from '../../engine/data-file'
import { databasePath, openStore } from '../options'

/** Fields of --config that are a spec's own (budget, seeds, evaluation), not settings. */
const SPEC_FIELDS = ['steps', 'seconds', 'seed', 'evalEvery', 'warmupSteps', 'gradFlowEvery', 'target', 'threads'] as const

export const trainCommand: Command = {
  name: 'train',
  summary: 'train one configuration and print its figures (for Optuna, Ray Tune or any driver of its own)',
  help: `Usage: rnnbench train --config JSON|FILE [--db FILE] [--allow-large] [--json | --objective final|best] [--show-test]

Trains one configuration and prints its result. --config is a JSON object (inline, or a file) of
the settings a sweep spec's "settings" takes (task, cell, hiddenSize, lr, ...; docs/SWEEP-SPEC.md),
plus the spec's budget and training fields: steps, seconds (default: 500 steps), seed, evalEvery,
warmupSteps, gradFlowEvery, target, threads. For example:

  rnnbench train --config '{"task": "adding", "cell": "gru", "hiddenSize": 32, "lr": 0.003, "steps": 300}' --objective final

Exit 0 when the run finished, 1 when it diverged or failed (its figures are still printed with
--json; --objective prints nan), 2 for a configuration that is not valid.

Options:
  --config C      the configuration: a JSON object, or the path of a file holding one
  --json          print the run as one JSON object on standard output: status, config, figures
                  (step times, memory, metric, both baselines, ...) and environment
  --objective O   print a single number on standard output: the final (default) or best
                  validation metric; lower or higher is better as the task's metric says. The
                  test split never enters it: a tuner that chose on test would leave nothing
                  held out
  --show-test     also say, on standard error, the final network's metric on the test split
                  and the baselines' there (--json always carries it, as figures.test)
  --db FILE       also store the run, as a sweep of one (default: not stored)
  --allow-large   train even a run whose model memory is over the bound (4 GiB); it may fail to allocate
  -h, --help      this text`,

  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('train', argv, { config: { type: 'string' }, json: { type: 'boolean' }, objective: { type: 'string' }, db: { type: 'string' }, 'allow-large': { type: 'boolean' }, 'show-test': { type: 'boolean' } }, 'none') // refused below, in its own words
    if (positionals.length) throw new InputError('--config', 'give the configuration with --config; see `rnnbench train --help`')
    if (values.config === undefined) throw new InputError('--config', 'give the configuration: a JSON object, or a file holding one')
    if (values.json && values.objective !== undefined) throw new InputError('--objective', 'choose --json or --objective, not both')
    const objective = values.objective === undefined ? null : values.objective
    if (objective !== null && objective !== 'final' && objective !== 'best') throw new InputError('--objective', `must be final or best; got ${JSON.stringify(objective)}`)

    const text = /^\s*[[{]/.test(values.config) ? values.config : await readInput(values.config, '--config')
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch (err) {
      throw new InputError('--config', `not valid JSON: ${(err as Error).message}`)
    }
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError('--config', 'must be a JSON object of settings')
    const settings: Record<string, unknown> = { ...(raw as Record<string, unknown>) }
    const top: Record<string, unknown> = {}
    for (const k of SPEC_FIELDS) if (k in settings) { top[k] = settings[k]; delete settings[k] }
    const budget = top.steps !== undefined || top.seconds !== undefined ? { steps: top.steps ?? 0, seconds: top.seconds ?? 0 } : undefined
    delete top.steps; delete top.seconds
    let spec
    try {
      spec = parseSweepSpec({ name: 'train', settings, ...top, ...(budget ? { budget } : {}) }, '--config')
    } catch (err) {
      // Name the field as the configuration has it: config.cell, not the spec's settings.cell.
      if (err instanceof InputError) throw new InputError(err.field.replace(/^(settings|budget)\.?/, 'config.').replace(/\.$/, ''), err.message.slice(err.field.length + 2))
      throw err
    }

    if (values.db !== undefined) databasePath(values.db)
    const plan = await planSweep(spec, { store: null, workers: 1, readText: readDataFile, allowLarge: values['allow-large'], allowLargeHint: 'add --allow-large to run it anyway' })
    const store = values.db !== undefined ? openStore(values.db, 'create') : new Store(':memory:')
    try {
      const sweepId = store.createSweep(`train ${plan.configs[0].cell} on ${plan.configs[0].task}`, spec, plan.configs)
      io.err(`training ${plan.configs[0].cell} on ${plan.configs[0].task} (${plan.configs[0].backend}), about ${formatDuration(plan.estimate.seconds)}...\n`)
      await new SweepRunner(store, { workers: 1, workerScript: WORKER_SCRIPT }).run(sweepId)
      const run = store.listRuns(sweepId)[0]
      const f = run.figures
      if (values.json) io.out(JSON.stringify(runRecord(run)) + '\n')
      else if (objective !== null) io.out(`${f && run.status === 'done' ? (objective === 'best' ? f.bestMetric : f.finalMetric) : 'nan'}\n`)
      io.err(`${run.status}: ${f ? `${formatMetric(f)}, ${stepTimeLine(f)}, ${formatDuration(f.wallSeconds)}` : run.error ?? ''}${values.db !== undefined ? ` (stored as sweep #${sweepId} in ${store.path})` : ''}\n`)
      if (values['show-test']) {
        const t = f?.test
        io.err(t ? `test: ${f!.metric.name} ${formatValue(t.metric)} on ${t.baseline.items ?? ''} ${t.items} (baseline ${formatValue(t.baseline.metric)}${t.classical ? `, classical ${formatValue(t.classical.metric)}` : ''}); not part of the objective\n` : 'test: none (the run diverged or failed)\n')
      }
      return run.status === 'done' ? 0 : 1
    } finally {
      store.close()
    }
  },
}
