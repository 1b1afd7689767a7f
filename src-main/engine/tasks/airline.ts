// Airline passengers: monthly totals of international airline passengers, in thousands, January
// 1949 to December 1960 (Box & Jenkins, Time Series Analysis, Series G). Forecast next month from
// the previous `window` months. The conventional test set, the last 24 months (1959–1960), is kept
// as the test set; the 24 months before it (1957–1958) are the validation set, and the 96 before
// those train. Scaling uses statistics of the training part only. RMSE in passengers (thousands);
// the baseline is the seasonal naive forecast, the value 12 months earlier.

import type { Batch } from '../backend'
import { forecastBaselines } from './forecast'
import { batchBuffers, meanWithError, squaredErrors, type Task } from './task'

export const AIRLINE_PASSENGERS: readonly number[] = [
  112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118, // 1949
  115, 126, 141, 135, 125, 149, 170, 170, 158, 133, 114, 140, // 1950
  145, 150, 178, 163, 172, 178, 199, 199, 184, 162, 146, 166, // 1951
  171, 180, 193, 181, 183, 218, 230, 242, 209, 191, 172, 194, // 1952
  196, 196, 236, 235, 229, 243, 264, 272, 237, 211, 180, 201, // 1953
  204, 188, 235, 227, 234, 264, 302, 293, 259, 229, 203, 229, // 1954
  242, 233, 267, 269, 270, 315, 364, 347, 312, 274, 237, 278, // 1955
  284, 277, 317, 313, 318, 374, 413, 405, 355, 306, 271, 306, // 1956
  315, 301, 356, 348, 355, 422, 465, 467, 404, 347, 305, 336, // 1957
  340, 318, 362, 348, 363, 435, 491, 505, 404, 359, 310, 337, // 1958
  360, 342, 406, 396, 420, 472, 548, 559, 463, 407, 362, 405, // 1959
  417, 391, 419, 461, 472, 535, 622, 606, 508, 461, 390, 432, // 1960
]

export const AIRLINE_CITATION =
  'Airline passengers, monthly totals in thousands, Jan 1949 – Dec 1960: Box, G. E. P. & Jenkins, G. M. (1976), ' +
  'Time Series Analysis: Forecasting and Control, Series G. Split: 96 months train (1949–1956), 24 validation (1957–1958), 24 test (1959–1960).'

const TRAIN_MONTHS = 96, HELD_MONTHS = 24

export function checkAirlineWindow(window: number): void {
  if (window < 1 || window >= TRAIN_MONTHS) throw new Error(`airline window must be 1–${TRAIN_MONTHS - 1} months`)
}

export function airlineTask(window: number): Task {
  const data = AIRLINE_PASSENGERS
  checkAirlineWindow(window)
  const train = data.slice(0, TRAIN_MONTHS)
  const mean = train.reduce((a, b) => a + b, 0) / train.length
  const std = Math.sqrt(train.reduce((s, v) => s + (v - mean) ** 2, 0) / train.length)
  const scaled = data.map((v) => (v - mean) / std)

  /** Windows predicting months [from, to): x [W, n, 1], targets [n, 1] scaled. */
  const windows = (months: number[], batch: Batch & { x: Float32Array }) => {
    const n = months.length, y = batch.targets as Float32Array
    months.forEach((m, b) => {
      for (let t = 0; t < window; t++) batch.x[t * n + b] = scaled[m - window + t]
      y[b] = scaled[m]
    })
    return batch
  }
  const months = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i)
  const validationMonths = months(TRAIN_MONTHS, HELD_MONTHS), testMonths = months(TRAIN_MONTHS + HELD_MONTHS, HELD_MONTHS)
  const trainMonths = months(window, TRAIN_MONTHS - window)
  const validation = [windows(validationMonths, batchBuffers(window, HELD_MONTHS, 1, HELD_MONTHS, false))]
  const test = [windows(testMonths, batchBuffers(window, HELD_MONTHS, 1, HELD_MONTHS, false))]
  const trainSample = [windows(trainMonths, batchBuffers(window, trainMonths.length, 1, trainMonths.length, false))]
  /** Both baselines on the `held` months: seasonal naive, and the classical forecast chosen on the training months (forecastBaselines). */
  const baselines = (held: number[]) => {
    // RMSE = √(mean squared error); its standard error by the delta method, SE(MSE) / (2·RMSE).
    const seasonalSquares = Float64Array.from(held, (m) => (data[m] - data[m - 12]) ** 2)
    const squared = meanWithError(seasonalSquares)
    const seasonal = Math.sqrt(squared.mean)
    const { classical } = forecastBaselines(data, { train: trainMonths, held }, window, 1, 12)
    return { baseline: { metric: seasonal, standardError: squared.standardError / (2 * seasonal), items: squared.items, losses: seasonalSquares, description: 'seasonal naive: the value 12 months earlier' }, classical }
  }

  let scratch: (Batch & { x: Float32Array }) | null = null
  const head = { kind: 'last', outputSize: 1, loss: 'mse' } as const
  return {
    name: 'airline', inputSize: 1, head, seqLen: window,
    metric: { name: 'rmse', lowerIsBetter: true, description: 'RMSE of the one-month forecast on 24 held-out months, in thousands of passengers' },
    ...baselines(validationMonths),
    test: { batches: test, ...baselines(testMonths), unit: 'test months' },
    citation: AIRLINE_CITATION,
    validation, trainSample,
    trainBatch(B, rng) {
      if (!scratch || scratch.B !== B) scratch = batchBuffers(window, B, 1, B, false)
      return windows(Array.from({ length: B }, () => trainMonths[rng.int(trainMonths.length)]), scratch)
    },
    score(outputs, batches) {
      const out = outputs[0], y = batches[0].targets
      let sq = 0
      for (let b = 0; b < out.length; b++) sq += (out[b] - y[b]) ** 2
      const mse = sq / out.length
      return { loss: mse, metric: Math.sqrt(mse) * std }
    },
    // Squared errors in passengers (thousands), so that their mean's root is the RMSE.
    items: { losses: (outputs, batches) => squaredErrors(outputs[0], batches[0].targets, std), metricOf: Math.sqrt, timeOrdered: true, unit: 'validation months' },
  }
}
