// Forecasting a univariate series from a window of its past, as the `series` task (the user's CSV),
// `co2` (Mauna Loa) and the classical baselines of `airline` do it. The window of `window` values
// ending at step e predicts the value at e + horizon. The targets are split in time order: the last
// `testFraction` are the test set, the same share before them the validation set, the rest train;
// scaling uses the training part only. The metric is RMSE in the series' own units; MASE (mean
// absolute error over the in-sample seasonal naive's) rides along. Two baselines, each scored on
// the validation and on the test targets with its standard error:
// - trivial: seasonal naive, the value one season (or `horizon` steps, if longer) before, known at
//   the forecast origin;
// - classical: the better, on the training part, of seasonal naive with drift and a least-squares
//   linear autoregression over the same window. Chosen without looking at the test targets.

import type { Batch } from '../backend'
import { InputError } from '../errors'
import { batchBuffers, meanWithError, squaredErrors, type Baseline, type Task, type TaskName } from './task'

export interface ForecastOptions {
  name: TaskName
  values: readonly number[]
  /** Further series of the same length, fed beside the values at every step of the window. */
  covariates?: ReadonlyArray<readonly number[]>
  window: number
  horizon: number
  testFraction: number
  seasonality: number
  unit: string
  citation: string
  /** What the series is, for the metric's description: "the CO2 concentration". */
  what: string
}

/** Target indices of a chronological split: training, then validation, then test. */
export interface ForecastSplit { train: number[]; validation: number[]; test: number[] }

/** The targets the split gives, checked long enough: the last `testFraction` test, as many before them validation. */
export function forecastSplit(n: number, window: number, horizon: number, testFraction: number): ForecastSplit {
  const first = window - 1 + horizon
  const targets = n - first
  const testCount = Math.max(1, Math.ceil(targets * testFraction))
  const trainCount = targets - 2 * testCount
  if (targets < 12 || trainCount < 8 || testCount < 2) {
    throw new InputError('seqLen', `a series of ${n} values is too short for a window of ${window}${horizon > 1 ? ` and a horizon of ${horizon}` : ''}: it leaves ${Math.max(0, trainCount)} training, ${Math.max(0, testCount)} validation and ${Math.max(0, testCount)} test targets (at least 8, 2 and 2); shorten the window`)
  }
  const run = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i)
  return { train: run(first, trainCount), validation: run(first + trainCount, testCount), test: run(first + trainCount + testCount, testCount) }
}

/** RMSE over squared errors, with its standard error by the delta method: SE(MSE) / (2·RMSE). */
function rmseBaseline(squares: number[], description: string): Baseline {
  const m = meanWithError(squares)
  const rmse = Math.sqrt(m.mean)
  return { metric: rmse, standardError: rmse > 0 ? m.standardError / (2 * rmse) : 0, items: m.items, losses: Float64Array.from(squares), description }
}

/** Least squares with a tiny ridge: w minimising ‖Xw − y‖² + λ‖w‖² (X row-major, n × p), by Cholesky. */
export function leastSquares(X: Float64Array, y: Float64Array, n: number, p: number, lambda = 1e-12): Float64Array {
  const A = new Float64Array(p * p), b = new Float64Array(p)
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < p; i++) {
      const xi = X[r * p + i]
      b[i] += xi * y[r]
      for (let j = 0; j <= i; j++) A[i * p + j] += xi * X[r * p + j]
    }
  }
  let trace = 0
  for (let i = 0; i < p; i++) trace += A[i * p + i]
  for (let i = 0; i < p; i++) A[i * p + i] += lambda * (trace / p || 1)
  // Cholesky A = L Lᵀ, lower triangle in place.
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * p + j]
      for (let k = 0; k < j; k++) s -= A[i * p + k] * A[j * p + k]
      A[i * p + j] = i === j ? Math.sqrt(Math.max(s, 1e-300)) : s / A[j * p + j]
    }
  }
  const z = new Float64Array(p), w = new Float64Array(p)
  for (let i = 0; i < p; i++) { let s = b[i]; for (let k = 0; k < i; k++) s -= A[i * p + k] * z[k]; z[i] = s / A[i * p + i] }
  for (let i = p - 1; i >= 0; i--) { let s = z[i]; for (let k = i + 1; k < p; k++) s -= A[k * p + i] * w[k]; w[i] = s / A[i * p + i] }
  return w
}

/**
 * The two baselines of a forecast, from the data alone, scored on the `held` targets (the
 * validation or the test part). `train` and `held` are target indices; the window and horizon are
 * the networks' own. Both are fitted, and the classical one chosen, on the training part only.
 */
