// From a spec to runs that can start here: presets for this machine's backends, the checks made
// before anything is stored, and the estimate shown before a sweep starts. Shared by the CLI, the
// desktop app and `rnnbench serve`.

import { powerWarnings } from '../engine/sweep/power'
import { BACKEND_NAMES, type BackendName } from '../engine/backend'
import { probeBackend } from '../engine/backends'
import { InputError } from '../engine/errors'
import type { RunConfig } from '../engine/run-config'
import { estimateRun, estimateSweep, type MeasuredSpeeds, type RunEstimate, type SweepEstimate } from '../engine/sweep/estimate'
import { expandSweep, type Expansion } from '../engine/sweep/expand'
import { shardPositions, type Shard } from '../engine/sweep/shard'
import { PRESET_NAMES, presetSpec, type PresetName } from '../engine/sweep/presets'
import { checkSweepSize, tunedRuns, type SweepSpec } from '../engine/sweep/spec'
import { groupBy } from '../../src-shared/collections'
import { tuneWarnings } from '../engine/sweep/tune'
import { DATA_FILE_TASKS, taskOptions, taskShape, type TaskShape } from '../engine/tasks'
import { readDataFile } from '../engine/data-file'
import type { Store } from '../store/store'
import { BACKENDS, presetSchedules } from '../../src-shared/names'
import { formatBytes } from '../../src-shared/format'
import { MAX_NETWORK_BYTES } from '../engine/layout'
import { totalmem } from 'node:os'

/** Reads a charlm text file; the CLI reads the file system, with errors naming the field. */
export type ReadText = (path: string, field: string) => Promise<string>

/** The backends a preset schedules here: rnnbench's own that are available, webgpu only on a real GPU. */
export async function presetBackends(): Promise<BackendName[]> {
  // The rule is the backend registry's (src-shared/names.ts): name webgpu in a spec to run a
  // software adapter anyway; PyTorch's backends run when named, beside these.
  const backends: BackendName[] = []
  for (const b of BACKEND_NAMES) {
    if (BACKENDS[b].presets === 'never') continue
    if (presetSchedules(b, await probeBackend(b))) backends.push(b)
  }
  return backends
}

export async function presetFor(name: string, field = '--preset'): Promise<SweepSpec> {
  if (!(PRESET_NAMES as readonly string[]).includes(name)) throw new InputError(field, `unknown preset ${JSON.stringify(name)}; valid: ${PRESET_NAMES.join(', ')}`)
  return presetSpec(name as PresetName, await presetBackends())
}

/**
 * Before anything is stored: every backend can run here and every task can be built (text files
 * read). Returns each distinct task's shape, which the estimate needs.
 */
export async function checkRunnable(configs: RunConfig[], readText: ReadText): Promise<Map<string, TaskShape>> {
  for (const backend of new Set(configs.map((c) => c.backend))) {
    const probe = await probeBackend(backend)
    if (!probe.available) throw new InputError('backend', `${backend} is not available here (${probe.reason}); remove it from the sweep, or see \`rnnbench doctor\``)
  }
  const shapes = new Map<string, TaskShape>()
  const texts = new Map<string, string>()
  for (const c of configs) {
    const key = taskKey(c)
    if (shapes.has(key)) continue
    let text: string | undefined
    if (c.task === 'charlm' && c.textFile) {
      if (!texts.has(c.textFile)) texts.set(c.textFile, await readText(c.textFile, 'textFile'))
      text = texts.get(c.textFile)
    }
    if (DATA_FILE_TASKS.includes(c.task)) {
      if (!c.dataFile) throw new InputError('dataFile', `the ${c.task} task needs dataFile: the path of a CSV or TSV file with a header row`)
      // Read and checked here, before anything is stored: every problem is one line, exit 2.
      if (!texts.has(`data:${c.dataFile}`)) texts.set(`data:${c.dataFile}`, await readDataFile(c.dataFile, 'dataFile'))
      text = texts.get(`data:${c.dataFile}`)
    }
    try {
      shapes.set(key, taskShape(c.task, taskOptions(c, text)))
    } catch (err) {
      if (err instanceof InputError) throw err
      throw new InputError('seqLen', `task ${c.task} with seqLen ${c.seqLen ?? 'default'}: ${(err as Error).message}`)
    }
  }
  return shapes
}

const taskKey = (c: RunConfig) => JSON.stringify([c.task, taskOptions(c)])

/** Median GFLOP/s of this database's finished runs, by backend and cell. */
export function measuredSpeeds(store: Store): MeasuredSpeeds {
  // Medians per backend and cell over every task, and per task: a task's own speeds are measured;
  // another task's (its evaluations and data cost differ) are a guess, and said to be one.
  const samples = new Map<string, number[]>()
  for (const r of store.speedSamples()) {
    for (const key of [`*|${r.backend}|${r.cell}`, `${r.task}|${r.backend}|${r.cell}`]) samples.set(key, [...(samples.get(key) ?? []), r.gflops])
  }
  const speeds: MeasuredSpeeds = {}
  for (const [key, values] of samples) {
    const [task, backend, cell] = key.split('|') as [string, BackendName, RunConfig['cell']]
    const sorted = values.sort((a, b) => a - b)
    const into = task === '*' ? speeds : ((speeds.ofTask ??= {})[task] ??= {})
    ;(into[backend] ??= {})[cell] = sorted[Math.floor(sorted.length / 2)]
  }
  return speeds
}

