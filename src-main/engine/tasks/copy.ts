// Copy memory (Arjovsky, Shah & Bengio 2016): 10 symbols from 8 categories, then T blanks with a
// delimiter in the last of them, then 10 more blanks during which the network must replay the 10
// symbols. Length T + 20; one class per step (0 blank, 1–8 symbols, 9 delimiter).
// Memoryless baseline: blanks everywhere and a uniform guess over the 8 symbols at the 10 recall
// steps, cross-entropy 10·ln 8 / (T + 20); computed here from the data's per-position frequencies.

import { Rng } from '../rng'
import type { Batch } from '../backend'
import { batchBuffers, lossSum, marginalEntropy, sequenceCrossEntropy, sequenceMeans, testStream, type Baseline, type Task } from './task'

const SYMBOLS = 10, CLASSES = 10, BLANK = 0, DELIMITER = 9, VALIDATION_SIZE = 256
/** Classes per step, and the steps a sequence has beyond its delay (the symbols, then their recall). */
export const COPY_CLASSES = CLASSES, COPY_EXTRA_STEPS = 2 * SYMBOLS

export function copyTask(delay: number, seed: number): Task {
  const L = delay + COPY_EXTRA_STEPS
  const fill = (batch: Batch & { x: Float32Array }, rng: { int(n: number): number }) => {
    const { B, x } = batch
    const y = batch.targets as Int32Array
    x.fill(0)
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < L; t++) {
        let input = BLANK, target = BLANK
        if (t < SYMBOLS) input = 1 + rng.int(8)
        else if (t === delay + SYMBOLS - 1) input = DELIMITER
        x[(t * B + b) * CLASSES + input] = 1
        if (t >= delay + SYMBOLS) {
          // replay the symbol seen SYMBOLS + delay steps earlier
          const src = t - delay - SYMBOLS
          for (let k = 1; k <= 8; k++) if (x[(src * B + b) * CLASSES + k] === 1) target = k
        }
        y[t * B + b] = target
      }
    }
    return batch
  }
  const make = (B: number, s: number) => fill(batchBuffers(L, B, CLASSES, L * B, true), new Rng(s))
  const validation = [make(VALIDATION_SIZE, seed ^ 0x5eed)]
  const trainSample = [make(VALIDATION_SIZE, seed ^ 0x7a11)]
  const counts = (b: Batch) => {
    const c = Array.from({ length: L }, () => new Array(CLASSES).fill(0))
    for (let t = 0; t < L; t++) for (let i = 0; i < b.B; i++) c[t][b.targets[t * b.B + i]]++
    return c
  }
  const reference = counts(make(2048, seed ^ 0xba5e))
  // The memoryless prediction scored on a held-out set; per step ([L, B], time-major), then per sequence, for the paired test.
  const memoryless = (v: Batch): Baseline => {
    const m = marginalEntropy(reference, counts(v))
    const stepLosses = Float64Array.from({ length: L * v.B }, (_, i) => {
      const row = reference[Math.floor(i / v.B)], sum = row.reduce((a, b) => a + b, 0)
      return -Math.log((row[v.targets[i]] + 1e-3) / (sum + 1e-3 * row.length))
    })
    return { metric: m.mean, standardError: m.standardError, items: m.items, losses: sequenceMeans(stepLosses, L, v.B), description: `memoryless: blanks, then a uniform guess over 8 symbols (10·ln 8/${L} = ${((10 * Math.log(8)) / L).toFixed(4)})` }
  }
  const testBatch = fill(batchBuffers(L, VALIDATION_SIZE, CLASSES, L * VALIDATION_SIZE, true), testStream(seed))

  let scratch: (Batch & { x: Float32Array }) | null = null
  const head = { kind: 'every', outputSize: CLASSES, loss: 'cross_entropy' } as const
  return {
    name: 'copy', inputSize: CLASSES, head, seqLen: L,
    metric: { name: 'ce', lowerIsBetter: true, description: 'cross-entropy per step, in nats' },
    baseline: memoryless(validation[0]),
    test: { batches: [testBatch], baseline: memoryless(testBatch), unit: 'test sequences' },
    citation: 'Copy memory: Arjovsky, Shah & Bengio (2016); Bai, Kolter & Koltun (2018).',
    validation, trainSample,
    trainBatch(B, rng) {
      if (!scratch || scratch.B !== B) scratch = batchBuffers(L, B, CLASSES, L * B, true)
      return fill(scratch, rng)
    },
    score(outputs, batches) {
      const { sum, count } = lossSum(head, outputs[0], batches[0].targets)
      return { loss: sum / count, metric: sum / count }
    },
    items: { losses: (outputs, batches) => sequenceCrossEntropy(outputs[0], batches[0].targets, L, batches[0].B, CLASSES), metricOf: (m) => m, timeOrdered: false, unit: 'validation sequences' },
  }
}

