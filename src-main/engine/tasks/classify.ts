// `classify`: the user's labelled sequences, from a CSV or TSV with a header row: a text column
// and a label column. The text becomes characters or words (`tokens`); a sequence is cut to its
// first `seqLen` tokens or padded at the front (so that the last step is the last token, where
// the sequence-to-one head reads), default length the 95th percentile of the training texts'.
// A stratified split by `dataSeed` keeps `testFraction` of each class for test and as much again
// for validation. The vocabulary comes from the training part only: its most frequent tokens, the
// others one symbol.
// Metric: accuracy, with macro-F1 beside it. Baselines, each with its binomial standard error:
// the majority class (trivial) and multinomial naive Bayes over the same tokens, which ignores
// their order (classical).

import type { Batch } from '../backend'
import { InputError } from '../errors'
import { Rng } from '../rng'
import { columnIndex, isNumericColumn, lineOf, parseTable } from './table'
import { argmaxRow, batchBuffers, lossSum, misclassified, type Baseline, type Task, type TaskOptions } from './task'

/** Distinct tokens a network sees (one-hot inputs); the rest share one symbol. */
export const MAX_VOCABULARY = 128
/** Validation (and test) examples kept, a seeded sample when there are more: one-hot inputs cost T·B·V floats. */
export const MAX_VALIDATION = 1000
export const MAX_CLASSES = 100

