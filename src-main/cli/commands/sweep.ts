import { MAX_RUN_BYTES, planSweep, presetFor } from '../../app/planning'
import { expandSweep } from '../../engine/sweep/expand'
import { comparisonCount, parseShard, shardFromEnvironment, shardText, type Shard } from '../../engine/sweep/shard'
import { InputError } from '../../engine/errors'
import { PRESET_DESCRIPTIONS, PRESET_NAMES } from '../../engine/sweep/presets'
import { checkSweepName, DEFAULT_MAX_RUNS, defaultSweepName, parseSweepSpec, workersFor, type SweepSpec } from '../../engine/sweep/spec'
import { formatBytes, formatDuration, plural } from '../../../src-shared/format'
import { defaultWorkerCount } from '../../workers/pool'
import { parseCommandArgs, type Command, type Io } from '../command'
import { readInput, refuseDatabaseAsOutput } from '../files'
import { existsSync } from 'node:fs'
import { readDataFile } from '../../engine/data-file'
import { databasePath, openStore, positiveInt, workersOption } from '../options'
import { runSweepSession } from '../sweep-session'
import { withLog } from '../progress'

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'run a sweep from a spec file or a preset, in worker threads, into the database',
  help: `Usage: rnnbench sweep SPEC.json | --preset NAME [--name TEXT] [--shard I/N|auto [--shard-base 0|1] [--shard-count N]] [--db FILE] [--workers N [--oversubscribe]] [--max-runs N] [--allow-large] [--log FILE] [--json]

Expands the sweep (docs/SWEEP-SPEC.md), stores every run as pending, and runs them in a pool of
worker threads. Ctrl-C stops it: runs in progress are marked cancelled, and \`rnnbench resume\`
finishes the rest. SIGTERM stops it too, the runs marked interrupted, exit 143. Progress goes to
standard error: a bar with ETA on a terminal, one line per run otherwise; keep those lines with
\`2>&1 | tee sweep.log\`, or --log FILE.

Presets:
${PRESET_NAMES.map((p) => `  ${p.padEnd(16)} ${PRESET_DESCRIPTIONS[p]}`).join('\n')}

Options:
  --preset NAME   a ready-made sweep instead of SPEC.json
  --name TEXT     the sweep's name (default: the spec's name, else the spec file's name without
                  .json, or the preset's)
  --shard I/N     run only the I-th of N disjoint parts of the sweep (one machine's share; merge
                  the parts with \`rnnbench import\`). A part holds whole comparisons: every cell
                  and seed of a configuration, so every matched pair is timed on one machine.
                  Running the same part again into the same database finishes what is missing
                  (a requeued Slurm task, a retried pod) and redoes nothing. docs/SCALE-OUT.md
  --shard auto    the part a scheduler gives: a Slurm job array (SLURM_ARRAY_TASK_ID from
                  SLURM_ARRAY_TASK_MIN, of SLURM_ARRAY_TASK_COUNT), or a Kubernetes Indexed Job
                  (JOB_COMPLETION_INDEX, of --shard-count N)
  --shard-base B  whether --shard I/N counts from 1 (the default) or from 0
  --shard-count N how many parts, for --shard auto where the scheduler does not say (Kubernetes)
  --db FILE       the database (default: $RNNBENCH_DB, else rnnbench.sqlite in the app-data folder)
  --workers N     runs at once, in worker threads (default: the spec's \`workers\`, else
                  ${defaultWorkerCount()} here)
  --oversubscribe allow more workers than cores (step times then include their contention)
  --max-runs N    refuse a sweep of more runs than this (default ${DEFAULT_MAX_RUNS.toLocaleString('en-US')})
  --allow-large   run even runs whose model memory is over the bound (${MAX_RUN_BYTES / 2 ** 30} GiB a run, and the
                  machine's memory for the runs at once); they may fail to allocate
  --log FILE      also append the progress lines and the summary to FILE (no bar, no escapes)
  --json          print the sweep's id and run counts as JSON at the end
  -h, --help      this text`,

  async run(argv, terminal) {
    const { values, positionals } = parseCommandArgs('sweep', argv, {
      preset: { type: 'string' }, name: { type: 'string' }, shard: { type: 'string' }, db: { type: 'string' }, workers: { type: 'string' }, json: { type: 'boolean' },
      'max-runs': { type: 'string' }, oversubscribe: { type: 'boolean' }, log: { type: 'string' }, 'shard-base': { type: 'string' }, 'shard-count': { type: 'string' }, 'allow-large': { type: 'boolean' },
    }, 'SPEC')
    if ((positionals.length === 1) === (values.preset !== undefined) || positionals.length > 1) {
      throw new InputError('SPEC', 'give either one spec file or --preset NAME; see `rnnbench sweep --help`')
    }
    // Everything is checked before the database is opened: a refusal leaves no file behind.
    const { requested, cap } = workersOption(values.workers, values.oversubscribe)
    const database = databasePath(values.db)
    const spec = values.preset !== undefined ? await presetFor(values.preset) : await specFromFile(positionals[0])
    const workers = workersFor(spec, requested, defaultWorkerCount(), cap)
    const name = values.name !== undefined ? checkSweepName(values.name, '--name') : spec.name ?? values.preset ?? defaultSweepName(positionals[0])
    const shard = shardOption(values.shard, values['shard-base'], values['shard-count'])
    const maxRuns = positiveInt(values['max-runs'], '--max-runs', DEFAULT_MAX_RUNS)
    if (values.log !== undefined) refuseDatabaseAsOutput(values.log, database.path, '--log')
    // The estimate uses the speeds this database has measured, read without creating it.
    const reader = existsSync(database.path) ? openStore(values.db, 'read') : null
    let plan
    try {
      plan = await planSweep(spec, { store: reader, workers, readText: readDataFile, shard, maxRuns, allowLarge: values['allow-large'], allowLargeHint: 'add --allow-large to run it anyway' })
    } finally {
      reader?.close()
    }
    const { configs, positions, estimate, total } = plan
    if (shard && !configs.length) {
      terminal.err(`shard ${shardText(shard)} has no runs: the sweep holds ${comparisonCount(expandSweep(spec))} comparisons (a configuration's cells and seeds stay together), fewer than ${shard.count} shards\n`)
      return 0
    }

    const io: Io & { close?: () => void } = values.log !== undefined ? withLog(terminal, values.log) : terminal
    const store = openStore(values.db, 'create')
    try {
      // A shard is create-or-resume: the same spec and part again (a requeue, a retried pod) finishes what is missing.
      const existing = shard ? store.findSweep(name, spec, positions) : null
      // Two processes on one shard would time each other's steps: the second waits, as resume does.
      if (existing) store.refuseIfRunningElsewhere(existing, '--shard', 'run this shard of')
      const sweepId = existing ?? store.createSweep(name, spec, configs, shard ? { positions, planned: total, shards: shard.count } : { planned: total })
      if (existing) io.err(`sweep #${sweepId} "${name}" shard ${shardText(shard!)} is already here: finishing what is missing -> ${store.path}\n`)
      else io.err(`sweep #${sweepId} "${name}"${shard ? ` shard ${shardText(shard)}` : ''}: ${plural(configs.length, 'run')} on ${plural(Math.min(workers, configs.length), 'worker')} -> ${store.path}\n`)
      io.err(`estimate: about ${formatDuration(estimate.seconds)}, up to ${formatBytes(estimate.peakBytes)} of model memory at once${estimate.measuredRuns < configs.length ? ` (a guess for ${configs.length - estimate.measuredRuns} run(s)${estimate.otherTaskRuns ? `, ${estimate.otherTaskRuns} from this machine's runs of other tasks` : ''}: speeds of a task not yet measured here)` : ''}\n`)
      // Said once the sweep is stored (a refusal stays one line): what the design cannot answer.
      for (const w of plan.warnings) io.err(`rnnbench: warning: ${w}\n`)
      const { code, counts } = await runSweepSession(store, sweepId, io, { workers, dbFlag: values.db ?? '', shard: shard ? { index: shard.index, count: shard.count, ...shard.source } : null })
      if (values.json) io.out(JSON.stringify({ sweep_id: sweepId, name, db: store.path, counts }) + '\n')
      return code
    } finally {
      store.close()
      io.close?.()
    }
  },
}

async function specFromFile(path: string): Promise<SweepSpec> {
  const text = await readInput(path, 'SPEC')
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (err) {
    throw new InputError('SPEC', `${path} is not valid JSON: ${(err as Error).message}`)
  }
  return parseSweepSpec(doc)
}

/** --shard I/N (with --shard-base), or --shard auto (with --shard-count where the scheduler does not say). */
function shardOption(text: string | undefined, base: string | undefined, count: string | undefined): Shard | null {
  if (text === undefined) {
    if (base !== undefined || count !== undefined) throw new InputError('--shard', '--shard-base and --shard-count go with --shard')
    return null
  }
  if (base !== undefined && base !== '0' && base !== '1') throw new InputError('--shard-base', `must be 0 or 1; got ${JSON.stringify(base)}`)
  const n = count === undefined ? undefined : positiveInt(count, '--shard-count', 1)
  if (text.trim() === 'auto') return shardFromEnvironment(process.env, n)
  if (count !== undefined) throw new InputError('--shard-count', 'goes with --shard auto; with --shard I/N the count is N')
  return parseShard(text, base === '0' ? 0 : 1)
}
