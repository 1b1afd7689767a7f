// `digits`: the UCI optical-recognition handwritten digits (1,797 images of 8×8 pixels, 0–16, as
// scikit-learn ships them; src-main/engine/tasks/data/digits.csv, docs/DATASETS.md), read pixel by
// pixel, row by row (T = 64, one input a step): the small cousin of sequential MNIST, where Bai
// et al. (2018) report LSTM 87.2%, GRU 96.2% and the tanh RNN 21.5%. A stratified 60/20/20 split
// (train, validation, test) by `dataSeed`. Baselines: the majority class (trivial) and multinomial logistic regression on the
// 64 flat pixels, which sees every pixel at once (classical).

import { Rng } from '../rng'
import { classifierBaseline, sequenceClassifier, stratifiedSplit } from './classify'
import DIGITS_CSV from './data/digits.csv?raw'
import type { Task } from './task'

export const DIGITS_CITATION =
  'UCI optical recognition of handwritten digits (Alpaydin & Kaynak, 1998; CC BY 4.0), the 1,797 8×8 images scikit-learn ships, read pixel by pixel (T = 64). ' +
  'Sequential-MNIST pattern for comparison: LSTM 87.2%, GRU 96.2%, tanh RNN 21.5% (Bai, Kolter & Koltun, 2018).'

let parsed: { pixels: Float32Array; labels: number[] } | null = null
/** The bundled images, pixels scaled to [0, 1], parsed once per process. */
export function digitsData(): { pixels: Float32Array; labels: number[] } {
  if (parsed) return parsed
  const lines = DIGITS_CSV.trim().split('\n')
  const pixels = new Float32Array(lines.length * 64), labels: number[] = []
  lines.forEach((line, i) => {
    const v = line.split(',').map(Number)
    for (let p = 0; p < 64; p++) pixels[i * 64 + p] = v[p] / 16
    labels.push(v[64])
  })
  parsed = { pixels, labels }
  return parsed
}

/** Stratified split: in each class a seeded shuffle, a fifth held out for test and a fifth for validation. */
export const digitsSplit = (labels: number[], seed: number) => stratifiedSplit(labels, 10, 0.2, new Rng(seed ^ 0xd161))

/**
 * Multinomial logistic regression on the flat pixels (a bias, L2 weight 1e-3), 300 steps of full-batch
 * gradient descent from zero: deterministic, about 0.9 s here (once per process and split, cached).
 * Its accuracy on `test`.
 */
export function logisticCorrect(pixels: Float32Array, labels: number[], train: number[], test: number[], classes = 10, P = 64): boolean[] {
  const W = new Float64Array(classes * (P + 1)), grad = new Float64Array(W.length), logits = new Float64Array(classes)
  const forward = (i: number) => {
    let max = -Infinity
    for (let k = 0; k < classes; k++) {
      let s = W[k * (P + 1) + P]
      for (let p = 0; p < P; p++) s += W[k * (P + 1) + p] * pixels[i * P + p]
      logits[k] = s; if (s > max) max = s
    }
    let z = 0
    for (let k = 0; k < classes; k++) { logits[k] = Math.exp(logits[k] - max); z += logits[k] }
    for (let k = 0; k < classes; k++) logits[k] /= z
  }
  for (let step = 0; step < 300; step++) {
    grad.fill(0)
    for (const i of train) {
      forward(i)
      for (let k = 0; k < classes; k++) {
        const g = logits[k] - (labels[i] === k ? 1 : 0)
        for (let p = 0; p < P; p++) grad[k * (P + 1) + p] += g * pixels[i * P + p]
        grad[k * (P + 1) + P] += g
      }
    }
    for (let j = 0; j < W.length; j++) W[j] -= 0.5 * (grad[j] / train.length + 1e-3 * W[j])
  }
  return test.map((i) => {
    forward(i)
    let best = 0
    for (let k = 1; k < classes; k++) if (logits[k] > logits[best]) best = k
    return best === labels[i]
  })
}

/** The logistic regression's accuracy on `test` (logisticCorrect). */
export function logisticAccuracy(pixels: Float32Array, labels: number[], train: number[], test: number[], classes = 10, P = 64): number {
  return logisticCorrect(pixels, labels, train, test, classes, P).filter(Boolean).length / test.length
}

const classical = new Map<string, boolean[]>()

export function digitsTask(seed: number): Task {
  const { pixels, labels } = digitsData()
  const { train, validation, test } = digitsSplit(labels, seed)
  return sequenceClassifier({
    name: 'digits', T: 64, inputSize: 1, classes: 10, labels, train, validation, test, seed,
    write: (e, x, t, b, B) => { x[t * B + b] = pixels[e * 64 + t] },
    metricDescription: 'fraction of {n} held-out digit images classified correctly',
    baselines: (held) => {
      const counts = new Array(10).fill(0)
      for (const i of train) counts[labels[i]]++
      const majority = counts.indexOf(Math.max(...counts))
      const key = `${seed}|${held.join(',')}`
      if (!classical.has(key)) classical.set(key, logisticCorrect(pixels, labels, train, held))
      return {
        baseline: classifierBaseline(held.map((i) => labels[i] === majority), `majority class (${majority})`),
        classical: classifierBaseline(classical.get(key)!, 'logistic regression on the 64 flat pixels, which sees them all at once'),
      }
    },
    citation: DIGITS_CITATION,
  })
}
