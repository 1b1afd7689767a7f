// Character-level language modelling: predict the next character at every step. The text is a
// file the user names, or a small corpus written for rnnbench (corpus.txt). The text is split in
// order: the first 80% trains, the next 10% is validation, the last 10% test, so that no test
// character is ever in a validation window. Bits per character; the baseline is the unigram model
// (character frequencies of the training part, add-one smoothed), the classical one a bigram
// model, both scored on the same windows as the networks.

import type { Batch } from '../backend'
import { Rng } from '../rng'
import { batchBuffers, lossSum, meanWithError, sequenceCrossEntropy, sequenceMeans, testStream, type Task } from './task'
import builtInCorpus from './corpus.txt?raw'

const VALIDATION_WINDOWS = 64

/** The vocabulary of a text, checked long enough for sequences of `seqLen`: all a plan needs, without the data. */
export function charLmVocabulary(seqLen: number, text: string | undefined): string[] {
  const corpus = text ?? builtInCorpus
  const vocab = Array.from(new Set(corpus)).sort()
  const length = Array.from(corpus).length
  const [trainEnd, validationEnd] = textSplit(length)
  if (trainEnd - seqLen - 1 < 1 || validationEnd - trainEnd - seqLen - 1 < 1 || length - validationEnd - seqLen - 1 < 1) {
    throw new Error(`the text has ${length} characters: too short for sequences of ${seqLen} (it needs more than ${Math.ceil((seqLen + 2) / 0.1)})`)
  }
  return vocab
}

/** Where training ends and validation ends, in characters: 80% / 10% / 10%. */
const textSplit = (length: number): [number, number] => [Math.floor(length * 0.8), Math.floor(length * 0.9)]

export function charLmTask(seqLen: number, seed: number, text: string | undefined, source: string): Task {
  const corpus = text ?? builtInCorpus
  const vocab = charLmVocabulary(seqLen, text)
  const V = vocab.length
  const index = new Map(vocab.map((c, i) => [c, i]))
  const ids = Int32Array.from(corpus, (c) => index.get(c)!)
  const [split, validationEnd] = textSplit(ids.length)
  const T = seqLen

  /** Windows starting at the given offsets: one-hot inputs [T, n, V], next-character targets [T, n]. */
  const windows = (starts: ArrayLike<number>, batch: Batch & { x: Float32Array }) => {
    const n = starts.length, y = batch.targets as Int32Array
    batch.x.fill(0)
    for (let b = 0; b < n; b++) {
      for (let t = 0; t < T; t++) {
        batch.x[(t * n + b) * V + ids[starts[b] + t]] = 1
        y[t * n + b] = ids[starts[b] + t + 1]
      }
    }
    return batch
  }
  /** Windows drawn inside [from, to), so that a window's targets stay inside the part. */
  const drawStarts = (rng: Rng, from: number, to: number) => Array.from({ length: VALIDATION_WINDOWS }, () => from + rng.int(to - from - T - 1))
  const valRng = new Rng(seed ^ 0x5eed)
  const valStarts = drawStarts(valRng, split, validationEnd)
  const validation = [windows(valStarts, batchBuffers(T, VALIDATION_WINDOWS, V, T * VALIDATION_WINDOWS, true))]
  const trainStarts = drawStarts(valRng, 0, split)
  const trainSample = [windows(trainStarts, batchBuffers(T, VALIDATION_WINDOWS, V, T * VALIDATION_WINDOWS, true))]
  const testStarts = drawStarts(testStream(seed), validationEnd, ids.length)
  const testBatch = windows(testStarts, batchBuffers(T, VALIDATION_WINDOWS, V, T * VALIDATION_WINDOWS, true))

  // Unigram baseline, from the training part's counts.
  const counts = new Float64Array(V).fill(1)
  for (let i = 0; i < split; i++) counts[ids[i]]++
  const total = counts.reduce((a, b) => a + b, 0)
  // Classical: a bigram model smoothed towards the unigram (a Dirichlet prior of weight V),
  // P(c | p) = (n(p, c) + V·P(c)) / (n(p) + V), each target given its previous character.
  const pairs = new Float64Array(V * V), from = new Float64Array(V)
  for (let i = 1; i < split; i++) { pairs[ids[i - 1] * V + ids[i]]++; from[ids[i - 1]]++ }
  /** Both baselines scored on exactly the targets of the windows at `starts`. */
  const baselines = (starts: number[], held: Batch) => {
    const unigramBits = Float64Array.from(held.targets, (c) => -Math.log2(counts[c] / total)) // time-major [T, B], as the targets
    const bits = meanWithError(unigramBits)
    const bigramBits: number[] = []
    for (let b = 0; b < starts.length; b++) {
      for (let t = 0; t < T; t++) {
        const prev = ids[starts[b] + t], c = ids[starts[b] + t + 1]
        bigramBits.push(-Math.log2((pairs[prev * V + c] + V * (counts[c] / total)) / (from[prev] + V)))
      }
    }
    const bigram = meanWithError(bigramBits)
    return {
      baseline: { metric: bits.mean, standardError: bits.standardError, items: bits.items, losses: sequenceMeans(unigramBits, T, starts.length), description: 'unigram character frequencies' },
      classical: { metric: bigram.mean, standardError: bigram.standardError, items: bigram.items, losses: Float64Array.from({ length: starts.length }, (_, b) => bigramBits.slice(b * T, (b + 1) * T).reduce((s, v) => s + v, 0) / T), description: 'bigram model smoothed towards the unigram (the previous character only)' },
    }
  }

  let scratch: (Batch & { x: Float32Array }) | null = null
  let starts = new Int32Array(0)
  const head = { kind: 'every', outputSize: V, loss: 'cross_entropy' } as const
  return {
    name: 'charlm', inputSize: V, head, seqLen: T,
    metric: { name: 'bpc', lowerIsBetter: true, description: 'bits per character on held-out text' },
    ...baselines(valStarts, validation[0]),
    test: { batches: [testBatch], ...baselines(testStarts, testBatch), unit: 'test windows' },
    citation: `Character-level language modelling on ${source} (${ids.length} characters, ${V} symbols; the first 80% trains, the next 10% validates, the last 10% tests).`,
    validation, trainSample,
    trainBatch(B, rng) {
      if (!scratch || scratch.B !== B) scratch = batchBuffers(T, B, V, T * B, true)
      if (starts.length !== B) starts = new Int32Array(B)
      for (let b = 0; b < B; b++) starts[b] = rng.int(split - T - 1)
      return windows(starts, scratch)
    },
    score(outputs, batches) {
      const { sum, count } = lossSum(head, outputs[0], batches[0].targets)
      return { loss: sum / count, metric: sum / count / Math.LN2 }
    },
    // Items are the validation windows, each its mean bits over T characters: characters of one window are not independent.
    items: { losses: (outputs, batches) => sequenceCrossEntropy(outputs[0], batches[0].targets, T, batches[0].B, V, 1 / Math.LN2), metricOf: (m) => m, timeOrdered: false, unit: 'validation windows' },
  }
}
