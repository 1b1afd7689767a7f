// A task: a seeded data generator, the head and loss it needs, how it is scored, and the trivial
// baseline every result is read against. Baselines are computed from the task's own data, never
// hard-coded (docs/NUMERICS.md §3).

import type { Batch } from '../backend'
import { Rng } from '../rng'
import type { FloatArray } from '../../../src-shared/gemm'
import { crossEntropyLoss, mseLoss } from '../../../src-shared/head'
import type { HeadConfig } from '../types'
import type { DataSettingValues } from '../../../src-shared/settings'

import type { TaskName } from '../../../src-shared/names'
export { TASK_NAMES, type TaskName } from '../../../src-shared/names'

export interface MetricSpec {
  /** Short name shown in tables: mse, rmse, ce, bpc, accuracy. */
  name: string
  lowerIsBetter: boolean
  /** What the number is, for people: "mean squared error", "RMSE in thousands of passengers". */
  description: string
}

export interface Baseline {
  metric: number
  /** How it was obtained: "predict the training mean", "seasonal naive (12 months earlier)". */
  description: string
  /**
   * The baseline metric's standard error over the validation items it averages (a finite
   * validation set makes it an estimate too): what "beat the baseline" must clear. Absent in runs
   * recorded before it was kept.
   */
  standardError?: number
  /** Validation items the metric averages over (sequences, or predicted positions). */
  items?: number
  /**
   * The baseline's loss on each validation item, in the order of ItemScoring.losses: what a run's
   * paired test compares against (engine/baseline-test.ts). Kept in memory, never stored.
   */
  losses?: Float64Array
}

/**
 * How a task's metric breaks down over its validation items, for the paired test against the
 * baselines: each item's loss (lower is better), whose mean gives the metric through `metricOf`.
 */
export interface ItemScoring {
  losses(outputs: FloatArray[], batches: Batch[]): Float64Array
  metricOf(meanLoss: number): number
  /** Items follow each other in time (a forecast's targets): resampled in blocks. */
  timeOrdered: boolean
  /** What one validation item is, in words: "validation sequences", "validation months". */
  unit: string
}

/**
 * The test split: held out from training and from every choice made on validation (the best
 * step, a tuned sweep's best trial). A run scores it once, after its last step. Its baselines are
 * scored on exactly these items, as the validation set's are on its own.
 */
export interface TestSet {
  batches: Batch[]
  baseline: Baseline
  classical?: Baseline
  /** What one test item is, in words: "test sequences", "test months". */
  unit: string
}

/**
 * The stream a generated task draws its test set from: the data seed hashed, so that no other
 * data seed's validation stream (seed ^ 0x5eed) can ever coincide with it by construction.
 */
export const testStream = (dataSeed: number): Rng => new Rng(new Rng((dataSeed ^ 0x7e57) >>> 0).nextU32())

/** A baseline without its per-item losses: what a run's figures store. */
export function storedBaseline(b: Baseline): Baseline {
  const { losses: _losses, ...rest } = b
  return rest
}

/** Squared errors of a one-output head, in the target's units (`scale` undoes the scaling). */
export function squaredErrors(out: FloatArray, targets: ArrayLike<number>, scale = 1): Float64Array {
  return Float64Array.from({ length: out.length }, (_, i) => ((out[i] - targets[i]) * scale) ** 2)
}

/** 1 where a classifier's argmax misses the label, else 0, per row. */
export function misclassified(out: FloatArray, targets: ArrayLike<number>, classes: number): Float64Array {
  return Float64Array.from({ length: targets.length }, (_, b) => (argmaxRow(out, b, classes) === targets[b] ? 0 : 1))
}

/**
 * Per sequence (batch row), the mean cross-entropy over its T predicted steps, times `scale`
 * (1/ln 2 for bits). Outputs and targets are time-major, [T, B, O] and [T, B].
 */
export function sequenceCrossEntropy(out: FloatArray, targets: ArrayLike<number>, T: number, B: number, O: number, scale = 1): Float64Array {
  const per = new Float64Array(B)
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const row = (t * B + b) * O
      let max = -Infinity
      for (let k = 0; k < O; k++) max = Math.max(max, out[row + k])
      let z = 0
      for (let k = 0; k < O; k++) z += Math.exp(out[row + k] - max)
      per[b] += (Math.log(z) + max - out[row + targets[t * B + b]]) * scale / T
    }
  }
  return per
}