export function tokenize(text: string, tokens: 'chars' | 'words'): string[] {
  if (tokens === 'chars') return [...text]
  return text.toLowerCase().match(/[\p{L}\p{N}']+|[^\s\p{L}\p{N}]/gu) ?? []
}

export interface LabelledData {
  texts: string[][]
  labels: number[]
  classes: string[]
  textColumn: string
  labelColumn: string
  train: number[]
  validation: number[]
  test: number[]
}

/** The examples a data file holds and their stratified split. */
export function parseLabelled(text: string, source: string, options: Pick<TaskOptions, 'textColumn' | 'labelColumn' | 'tokens' | 'testFraction'>, seed: number): LabelledData {
  const table = parseTable(text, source)
  const labelCol = options.labelColumn !== undefined ? columnIndex(table, options.labelColumn, 'labelColumn') : table.header.length - 1
  let textCol: number
  if (options.textColumn !== undefined) textCol = columnIndex(table, options.textColumn, 'textColumn')
  else {
    const candidates = table.header.map((_, c) => c).filter((c) => c !== labelCol && !isNumericColumn(table, c))
    if (!candidates.length) throw new InputError('textColumn', `${source} has no text column besides the label "${table.header[labelCol]}" (columns: ${table.header.join(', ')}); name one with "textColumn"`)
    textCol = candidates[0]
  }
  if (textCol === labelCol) throw new InputError('textColumn', `${source}: the text and the label are the same column "${table.header[textCol]}"`)
  const raw = table.rows.map((r, i) => {
    const label = r[labelCol].trim()
    if (label === '') throw new InputError('labelColumn', `${source} ${lineOf(table, i)}, column "${table.header[labelCol]}": no label`)
    return label
  })
  const classes = [...new Set(raw)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
  if (classes.length < 2) throw new InputError('labelColumn', `${source}, column "${table.header[labelCol]}": every row has the label "${classes[0]}"; a classifier needs at least two classes`)
  if (classes.length > MAX_CLASSES) throw new InputError('labelColumn', `${source}, column "${table.header[labelCol]}": ${classes.length} distinct labels, over the ${MAX_CLASSES} a sweep may have; is it the right column?`)
  const labels = raw.map((l) => classes.indexOf(l))
  const texts = table.rows.map((r) => tokenize(r[textCol], options.tokens ?? 'words'))
  const fraction = options.testFraction ?? 0.2
  const { train, validation, test } = stratifiedSplit(labels, classes.length, fraction, new Rng(seed ^ 0xc1a55))
  if (test.length < 2 || validation.length < 2 || train.length < 2) throw new InputError('dataFile', `${source} has ${table.rows.length} labelled rows: too few to hold out ${Math.round(fraction * 100)}% for validation and as much for test; give at least 15`)
  return { texts, labels, classes, textColumn: table.header[textCol], labelColumn: table.header[labelCol], train, validation, test }
}

/**
 * A stratified three-way split: within each class a seeded shuffle, its first `fraction` test,
 * the next `fraction` validation (each at least one row of a class that has three), the rest
 * training. Every part in row order.
 */
export function stratifiedSplit(labels: number[], classes: number, fraction: number, rng: Rng): { train: number[]; validation: number[]; test: number[] } {
  const train: number[] = [], validation: number[] = [], test: number[] = []
  for (let k = 0; k < classes; k++) {
    const members = rng.shuffle(labels.map((l, i) => (l === k ? i : -1)).filter((i) => i >= 0))
    const held = members.length > 2 ? Math.max(1, Math.round(members.length * fraction)) : 0
    test.push(...members.slice(0, held))
    validation.push(...members.slice(held, 2 * held))
    train.push(...members.slice(2 * held))
  }
  const sorted = (ids: number[]) => ids.sort((a, b) => a - b)
  return { train: sorted(train), validation: sorted(validation), test: sorted(test) }
}

/** The 95th percentile of the training texts' lengths, at least 2: the default seqLen. */
export function defaultLength(d: LabelledData): number {
  const lengths = d.train.map((i) => d.texts[i].length).sort((a, b) => a - b)
  return Math.max(2, Math.min(2000, lengths[Math.min(lengths.length - 1, Math.floor(0.95 * lengths.length))]))
}

export const binomial = (p: number, n: number, description: string): Baseline => ({ metric: p, standardError: Math.sqrt((p * (1 - p)) / n), items: n, description })

/** A classifier baseline from its hit or miss on each validation example: its accuracy, and its losses (1 for a miss) for the paired test. */
export function classifierBaseline(correct: ArrayLike<boolean>, description: string): Baseline {
  const losses = Float64Array.from(correct, (c) => (c ? 0 : 1))
  const accuracy = 1 - losses.reduce((a, b) => a + b, 0) / losses.length
  return { ...binomial(accuracy, losses.length, description), losses }
}

/** The classifiers' items: held-out examples, each lost (1) or won (0). */
export const classifierItems = (classes: number): Task['items'] => ({
  losses: (outputs, batches) => misclassified(outputs[0], batches[0].targets, classes), metricOf: (m) => 1 - m, timeOrdered: false, unit: 'validation examples',
})

/**
 * Multinomial naive Bayes over the tokens, their order ignored, as scikit-learn's MultinomialNB
 * (alpha = 1) over a CountVectorizer: class priors from the training counts, add-one smoothing
 * over the training vocabulary, tokens never seen in training skipped. Whether it labels each of `test` right.
 */
export function naiveBayesCorrect(docs: string[][], labels: number[], classes: number, train: number[], test: number[]): boolean[] {
  const vocab = new Map<string, number>()
  for (const i of train) for (const t of docs[i]) if (!vocab.has(t)) vocab.set(t, vocab.size)
  const V = vocab.size
  const counts = Array.from({ length: classes }, () => new Float64Array(V))
  const totals = new Float64Array(classes), priors = new Float64Array(classes)
  for (const i of train) {
    priors[labels[i]]++
    for (const t of docs[i]) { counts[labels[i]][vocab.get(t)!]++; totals[labels[i]]++ }
  }
  return test.map((i) => {
    let best = -1, bestScore = -Infinity
    for (let k = 0; k < classes; k++) {
      if (priors[k] === 0) continue
      let s = Math.log(priors[k] / train.length)
      for (const t of docs[i]) { const j = vocab.get(t); if (j !== undefined) s += Math.log((counts[k][j] + 1) / (totals[k] + V)) }
      if (s > bestScore) { bestScore = s; best = k }
    }
    return best === labels[i]
  })
}

/** Naive Bayes's accuracy on `test` (naiveBayesCorrect). */
export function naiveBayesAccuracy(docs: string[][], labels: number[], classes: number, train: number[], test: number[]): number {
  return naiveBayesCorrect(docs, labels, classes, train, test).filter(Boolean).length / test.length
}

/** Macro-F1 over the classes seen in `truth`: the mean of each class's F1. */
export function macroF1(pred: ArrayLike<number>, truth: ArrayLike<number>, classes: number): number {
  const tp = new Float64Array(classes), fp = new Float64Array(classes), fn = new Float64Array(classes)
  for (let i = 0; i < truth.length; i++) { if (pred[i] === truth[i]) tp[truth[i]]++; else { fp[pred[i]]++; fn[truth[i]]++ } }
  let sum = 0, n = 0
  for (let k = 0; k < classes; k++) {
    if (tp[k] + fn[k] === 0) continue
    sum += tp[k] + fp[k] + fn[k] > 0 ? (2 * tp[k]) / (2 * tp[k] + fp[k] + fn[k]) : 0
    n++
  }
  return n ? sum / n : NaN
}

/**
 * A classification task over prepared examples: `inputs(i, t, write)` writes example i's features at
 * step t. Shared by `classify` (tokens) and `digits` (pixels).
 */
export function sequenceClassifier(o: {
  name: 'classify' | 'digits'; T: number; inputSize: number; classes: number; labels: number[]; train: number[]; validation: number[]; test: number[]
  write: (example: number, x: Float32Array, t: number, b: number, B: number) => void
  metricDescription: string; citation: string; seed: number
  /** The two baselines, scored on exactly the held-out examples (validation or test) the networks are. */
  baselines: (held: number[]) => { baseline: Baseline; classical: Baseline }
}): Task {
  const { T, inputSize: V, classes } = o
  const fill = (examples: number[], batch: Batch & { x: Float32Array }) => {
    const B = examples.length, y = batch.targets as Int32Array
    batch.x.fill(0)
    examples.forEach((e, b) => { for (let t = 0; t < T; t++) o.write(e, batch.x, t, b, B); y[b] = o.labels[e] })
    return batch
  }
  const sampleOf = (ids: number[], max: number) => {
    if (ids.length <= max) return ids
    return new Rng(o.seed ^ 0x5a3b1e).shuffle([...ids]).slice(0, max).sort((a, b) => a - b)
  }
  const held = sampleOf(o.validation, MAX_VALIDATION), tested = sampleOf(o.test, MAX_VALIDATION), sample = sampleOf(o.train, 512)
  const { baseline, classical } = o.baselines(held)
  const validation = [fill(held, batchBuffers(T, held.length, V, held.length, true))]
  const test = { batches: [fill(tested, batchBuffers(T, tested.length, V, tested.length, true))], ...o.baselines(tested), unit: 'test examples' }
  const trainSample = [fill(sample, batchBuffers(T, sample.length, V, sample.length, true))]
  let scratch: (Batch & { x: Float32Array }) | null = null
  const head = { kind: 'last', outputSize: classes, loss: 'cross_entropy' } as const
  return {
    name: o.name, inputSize: V, head, seqLen: T,
    metric: { name: 'accuracy', lowerIsBetter: false, description: o.metricDescription.replace('{n}', String(held.length)) },
    baseline, classical, test, citation: o.citation,
    validation, trainSample,
    trainBatch(B, rng) {
      if (!scratch || scratch.B !== B) scratch = batchBuffers(T, B, V, B, true)
      return fill(Array.from({ length: B }, () => o.train[rng.int(o.train.length)]), scratch)
    },
    score(outputs, batches) {
      const out = outputs[0], y = batches[0].targets
      const { sum, count } = lossSum(head, out, y)
      const pred = new Int32Array(y.length)
      let correct = 0
      for (let b = 0; b < y.length; b++) { pred[b] = argmaxRow(out, b, classes); if (pred[b] === y[b]) correct++ }
      return { loss: sum / count, metric: correct / y.length, extra: { macroF1: macroF1(pred, y, classes) } }
    },
    items: classifierItems(classes),
  }
}

export function classifyTask(seqLen: number | undefined, seed: number, options: TaskOptions): Task {
  if (!options.dataFile || options.data === undefined) throw new InputError('dataFile', 'the classify task needs dataFile: a CSV or TSV file with a text column and a label column')
  const d = parseLabelled(options.data, options.dataFile, options, seed)
  const T = seqLen ?? defaultLength(d)
  const cut = d.texts.map((toks) => toks.slice(0, T))
  // The vocabulary: the training part's most frequent tokens (ties by first appearance); index 0 is "any other".
  const freq = new Map<string, number>()
  for (const i of d.train) for (const t of cut[i]) freq.set(t, (freq.get(t) ?? 0) + 1)
  const kept = [...freq.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_VOCABULARY - 1).map(([t]) => t)
  const index = new Map(kept.map((t, i) => [t, i + 1]))
  const V = kept.length + 1
  const ids = cut.map((toks) => toks.map((t) => index.get(t) ?? 0))
  const majority = [...Array(d.classes.length).keys()].reduce((best, k) => (d.train.filter((i) => d.labels[i] === k).length > d.train.filter((i) => d.labels[i] === best).length ? k : best), 0)
  return sequenceClassifier({
    name: 'classify', T, inputSize: V, classes: d.classes.length, labels: d.labels, train: d.train, validation: d.validation, test: d.test, seed,
    write: (e, x, t, b, B) => {
      // Padded at the front: the sequence's last token sits at the last step.
      const toks = ids[e], offset = T - toks.length
      if (t >= offset) x[(t * B + b) * V + toks[t - offset]] = 1
    },
    metricDescription: `fraction of {n} held-out rows of ${options.dataFile} classified correctly`,
    baselines: (held) => ({
      baseline: classifierBaseline(held.map((i) => d.labels[i] === majority), `majority class ("${d.classes[majority]}")`),
      classical: classifierBaseline(naiveBayesCorrect(cut, d.labels, d.classes.length, d.train, held), `naive Bayes over the same ${options.tokens ?? 'words'} (their order ignored)`),
    }),
    citation: `${options.dataFile}: ${d.texts.length} rows, text "${d.textColumn}", label "${d.labelColumn}" (${d.classes.length} classes: ${d.classes.slice(0, 6).join(', ')}${d.classes.length > 6 ? ', …' : ''}); ${d.train.length} training, ${d.validation.length} validation, ${d.test.length} test; ${options.tokens ?? 'words'}, T=${T}, ${V} symbols.`,
  })
}