/** The runs to store (a shard's share, or all), their places in the expanded sweep, and the estimate. */
/** `warnings`: what will run but cannot answer well (a tuned sweep with too few final seeds), one sentence each. */
export interface SweepPlan { spec: SweepSpec; configs: RunConfig[]; positions: number[]; total: number; estimate: SweepEstimate; warnings: string[] }

/**
 * The most model memory one run may need before a sweep refuses it, as `bench` refuses a network:
 * past this its typed arrays fail to allocate, after the sweep has started ("Array buffer
 * allocation failed"), where a refusal before it costs nothing.
 */
export const MAX_RUN_BYTES = MAX_NETWORK_BYTES

export interface PlanOptions {
  store: Store | null; workers: number; readText: ReadText; shard?: Shard | null; maxRuns?: number
  /** Plan runs over the memory bound anyway (--allow-large). */
  allowLarge?: boolean
  /** How the caller's user lifts the bound, for the refusal (the CLI: "add --allow-large"). */
  allowLargeHint?: string
  /** Expand as a stored sweep was expanded (a resume); new sweeps take the current EXPANSION. */
  expansion?: Expansion
}

/** Expand, check and estimate a validated spec: what the builder shows and `sweep` stores. */
export async function planSweep(spec: SweepSpec, options: PlanOptions): Promise<SweepPlan> {
  checkSweepSize(spec, options.maxRuns)
  const all = expandSweep(spec, options.expansion)
  const positions = options.shard ? shardPositions(all, options.shard) : all.map((_, i) => i)
  const configs = positions.map((i) => all[i])
  const shapes = await checkRunnable(configs, options.readText)
  const speeds = options.store ? measuredSpeeds(options.store) : {}
  const perRun = configs.map((c) => estimateRun(c, shapes.get(taskKey(c))!, speeds))
  if (!options.allowLarge) checkMemory(configs, positions, perRun.map((r) => r.bytes), estimateSweep(perRun, options.workers), options.allowLargeHint)
  // A tuned sweep's re-runs are planned when its trials end; until then each counts as the mean of
  // its cell's trials here (a whole sweep: a shard runs trials only).
  const final = spec.tune ? tunedRuns(spec).final : 0
  const reruns = spec.tune && !options.shard ? finalEstimates(configs, perRun, final) : []
  const estimate = estimateSweep([...perRun, ...reruns], options.workers)
  return { spec, configs, positions, total: all.length + final, estimate, warnings: [...tuneWarnings(spec), ...powerWarnings(spec, all)] }
}

/** Stand-ins for a tuned sweep's re-runs: per cell, the mean of its trials' estimates, as many as it will re-run. */
function finalEstimates(trials: RunConfig[], perRun: RunEstimate[], count: number): RunEstimate[] {
  const byCell = groupBy(trials.map((c, i) => ({ c, e: perRun[i] })), (x) => x.c.cell)
  return [...byCell.values()].flatMap((xs) => {
    const mean = (f: (e: RunEstimate) => number) => xs.reduce((s, x) => s + f(x.e), 0) / xs.length
    const stand: RunEstimate = { seconds: mean((e) => e.seconds), bytes: Math.max(...xs.map((x) => x.e.bytes)), measured: xs.every((x) => x.e.measured), fromOtherTask: xs.some((x) => x.e.fromOtherTask) }
    return Array.from({ length: Math.round((count * xs.length) / trials.length) }, () => stand)
  })
}

/** An InputError when one run needs more than MAX_RUN_BYTES, or the runs at once more than this machine's memory. */
function checkMemory(configs: RunConfig[], positions: number[], bytes: number[], estimate: SweepEstimate, hint = ''): void {
  const worst = bytes.reduce((w, b, i) => (b > bytes[w] ? i : w), 0)
  const lift = hint ? `, or ${hint}` : ''
  if (bytes[worst] > MAX_RUN_BYTES) {
    const c = configs[worst]
    throw new InputError('hiddenSize', `run ${positions[worst] + 1} (${c.cell}, hidden size ${c.hiddenSize}, ${c.numLayers} layer${c.numLayers === 1 ? '' : 's'}, batch ${c.batchSize}, sequence length ${c.seqLen ?? 'the task\'s'}) needs about ${formatBytes(bytes[worst])} of model memory, over the ${formatBytes(MAX_RUN_BYTES)} one run may use; use a smaller hiddenSize, batchSize or seqLen${lift}`)
  }
  const machine = totalmem()
  if (estimate.peakBytes > machine) {
    throw new InputError('workers', `the runs in flight at once need about ${formatBytes(estimate.peakBytes)} of model memory, more than this machine's ${formatBytes(machine)}; use fewer workers or smaller runs${lift}`)
  }
}