/** Per sequence, the mean over its T steps of a per-step loss given time-major, [T, B]. */
export function sequenceMeans(values: ArrayLike<number>, T: number, B: number): Float64Array {
  const per = new Float64Array(B)
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) per[b] += values[t * B + b] / T
  return per
}

/** Mean of per-item losses and its standard error, sd / √n. */
export function meanWithError(losses: ArrayLike<number>): { mean: number; standardError: number; items: number } {
  const n = losses.length
  let sum = 0
  for (let i = 0; i < n; i++) sum += losses[i]
  const mean = sum / n
  let ss = 0
  for (let i = 0; i < n; i++) ss += (losses[i] - mean) ** 2
  return { mean, standardError: n > 1 ? Math.sqrt(ss / (n - 1) / n) : NaN, items: n }
}

/** How a task over the user's file reads it (series, classify): settings of a run, stated in the settings registry. */
export type DataSettings = DataSettingValues

export interface TaskOptions extends DataSettings {
  /** Sequence length: the adding problem's T, the copy task's delay, the airline window, text chunk. */
  seqLen?: number
  /** charlm: a text file to learn; the built-in corpus when absent. */
  textFile?: string
  /** charlm: the file's text, read by the caller (tasks never touch the file system). */
  text?: string
  /** series, classify: the data file's text, read by the caller. */
  data?: string
}

export interface Task {
  readonly name: TaskName
  readonly inputSize: number
  readonly head: HeadConfig
  /** Timesteps per training sequence. */
  readonly seqLen: number
  readonly metric: MetricSpec
  /** The trivial baseline: whether a run learned anything at all (the mean, the majority class, seasonal naive). */
  readonly baseline: Baseline
  /**
   * The classical baseline: whether a recurrent network is worth it here (a linear
   * autoregression, a bag-of-words classifier, a bigram model), where the task has one.
   */
  readonly classical?: Baseline
  /** Where the data come from, for the UI and reports. */
  readonly citation: string
  /** A training batch drawn from `rng`; the returned object is reused by the next call. */
  trainBatch(B: number, rng: { uniform(): number; int(n: number): number }): Batch
  /** The fixed validation set, identical for every run with the same task options and seed. */
  readonly validation: Batch[]
  /** The held-out test split and its baselines: read once a run has ended, never by training or selection. */
  readonly test: TestSet
  /** A fixed sample of the training data, scored like the validation set (the training metric). */
  readonly trainSample: Batch[]
  /** Score head outputs for `batches` (the validation or test set, or the training sample): the loss as trained, and the metric. */
  score(outputs: FloatArray[], batches: Batch[]): { loss: number; metric: number; /** Further measures, reported beside the metric: mase, macroF1. */ extra?: Record<string, number> }
  /** The metric over the validation or test items, for the paired tests against the baselines (their `losses`). */
  readonly items: ItemScoring
}

/** Loss over a batch's head outputs, the same reduction as training (mean), as its sum and count. */
export function lossSum(head: HeadConfig, out: FloatArray, targets: ArrayLike<number>): { sum: number; count: number } {
  if (head.loss === 'mse') return { sum: mseLoss(out.length, null, out, targets) * out.length, count: out.length }
  const rows = out.length / head.outputSize
  return { sum: crossEntropyLoss(rows, head.outputSize, null, out, targets) * rows, count: rows }
}

export function argmaxRow(out: FloatArray, row: number, O: number): number {
  let best = 0
  for (let k = 1; k < O; k++) if (out[row * O + k] > out[row * O + best]) best = k
  return best
}

/** A reusable batch of one shape. */
export function batchBuffers(T: number, B: number, inputSize: number, targetCount: number, classes: boolean): Batch & { x: Float32Array } {
  return { T, B, x: new Float32Array(T * B * inputSize), targets: classes ? new Int32Array(targetCount) : new Float32Array(targetCount) }
}

/**
 * Mean cross-entropy, in nats, of predicting each position's empirical class distribution
 * (input-independent), with its standard error over the predicted positions.
 */
export function marginalEntropy(counts: number[][], evalCounts: number[][]): { mean: number; standardError: number; items: number } {
  let total = 0, squares = 0, n = 0
  counts.forEach((train, pos) => {
    const sum = train.reduce((a, b) => a + b, 0)
    evalCounts[pos].forEach((c, k) => {
      if (c === 0) return
      const loss = -Math.log((train[k] + 1e-3) / (sum + 1e-3 * train.length))
      total += c * loss
      squares += c * loss * loss
      n += c
    })
  })
  const mean = total / n
  return { mean, standardError: Math.sqrt(Math.max(0, squares / n - mean * mean) / (n - 1)), items: n }
}