export function forecastBaselines(values: readonly number[], split: { train: number[]; held: number[] }, window: number, horizon: number, seasonality: number): { trivial: Baseline; classical: Baseline; maseScale: number } {
  const m = Math.max(1, seasonality)
  const back = m * Math.ceil(horizon / m) // the same season, at or before the forecast origin
  const naive = (t: number) => (t - back >= 0 ? values[t - back] : values[t - horizon])
  const lastTrain = split.train.at(-1)!
  const drift = (values[lastTrain] - values[0]) / Math.max(1, lastTrain)
  const withDrift = (t: number) => naive(t) + (t - back >= 0 ? back : horizon) * drift
  // The linear autoregression: y_t on [1, the window ending at t − horizon], fitted on the training targets.
  const p = window + 1
  const row = (t: number, out: Float64Array, at: number) => { out[at] = 1; for (let k = 0; k < window; k++) out[at + 1 + k] = values[t - horizon - window + 1 + k] }
  const X = new Float64Array(split.train.length * p), y = new Float64Array(split.train.length)
  split.train.forEach((t, r) => { row(t, X, r * p); y[r] = values[t] })
  const w = leastSquares(X, y, split.train.length, p)
  const scratch = new Float64Array(p)
  const ar = (t: number) => { row(t, scratch, 0); let s = 0; for (let k = 0; k < p; k++) s += w[k] * scratch[k]; return s }

  const trainRmse = (f: (t: number) => number) => Math.sqrt(split.train.reduce((s, t) => s + (values[t] - f(t)) ** 2, 0) / split.train.length)
  const squares = (f: (t: number) => number) => split.held.map((t) => (values[t] - f(t)) ** 2)
  const season = m > 1 ? `the value ${back === m ? 'one season' : `${back / m} seasons`}, ${back} steps, earlier` : `the value ${horizon} step${horizon > 1 ? 's' : ''} earlier`
  const trivial = rmseBaseline(squares(naive), `seasonal naive: ${season}`)
  const driftFit = trainRmse(withDrift), arFit = trainRmse(ar)
  const classical = arFit <= driftFit
    ? rmseBaseline(squares(ar), `linear autoregression on the same ${window}-step window (least squares; chosen over seasonal naive with drift on the training part)`)
    : rmseBaseline(squares(withDrift), `seasonal naive with drift (chosen over a linear autoregression on the ${window}-step window on the training part)`)
  // MASE's scale: the in-sample one-season naive forecast's mean absolute error.
  let abs = 0, count = 0
  for (let t = m; t <= lastTrain; t++) { abs += Math.abs(values[t] - values[t - m]); count++ }
  return { trivial, classical, maseScale: count ? abs / count : NaN }
}

export function forecastTask(o: ForecastOptions): Task {
  const { values, window, horizon } = o
  const split = forecastSplit(values.length, window, horizon, o.testFraction)
  const lastTrain = split.train.at(-1)!
  const trainPart = values.slice(0, lastTrain + 1)
  const mean = trainPart.reduce((a, b) => a + b, 0) / trainPart.length
  const std = Math.sqrt(trainPart.reduce((s, v) => s + (v - mean) ** 2, 0) / trainPart.length) || 1
  const scaled = values.map((v) => (v - mean) / std)
  // Covariates are scaled on the training part too, each by its own statistics.
  const extra = (o.covariates ?? []).map((c) => {
    const part = c.slice(0, lastTrain + 1)
    const m = part.reduce((a, b) => a + b, 0) / part.length
    const sd = Math.sqrt(part.reduce((s, v) => s + (v - m) ** 2, 0) / part.length) || 1
    return c.map((v) => (v - m) / sd)
  })
  const F = 1 + extra.length
  const { trivial, classical, maseScale } = forecastBaselines(values, { train: split.train, held: split.validation }, window, horizon, o.seasonality)
  const onTest = forecastBaselines(values, { train: split.train, held: split.test }, window, horizon, o.seasonality)

  /** Windows predicting these targets: x [W, n, F] (the series, then its covariates), targets [n, 1] scaled. */
  const fill = (targets: number[], batch: Batch & { x: Float32Array }) => {
    const n = targets.length, y = batch.targets as Float32Array
    targets.forEach((t, b) => {
      for (let k = 0; k < window; k++) {
        const at = t - horizon - window + 1 + k, row = (k * n + b) * F
        batch.x[row] = scaled[at]
        for (let f = 1; f < F; f++) batch.x[row + f] = extra[f - 1][at]
      }
      y[b] = scaled[t]
    })
    return batch
  }
  // The training metric reads an evenly spaced sample of at most 2,048 training targets.
  const stride = Math.max(1, Math.ceil(split.train.length / 2048))
  const sample = split.train.filter((_, i) => i % stride === 0)
  const validation = [fill(split.validation, batchBuffers(window, split.validation.length, F, split.validation.length, false))]
  const test = [fill(split.test, batchBuffers(window, split.test.length, F, split.test.length, false))]
  const trainSample = [fill(sample, batchBuffers(window, sample.length, F, sample.length, false))]
  let scratch: (Batch & { x: Float32Array }) | null = null
  const head = { kind: 'last', outputSize: 1, loss: 'mse' } as const
  return {
    name: o.name, inputSize: F, head, seqLen: window,
    metric: { name: 'rmse', lowerIsBetter: true, description: `RMSE of the ${horizon}-step-ahead forecast of ${o.what} on ${split.validation.length} held-out targets, in ${o.unit}` },
    baseline: trivial, classical,
    test: { batches: test, baseline: onTest.trivial, classical: onTest.classical, unit: 'test targets' },
    citation: `${o.citation} ${split.train.length} training, ${split.validation.length} validation and ${split.test.length} test targets (the last ${Math.round(o.testFraction * 100)}% test, as many before them validation), window ${window}, horizon ${horizon}.`,
    validation, trainSample,
    trainBatch(B, rng) {
      if (!scratch || scratch.B !== B) scratch = batchBuffers(window, B, F, B, false)
      return fill(Array.from({ length: B }, () => split.train[rng.int(split.train.length)]), scratch)
    },
    score(outputs, batches) {
      const out = outputs[0], y = batches[0].targets
      let sq = 0, abs = 0
      for (let b = 0; b < out.length; b++) { const d = out[b] - y[b]; sq += d * d; abs += Math.abs(d) }
      const mse = sq / out.length
      return { loss: mse, metric: Math.sqrt(mse) * std, extra: { mase: (abs / out.length) * std / maseScale } }
    },
    items: { losses: (outputs, batches) => squaredErrors(outputs[0], batches[0].targets, std), metricOf: Math.sqrt, timeOrdered: true, unit: 'validation targets' },
  }
}
