import { probeBackend } from '../../engine/backends'
import { BACKEND_NAMES, type BackendName } from '../../engine/backend'
import { InputError } from '../../engine/errors'
import { createTask } from '../../engine/tasks'
import { expandSweep } from '../../engine/sweep/expand'
import { PRESET_DESCRIPTIONS, PRESET_NAMES, presetSpec, type PresetName } from '../../engine/sweep/presets'
import { parseSweepSpec, type SweepSpec } from '../../engine/sweep/spec'
import type { RunConfig } from '../../engine/run-config'
import { defaultWorkerCount } from '../../workers/pool'
import { parseCommandArgs, type Command } from '../command'
import { readInput } from '../files'
import { openStore, positiveInt } from '../options'
import { runSweepSession } from '../sweep-session'

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'run a sweep from a spec file or a preset, in worker threads, into the database',
  help: `Usage: rnnbench sweep SPEC.json | --preset NAME [--name TEXT] [--db FILE] [--workers N] [--json]

Expands the sweep (docs/SWEEP-SPEC.md), stores every run as pending, and runs them in a pool of
worker threads. Ctrl-C stops it: runs in progress are marked cancelled, and \`rnnbench resume\`
finishes the rest. Progress is a bar with ETA on a terminal, one line per run otherwise.

Presets:
${PRESET_NAMES.map((p) => `  ${p.padEnd(16)} ${PRESET_DESCRIPTIONS[p]}`).join('\n')}

Options:
  --preset NAME   a ready-made sweep instead of SPEC.json
  --name TEXT     the sweep's name (default: the spec's name, or the preset's)
  --db FILE       the database (default: $RNNBENCH_DB, else rnnbench.sqlite in the app-data folder)
  --workers N     worker threads (default ${defaultWorkerCount()} here)
  --json          print the sweep's id and run counts as JSON at the end
  -h, --help      this text`,

  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('sweep', argv, {
      preset: { type: 'string' }, name: { type: 'string' }, db: { type: 'string' }, workers: { type: 'string' }, json: { type: 'boolean' },
    })
    if ((positionals.length === 1) === (values.preset !== undefined) || positionals.length > 1) {
      throw new InputError('SPEC', 'give either one spec file or --preset NAME; see `rnnbench sweep --help`')
    }
    const workers = positiveInt(values.workers, '--workers', defaultWorkerCount())
    const spec = values.preset !== undefined ? await presetFor(values.preset) : await specFromFile(positionals[0])
    const configs = expandSweep(spec)
    await checkRunnable(configs)
    const name = values.name ?? spec.name ?? (values.preset ? values.preset : positionals[0])

    const store = openStore(values.db)
    try {
      const sweepId = store.createSweep(name, spec, configs)
      io.err(`sweep #${sweepId} "${name}": ${configs.length} runs on ${Math.min(workers, configs.length)} worker${workers > 1 ? 's' : ''} -> ${store.path}\n`)
      const { code, counts } = await runSweepSession(store, sweepId, io, { workers, dbFlag: values.db ?? '' })
      if (values.json) io.out(JSON.stringify({ sweep_id: sweepId, name, db: store.path, counts }) + '\n')
      return code
    } finally {
      store.close()
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

async function presetFor(name: string): Promise<SweepSpec> {
  if (!(PRESET_NAMES as readonly string[]).includes(name)) throw new InputError('--preset', `unknown preset ${JSON.stringify(name)}; valid: ${PRESET_NAMES.join(', ')}`)
  // The backends that run here; webgpu only on a real GPU (a software adapter's runs would take
  // most of a preset's time and say nothing about GPUs: name it in a spec to run it anyway).
  const backends: BackendName[] = []
  for (const b of BACKEND_NAMES) {
    const probe = await probeBackend(b)
    if (probe.available && !(b === 'webgpu' && probe.details?.software)) backends.push(b)
  }
  return presetSpec(name as PresetName, backends)
}

/** Before anything is stored: every backend can run here, every task can be built (text files read). */
async function checkRunnable(configs: RunConfig[]): Promise<void> {
  for (const backend of new Set(configs.map((c) => c.backend))) {
    const probe = await probeBackend(backend)
    if (!probe.available) throw new InputError('backend', `${backend} is not available here (${probe.reason}); remove it from the sweep, or see \`rnnbench doctor\``)
  }
  const checked = new Set<string>()
  for (const c of configs) {
    const key = `${c.task}|${c.seqLen}|${c.textFile}`
    if (checked.has(key)) continue
    checked.add(key)
    const text = c.task === 'charlm' && c.textFile ? await readInput(c.textFile, 'textFile') : undefined
    try {
      createTask(c.task, { seqLen: c.seqLen, textFile: c.textFile, text }, c.dataSeed)
    } catch (err) {
      throw new InputError('seqLen', `task ${c.task} with seqLen ${c.seqLen ?? 'default'}: ${(err as Error).message}`)
    }
  }
}
