// The adding problem (Hochreiter & Schmidhuber 1997; the variant of Le et al. 2015 and Bai et al.
// 2018): each step carries a value U(0,1) and a marker; exactly two steps are marked, at random
// distinct positions; the target is the sum of the two marked values. Sequence-to-one regression.

import { Rng } from '../rng'
import type { Batch } from '../backend'
import { leastSquares } from './forecast'
import { batchBuffers, lossSum, meanWithError, squaredErrors, testStream, type Baseline, type Task } from './task'

/** Flat inputs a linear model takes at most: 2T + 1 features; longer sequences have no classical baseline. */
const MAX_LINEAR_FEATURES = 513

/**
 * The classical baseline: least squares on the flat sequence (every value and marker, and a bias),
 * fitted on `reference`, scored on a held-out set (validation or test). A linear model cannot multiply a value by
 * its marker, so it should do little better than the mean: what a recurrent network must beat.
 */
function linearBaseline(reference: Batch & { x: Float32Array }, validation: Batch & { x: Float32Array }, T: number): Baseline | undefined {
  const p = 2 * T + 1
  if (p > MAX_LINEAR_FEATURES) return undefined
  const rows = (batch: Batch & { x: Float32Array }) => {
    const X = new Float64Array(batch.B * p)
    for (let b = 0; b < batch.B; b++) {
      X[b * p] = 1
      for (let t = 0; t < T; t++) { X[b * p + 1 + 2 * t] = batch.x[(t * batch.B + b) * 2]; X[b * p + 2 + 2 * t] = batch.x[(t * batch.B + b) * 2 + 1] }
    }
    return X
  }
  const w = leastSquares(rows(reference), Float64Array.from(reference.targets), reference.B, p, 1e-6)
  const X = rows(validation)
  const squares = Array.from(validation.targets, (y, b) => { let s = 0; for (let k = 0; k < p; k++) s += w[k] * X[b * p + k]; return (y - s) ** 2 })
  const m = meanWithError(squares)
  return { metric: m.mean, standardError: m.standardError, items: m.items, losses: Float64Array.from(squares), description: 'linear regression on the flat sequence (least squares; it cannot pick out the marked values)' }
}

const VALIDATION_SIZE = 512

export function addingTask(seqLen: number, seed: number): Task {
  const T = seqLen
  const fill = (batch: Batch & { x: Float32Array }, rng: { uniform(): number; int(n: number): number }) => {
    const { B, x } = batch
    const targets = batch.targets as Float32Array
    x.fill(0)
    for (let b = 0; b < B; b++) {
      const first = rng.int(T)
      let second = rng.int(T - 1)
      if (second >= first) second++
      let sum = 0
      for (let t = 0; t < T; t++) {
        const v = rng.uniform()
        const at = (t * B + b) * 2
        x[at] = v
        if (t === first || t === second) { x[at + 1] = 1; sum += v }
      }
      targets[b] = sum
    }
    return batch
  }

  const validation = [fill(batchBuffers(T, VALIDATION_SIZE, 2, VALIDATION_SIZE, false), new Rng(seed ^ 0x5eed))]
  const testBatch = fill(batchBuffers(T, VALIDATION_SIZE, 2, VALIDATION_SIZE, false), testStream(seed))
  const trainSample = [fill(batchBuffers(T, VALIDATION_SIZE, 2, VALIDATION_SIZE, false), new Rng(seed ^ 0x7a11))]
  // Baseline: predict the mean target seen in training data (≈ 1, MSE ≈ 1/6), on each held-out set.
  const reference = fill(batchBuffers(T, 4096, 2, 4096, false), new Rng(seed ^ 0xba5e))
  const mean = Array.from(reference.targets).reduce((a, b) => a + b, 0) / reference.B
  const trivial = (held: Batch): Baseline => {
    const squares = Float64Array.from(held.targets, (y) => (y - mean) ** 2)
    const m = meanWithError(squares)
    return { metric: m.mean, standardError: m.standardError, items: m.items, losses: squares, description: `predict the mean target (${mean.toFixed(3)})` }
  }
  const classical = linearBaseline(reference, validation[0], T)
  const testClassical = linearBaseline(reference, testBatch, T)

  let scratch: (Batch & { x: Float32Array }) | null = null
  const head = { kind: 'last', outputSize: 1, loss: 'mse' } as const
  return {
    name: 'adding', inputSize: 2, head, seqLen: T,
    metric: { name: 'mse', lowerIsBetter: true, description: 'mean squared error of the predicted sum' },
    baseline: trivial(validation[0]),
    ...(classical ? { classical } : {}),
    test: { batches: [testBatch], baseline: trivial(testBatch), ...(testClassical ? { classical: testClassical } : {}), unit: 'test sequences' },
    citation: 'Adding problem: Hochreiter & Schmidhuber (1997); Le, Jaitly & Hinton (2015); Bai, Kolter & Koltun (2018).',
    validation, trainSample,
    trainBatch(B, rng) {
      if (!scratch || scratch.B !== B) scratch = batchBuffers(T, B, 2, B, false)
      return fill(scratch, rng)
    },
    score(outputs, batches) {
      const { sum, count } = lossSum(head, outputs[0], batches[0].targets)
      return { loss: sum / count, metric: sum / count }
    },
    items: { losses: (outputs, batches) => squaredErrors(outputs[0], batches[0].targets), metricOf: (m) => m, timeOrdered: false, unit: 'validation sequences' },
  }
}
