// The adding problem (Hochreiter & Schmidhuber 1997; the variant of Le et al. 2015 and Bai et al.
// 2018): each step carries a value U(0,1) and a marker; exactly two steps are marked, at random
// distinct positions; the target is the sum of the two marked values. Sequence-to-one regression.

import { Rng } from '../rng'
import type { Batch } from '../backend'
import { batchBuffers, lossSum, meanWithError, type Task } from './task'

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
  const trainSample = [fill(batchBuffers(T, VALIDATION_SIZE, 2, VALIDATION_SIZE, false), new Rng(seed ^ 0x7a11))]
  // Baseline: predict the mean target seen in training data (≈ 1, MSE ≈ 1/6), on the validation set.
  const reference = fill(batchBuffers(T, 4096, 2, 4096, false), new Rng(seed ^ 0xba5e))
  const mean = Array.from(reference.targets).reduce((a, b) => a + b, 0) / reference.B
  const valTargets = Array.from(validation[0].targets)
  const baselineMse = meanWithError(valTargets.map((y) => (y - mean) ** 2))

  let scratch: (Batch & { x: Float32Array }) | null = null
  const head = { kind: 'last', outputSize: 1, loss: 'mse' } as const
  return {
    name: 'adding', inputSize: 2, head, seqLen: T,
    metric: { name: 'mse', lowerIsBetter: true, description: 'mean squared error of the predicted sum' },
    baseline: { metric: baselineMse.mean, standardError: baselineMse.standardError, items: baselineMse.items, description: `predict the mean target (${mean.toFixed(3)})` },
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
  }
}
