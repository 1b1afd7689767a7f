// What a sweep will cost before it starts: its runs, their time and their memory. Time comes from
// the speeds this machine has already measured (past runs' GFLOP/s on the same backend and cell),
// else from a deliberately cautious default; memory is the analytic count the backends report.

import type { BackendName } from '../backend'
import { directions, parameterCount } from '../layout'
import { networkOf, stackFlops, type RunConfig } from '../run-config'
import type { TaskShape } from '../tasks'
import type { CellKind } from '../types'
import { BACKENDS, CELLS } from '../../../src-shared/names'
import { momentBuffers } from '../../../src-shared/settings'

/** The task facts an estimate needs, per (task, seqLen): from taskShape, which the caller runs. */
export type { TaskShape }

type SpeedTable = Partial<Record<BackendName, Partial<Record<CellKind, number>>>>
/** GFLOP/s measured here, by backend and cell (medians of finished runs of any task), and `ofTask`: the same per task. */
export type MeasuredSpeeds = SpeedTable & { ofTask?: Record<string, SpeedTable> }

/** Per-run cost that does not scale with FLOPs: worker start, task data, evaluation overhead. */
const RUN_OVERHEAD_S = 0.5

/** `measured`: from this machine's runs of the same task; `fromOtherTask`: from its runs of other tasks only, a guess. */
export interface RunEstimate { seconds: number; bytes: number; measured: boolean; fromOtherTask?: boolean }

export function estimateRun(config: RunConfig, shape: TaskShape, speeds: MeasuredSpeeds): RunEstimate {
  const network = networkOf(config, shape.inputSize)
  const params = parameterCount({ network, head: { kind: shape.head, outputSize: shape.outputSize, loss: shape.loss } })
  const optimizerCopies = momentBuffers({ kind: config.optimizer, momentum: config.momentum })
  const activations = CELLS[config.cell].savedPerStep * shape.seqLen * config.batchSize * config.hiddenSize * config.numLayers * directions(network)
  const bytes = 4 * (params * (2 + optimizerCopies) + activations + shape.seqLen * config.batchSize * shape.inputSize)

  const ownTask = speeds.ofTask?.[config.task]?.[config.backend]?.[config.cell]
  const anyTask = speeds[config.backend]?.[config.cell]
  // Old callers pass speeds without tasks: their table counts as measured, as before.
  const measured = speeds.ofTask ? ownTask : anyTask
  const fromOtherTask = measured === undefined && anyTask !== undefined
  const gflops = measured ?? anyTask ?? BACKENDS[config.backend].defaultGflops
  const stepSeconds = stackFlops(network, config.batchSize, shape.seqLen) / (gflops * 1e9)
  // Evaluations run the forward (a third of a step's FLOPs) over the validation and training samples.
  const evaluations = config.steps > 0 ? Math.ceil(config.steps / config.evalEvery) + 1 : 10
  const evalSeconds = evaluations * shape.evalBatches * 2 * stepSeconds / 3
  const byBudget = config.steps > 0 ? config.steps * stepSeconds + evalSeconds : Infinity
  const seconds = Math.min(byBudget, config.seconds > 0 ? config.seconds + evalSeconds : Infinity) + RUN_OVERHEAD_S
  return { seconds, bytes, measured: measured !== undefined, ...(fromOtherTask ? { fromOtherTask } : {}) }
}

export interface SweepEstimate {
  runs: number
  /** Wall time with `workers` threads, runs handed out in order. */
  seconds: number
  /** The largest run's analytic memory times the runs that can be in flight at once. */
  peakBytes: number
  /** Runs whose speed came from this machine's own measurements of the same task, not a guess. */
  measuredRuns: number
  /** Runs whose speed is guessed from this machine's runs of other tasks. */
  otherTaskRuns?: number
}

export function estimateSweep(perRun: RunEstimate[], workers: number): SweepEstimate {
  // Greedy in order, as the runner hands runs out: each goes to the worker free first.
  const free = new Array(Math.max(1, Math.min(workers, perRun.length))).fill(0) as number[]
  for (const r of perRun) {
    const i = free.indexOf(Math.min(...free))
    free[i] += r.seconds
  }
  const largest = [...perRun].sort((a, b) => b.bytes - a.bytes).slice(0, free.length)
  return {
    runs: perRun.length,
    seconds: perRun.length ? Math.max(...free) : 0,
    peakBytes: largest.reduce((a, r) => a + r.bytes, 0),
    measuredRuns: perRun.filter((r) => r.measured).length,
    ...(perRun.some((r) => r.fromOtherTask) ? { otherTaskRuns: perRun.filter((r) => r.fromOtherTask).length } : {}),
  }
}
