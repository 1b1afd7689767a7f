// Did a run learn? A paired test of the network's errors against a baseline's on the same
// validation items: per item, the difference of their losses (the network's squared error minus the
// baseline's, one minus correct, bits), and a bootstrap of the mean difference. Items that follow
// each other in time (a forecast's consecutive months) are resampled in moving blocks, so that
// neighbouring errors that move together are not counted as independent evidence (Künsch 1989).
// Runs inside the training run, where the predictions are; the verdicts read what it records.

import { Rng } from './rng'

/** One-sided level of the per-run test. */
export const BASELINE_TEST_ALPHA = 0.05
export const BASELINE_TEST_RESAMPLES = 1999

export interface ItemLosses {
  /** Per validation item, the network's loss (lower is better) whose mean gives the metric through `metricOf`. */
  model: ArrayLike<number>
  /** The baseline's loss on the same items, in the same order. */
  baseline: ArrayLike<number>
  /** The metric from a mean loss: √ for an RMSE, 1 − m for an accuracy. */
  metricOf(meanLoss: number): number
  /** Items in time order, resampled in blocks. */
  timeOrdered: boolean
}

export interface BaselineTest {
  /** The run's errors are lower than the baseline's at one-sided p ≤ BASELINE_TEST_ALPHA. */
  beat: boolean
  /** The metric the run had to pass: the baseline's, moved by the 95th percentile of the paired difference's bootstrap spread. */
  bar: number
  p: number
  items: number
  method: 'bootstrap' | 'block-bootstrap'
  /** Items per resampled block (1 for the plain bootstrap). */
  block: number
  resamples: number
}

/** Block length for n time-ordered items: n^(1/3), the usual rate for the moving-block bootstrap of a mean. */
export const blockLength = (n: number): number => Math.max(1, Math.round(Math.cbrt(n)))

/**
 * The paired test. With d the per-item differences (model − baseline) and T* the bootstrap
 * distribution of mean(d*) − E*[mean(d*)], p = (1 + #{T* ≥ −mean(d)}) / (1 + R); the bar is the
 * metric of mean(baseline) − q, q the order statistic of T* that makes "passes the bar" and
 * "p ≤ α" the same statement.
 */
export function pairedBaselineTest(losses: ItemLosses, seed: number): BaselineTest | null {
  const n = losses.model.length
  if (n < 2 || losses.baseline.length !== n) return null
  const d = new Float64Array(n)
  let meanD = 0, meanBaseline = 0
  for (let i = 0; i < n; i++) {
    d[i] = losses.model[i] - losses.baseline[i]
    if (!Number.isFinite(d[i])) return null
    meanD += d[i]; meanBaseline += losses.baseline[i]
  }
  meanD /= n; meanBaseline /= n
  const block = losses.timeOrdered ? blockLength(n) : 1
  const R = BASELINE_TEST_RESAMPLES
  const rng = new Rng(seed)
  const means = new Float64Array(R)
  const starts = n - block + 1, blocks = Math.ceil(n / block)
  for (let r = 0; r < R; r++) {
    let sum = 0, taken = 0
    for (let k = 0; k < blocks; k++) {
      const s = rng.int(starts)
      for (let j = 0; j < block && taken < n; j++, taken++) sum += d[s + j]
    }
    means[r] = sum / n
  }
  // Centred on the bootstrap's own mean: blocks weight the ends of the series less than the middle.
  const centre = means.reduce((a, b) => a + b, 0) / R
  const t = means.map((m) => m - centre).sort()
  let atLeast = 0
  for (const v of t) if (v >= -meanD) atLeast++
  // p ≤ α exactly when #{T* ≥ −mean(d)} ≤ α(R + 1) − 1, that is when −mean(d) > t[R − α(R + 1)]: the bar on the loss scale.
  const allowed = Math.round(BASELINE_TEST_ALPHA * (R + 1)) - 1
  const q = t[R - 1 - allowed]
  return {
    beat: atLeast <= allowed, p: (1 + atLeast) / (1 + R), bar: losses.metricOf(Math.max(0, meanBaseline - q)), items: n,
    method: block > 1 ? 'block-bootstrap' : 'bootstrap', block, resamples: R,
  }
}
