import { planSweep, presetFor } from '../../app/planning'
import { expandSweep } from '../../engine/sweep/expand'
import { parseShard, shardPositions } from '../../engine/sweep/shard'
import { InputError } from '../../engine/errors'
import { PRESET_DESCRIPTIONS, PRESET_NAMES } from '../../engine/sweep/presets'
import { DEFAULT_MAX_RUNS, parseSweepSpec, workersFor, type SweepSpec } from '../../engine/sweep/spec'
import { formatBytes, formatDuration } from '../../../src-shared/format'
import { defaultWorkerCount } from '../../workers/pool'
import { parseCommandArgs, type Command, type Io } from '../command'
import { readInput } from '../files'
import { openStore, positiveInt, workersOption } from '../options'
import { runSweepSession } from '../sweep-session'
import { withLog } from '../progress'

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'run a sweep from a spec file or a preset, in worker threads, into the database',
  help: `Usage: rnnbench sweep SPEC.json | --preset NAME [--name TEXT] [--shard I/N] [--db FILE] [--workers N [--oversubscribe]] [--max-runs N] [--log FILE] [--json]

Expands the sweep (docs/SWEEP-SPEC.md), stores every run as pending, and runs them in a pool of
worker threads. Ctrl-C stops it: runs in progress are marked cancelled, and \`rnnbench resume\`
finishes the rest. SIGTERM stops it too, the runs marked interrupted, exit 143. Progress goes to
standard error: a bar with ETA on a terminal, one line per run otherwise; keep those lines with
\`2>&1 | tee sweep.log\`, or --log FILE.

Presets:
${PRESET_NAMES.map((p) => `  ${p.padEnd(16)} ${PRESET_DESCRIPTIONS[p]}`).join('\n')}

Options:
  --preset NAME   a ready-made sweep instead of SPEC.json
  --name TEXT     the sweep's name (default: the spec's name, or the preset's)
  --shard I/N     run only the I-th of N disjoint parts of the sweep (one machine's share; merge
                  the parts with \`rnnbench import\`)
  --db FILE       the database (default: $RNNBENCH_DB, else rnnbench.sqlite in the app-data folder)
  --workers N     runs at once, in worker threads (default: the spec's \`workers\`, else
                  ${defaultWorkerCount()} here)
  --oversubscribe allow more workers than cores (step times then include their contention)
  --max-runs N    refuse a sweep of more runs than this (default ${DEFAULT_MAX_RUNS.toLocaleString('en-US')})
  --log FILE      also append the progress lines and the summary to FILE (no bar, no escapes)
  --json          print the sweep's id and run counts as JSON at the end
  -h, --help      this text`,

  async run(argv, terminal) {
    const { values, positionals } = parseCommandArgs('sweep', argv, {
      preset: { type: 'string' }, name: { type: 'string' }, shard: { type: 'string' }, db: { type: 'string' }, workers: { type: 'string' }, json: { type: 'boolean' },
      'max-runs': { type: 'string' }, oversubscribe: { type: 'boolean' }, log: { type: 'string' },
    })
    if ((positionals.length === 1) === (values.preset !== undefined) || positionals.length > 1) {
      throw new InputError('SPEC', 'give either one spec file or --preset NAME; see `rnnbench sweep --help`')
    }
    const { requested, cap } = workersOption(values.workers, values.oversubscribe)
    const spec = values.preset !== undefined ? await presetFor(values.preset) : await specFromFile(positionals[0])
    const workers = workersFor(spec, requested, defaultWorkerCount(), cap)
    const name = values.name ?? spec.name ?? (values.preset ? values.preset : positionals[0])
    const shard = values.shard !== undefined ? parseShard(values.shard) : null

    const io: Io & { close?: () => void } = values.log !== undefined ? withLog(terminal, values.log) : terminal
    const store = openStore(values.db)
    try {
      const maxRuns = positiveInt(values['max-runs'], '--max-runs', DEFAULT_MAX_RUNS)
      const { configs, estimate } = await planSweep(spec, { store, workers, readText: readInput, shard, maxRuns })
      const positions = shard ? shardPositions(expandSweep(spec).length, shard) : undefined
      const sweepId = store.createSweep(name, spec, configs, positions)
      io.err(`sweep #${sweepId} "${name}"${shard ? ` shard ${shard.index}/${shard.count}` : ''}: ${configs.length} runs on ${Math.min(workers, configs.length)} worker${workers > 1 ? 's' : ''} -> ${store.path}\n`)
      io.err(`estimate: about ${formatDuration(estimate.seconds)}, up to ${formatBytes(estimate.peakBytes)} of model memory at once${estimate.measuredRuns < configs.length ? ' (speeds not yet measured here are guessed cautiously)' : ''}\n`)
      const { code, counts } = await runSweepSession(store, sweepId, io, { workers, dbFlag: values.db ?? '' })
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
