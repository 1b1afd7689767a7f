// Sentiment-like classification, "first read the review, then decide": short generated reviews of
// filler words with one or three opinion phrases; a phrase is an adjective, or "not"/"never"
// followed by one, which flips it. The label is the majority opinion. Negation attaches to the
// next adjective only, so counting words is not enough: the network must remember order and carry
// it to the last step, where the sequence-to-one head decides. Baseline: the majority class.

import type { Batch } from '../backend'
import { Rng } from '../rng'
import { classifierBaseline, classifierItems, naiveBayesCorrect } from './classify'
import { argmaxRow, batchBuffers, lossSum, testStream, type Task } from './task'

const FILLER = ['the', 'movie', 'plot', 'acting', 'was', 'and', 'i', 'thought', 'it', 'story', 'film', 'ending', 'music', 'quite', 'overall', 'cast']
const POSITIVE = ['good', 'great', 'fun', 'brilliant', 'moving']
const NEGATIVE = ['bad', 'boring', 'awful', 'dull', 'weak']
const NEGATORS = ['not', 'never']
export const SENTIMENT_VOCAB = [...FILLER, ...POSITIVE, ...NEGATIVE, ...NEGATORS]
const WORD = new Map(SENTIMENT_VOCAB.map((w, i) => [w, i]))
const V = SENTIMENT_VOCAB.length
const VALIDATION_SIZE = 512

/** One review of `length` words and its label (1 positive, 0 negative). */
export function makeReview(length: number, rng: { uniform(): number; int(n: number): number }): { words: string[]; label: number } {
  const phrases = length >= 6 && rng.uniform() < 0.5 ? 3 : 1
  const words = Array.from({ length }, () => FILLER[rng.int(FILLER.length)])
  // Opinion phrases take 2 slots each (negator + adjective, or filler + adjective), in disjoint pairs.
  const slots = Math.floor(length / 2)
  const chosen = new Set<number>()
  while (chosen.size < phrases) chosen.add(rng.int(slots))
  let score = 0
  for (const slot of chosen) {
    const positive = rng.uniform() < 0.5
    const negated = rng.uniform() < 0.5
    const adjectives = positive ? POSITIVE : NEGATIVE
    words[2 * slot + 1] = adjectives[rng.int(adjectives.length)]
    if (negated) words[2 * slot] = NEGATORS[rng.int(NEGATORS.length)]
    score += positive !== negated ? 1 : -1
  }
  return { words, label: score > 0 ? 1 : 0 }
}

export function checkReviewLength(seqLen: number): void {
  if (seqLen < 2) throw new Error('sentiment reviews need at least 2 words')
}

export function sentimentTask(seqLen: number, seed: number): Task {
  checkReviewLength(seqLen)
  const T = seqLen
  const fill = (batch: Batch & { x: Float32Array }, rng: { uniform(): number; int(n: number): number }) => {
    const { B, x } = batch, y = batch.targets as Int32Array
    x.fill(0)
    for (let b = 0; b < B; b++) {
      const { words, label } = makeReview(T, rng)
      words.forEach((w, t) => { x[(t * B + b) * V + WORD.get(w)!] = 1 })
      y[b] = label
    }
    return batch
  }
  const validation = [fill(batchBuffers(T, VALIDATION_SIZE, V, VALIDATION_SIZE, true), new Rng(seed ^ 0x5eed))]
  const trainSample = [fill(batchBuffers(T, VALIDATION_SIZE, V, VALIDATION_SIZE, true), new Rng(seed ^ 0x7a11))]
  const train = fill(batchBuffers(T, 4096, V, 4096, true), new Rng(seed ^ 0xba5e))
  const positives = Array.from(train.targets).reduce((a, b) => a + b, 0)
  const majority = positives * 2 >= train.B ? 1 : 0
  const testBatch = fill(batchBuffers(T, VALIDATION_SIZE, V, VALIDATION_SIZE, true), testStream(seed))
  // Classical: naive Bayes over the words of the reviews, their order ignored (so negation is lost).
  const wordsOf = (batch: Batch & { x: Float32Array }) => Array.from({ length: batch.B }, (_, b) => Array.from({ length: T }, (_, t) => String(batch.x.subarray((t * batch.B + b) * V, (t * batch.B + b + 1) * V).indexOf(1))))
  const trainDocs = wordsOf(train), trainLabels = Array.from(train.targets)
  const baselines = (held: Batch & { x: Float32Array }) => {
    const docs = [...trainDocs, ...wordsOf(held)], labels = [...trainLabels, ...Array.from(held.targets)]
    const nb = naiveBayesCorrect(docs, labels, 2, Array.from({ length: train.B }, (_, i) => i), Array.from({ length: held.B }, (_, i) => train.B + i))
    return {
      baseline: classifierBaseline(Array.from(held.targets, (y) => y === majority), `majority class (${majority ? 'positive' : 'negative'})`),
      classical: classifierBaseline(nb, 'naive Bayes over the words (their order, and so negation, ignored)'),
    }
  }

  let scratch: (Batch & { x: Float32Array }) | null = null
  const head = { kind: 'last', outputSize: 2, loss: 'cross_entropy' } as const
  return {
    name: 'sentiment', inputSize: V, head, seqLen: T,
    metric: { name: 'accuracy', lowerIsBetter: false, description: 'fraction of validation reviews classified correctly' },
    ...baselines(validation[0]),
    test: { batches: [testBatch], ...baselines(testBatch), unit: 'test reviews' },
    citation: 'Generated reviews with negation ("not good" is negative), written for rnnbench.',
    validation, trainSample,
    trainBatch(B, rng) {
      if (!scratch || scratch.B !== B) scratch = batchBuffers(T, B, V, B, true)
      return fill(scratch, rng)
    },
    score(outputs, batches) {
      const out = outputs[0], y = batches[0].targets
      const { sum, count } = lossSum(head, out, y)
      let correct = 0
      for (let b = 0; b < y.length; b++) if (argmaxRow(out, b, 2) === y[b]) correct++
      return { loss: sum / count, metric: correct / y.length }
    },
    items: classifierItems(2),
  }
}
