// The task registry: one definition per task, as data. Its name, what it is, its metric and which
// way is better, its head and loss, its default sequence length, its splits, its two baselines and
// where its data come from; the settings it reads are the settings registry's `tasks`
// (settingsOf). The engine attaches to each entry the code that builds it (engine/tasks/index.ts,
// typed over this table, so a task without a factory does not compile); taskShape, the builder's
// task list and docs/SWEEP-SPEC.md's table of tasks are read from here.

import type { TaskName } from './names'
import { SETTINGS, settingsOf } from './settings'

export interface TaskInfo {
  /** One line: what the network is asked to do. */
  what: string
  metric: {
    /** Short name shown in tables: mse, rmse, ce, bpc, accuracy. */
    name: string
    lowerIsBetter: boolean
    /** The metric as the docs say it, with its unit. */
    text: string
  }
  /** Sequence-to-one (`last`) or one prediction per timestep (`every`). */
  head: 'last' | 'every'
  loss: 'mse' | 'cross_entropy'
  /** Sequence length when a sweep sets none; null where the data decide. */
  defaultSeqLen: number | null
  /** How its examples divide into training, validation and test. */
  splits: string
  baselines: { trivial: string; classical: string }
  /** Whether it reads a data file the user names (read and checked before a sweep starts). */
  dataFile: boolean
  /** Where the data come from. */
  source: string
}

export const TASKS = {
  adding: {
    what: 'two marked values among T uniform ones; predict their sum',
    metric: { name: 'mse', lowerIsBetter: true, text: 'MSE' }, head: 'last', loss: 'mse', defaultSeqLen: 50,
    splits: 'generated: training batches from each run\'s seed; 512 validation and 512 test sequences from the data seed (each repeat\'s seed), shared by its cells',
    baselines: { trivial: 'predict the mean target (≈ 1/6)', classical: 'least squares on the flat sequence (T ≤ 256); it cannot pick out the marked values' },
    dataFile: false, source: 'Hochreiter & Schmidhuber 1997; Le et al. 2015; Bai et al. 2018',
  },
  copy: {
    what: '10 symbols, T blanks, a delimiter; replay the symbols',
    metric: { name: 'ce', lowerIsBetter: true, text: 'cross-entropy per step, nats' }, head: 'every', loss: 'cross_entropy', defaultSeqLen: 20,
    splits: 'generated: training batches from each run\'s seed; 256 validation and 256 test sequences from the data seed (each repeat\'s seed), shared by its cells',
    baselines: { trivial: 'memoryless, 10·ln 8/(T+20)', classical: 'none: no order-free model can copy, so the trivial one is the bar' },
    dataFile: false, source: 'Arjovsky et al. 2016',
  },
  airline: {
    what: 'monthly airline passengers 1949–1960; scaled on the training part',
    metric: { name: 'rmse', lowerIsBetter: true, text: 'RMSE, thousands of passengers' }, head: 'last', loss: 'mse', defaultSeqLen: 12,
    splits: 'in time order: 96 months train (1949–1956), 24 validate (1957–1958), the last 24 test (1959–1960)',
    baselines: { trivial: 'seasonal naive (12 months earlier)', classical: 'a least-squares linear autoregression on the same window, or seasonal naive with drift, whichever fits the training months better (at a window of 12: 17.3 against 50.0 on the test months, 24.1 against 31.7 on validation)' },
    dataFile: false, source: 'Box & Jenkins, Series G',
  },
  charlm: {
    what: 'next character of a text',
    metric: { name: 'bpc', lowerIsBetter: true, text: 'bits per character' }, head: 'every', loss: 'cross_entropy', defaultSeqLen: 32,
    splits: 'in text order: the first 80% trains, the next 10% validates, the last 10% tests; 64 windows of each held-out part, drawn by the data seed',
    baselines: { trivial: 'unigram frequencies', classical: 'a bigram model smoothed towards the unigram' },
    dataFile: false, source: 'the built-in corpus, or the user\'s `textFile`',
  },
  sentiment: {
    what: 'generated reviews where "not" flips the next adjective; read, then decide',
    metric: { name: 'accuracy', lowerIsBetter: false, text: 'accuracy' }, head: 'last', loss: 'cross_entropy', defaultSeqLen: 16,
    splits: 'generated: training reviews from each run\'s seed; 512 validation and 512 test reviews from the data seed (each repeat\'s seed), shared by its cells',
    baselines: { trivial: 'majority class', classical: 'naive Bayes over the words, which negation defeats' },
    dataFile: false, source: 'written for rnnbench',
  },
  digits: {
    what: 'the UCI 8×8 handwritten digits, 1,797 images, read pixel by pixel (T = 64)',
    metric: { name: 'accuracy', lowerIsBetter: false, text: 'accuracy, with macro-F1' }, head: 'last', loss: 'cross_entropy', defaultSeqLen: 64,
    splits: 'stratified 60/20/20 (train/validation/test) by the data seed: 1,079, 359 and 359 images',
    baselines: { trivial: 'majority class', classical: 'logistic regression on the 64 flat pixels' },
    dataFile: false, source: 'UCI optical recognition of handwritten digits (DATASETS.md)',
  },
  co2: {
    what: 'Mauna Loa monthly CO2, 1959–1997 (468 values); forecast `horizon` months ahead from a window',
    metric: { name: 'rmse', lowerIsBetter: true, text: 'RMSE in ppm, with MASE' }, head: 'last', loss: 'mse', defaultSeqLen: 24,
    splits: 'in time order: the last `testFraction` tests, as many targets before them validate, the rest train',
    baselines: { trivial: 'seasonal naive', classical: 'as for `series`' },
    dataFile: false, source: 'Scripps CO2 program (DATASETS.md)',
  },
  series: {
    what: 'a column of the user\'s CSV, forecast `horizon` steps ahead from a window; scaled on the training part',
    metric: { name: 'rmse', lowerIsBetter: true, text: 'RMSE in the column\'s units, with MASE' }, head: 'last', loss: 'mse', defaultSeqLen: 24,
    splits: 'in time order: the last `testFraction` tests, as many targets before them validate, the rest train',
    baselines: { trivial: 'seasonal naive (one season, or `horizon` steps, before the target, known at the forecast origin)', classical: 'a least-squares linear autoregression on the same window, or seasonal naive with drift, chosen by their fit to the training part' },
    dataFile: true, source: 'the user\'s `dataFile`',
  },
  classify: {
    what: 'the user\'s labelled texts, as words or characters, cut or padded (at the front) to `seqLen`; the vocabulary from the training part, its 127 most frequent tokens and one symbol for the rest',
    metric: { name: 'accuracy', lowerIsBetter: false, text: 'accuracy, with macro-F1' }, head: 'last', loss: 'cross_entropy', defaultSeqLen: null,
    splits: 'stratified by the data seed: `testFraction` of each class tests, as many validate, the rest train; at most 1,000 rows of each held-out part (a seeded sample)',
    baselines: { trivial: 'majority class', classical: 'naive Bayes over the same tokens, their order ignored' },
    dataFile: true, source: 'the user\'s `dataFile`',
  },
} as const satisfies Record<TaskName, TaskInfo>

/** Tasks over a data file the user names: it must be read (and checked) before a sweep starts. */
export const DATA_FILE_TASKS: readonly TaskName[] = (Object.keys(TASKS) as TaskName[]).filter((t) => TASKS[t].dataFile)
export type DataFileTask = { [K in TaskName]: (typeof TASKS)[K]['dataFile'] extends true ? K : never }[TaskName]

/** docs/SWEEP-SPEC.md's table of tasks, generated from the registry, with the settings only some tasks read. */
export function tasksTableMarkdown(): string {
  const rows = (Object.keys(TASKS) as TaskName[]).map((t) => {
    const d: TaskInfo = TASKS[t]
    const own = settingsOf(t).filter((k) => SETTINGS[k].tasks !== 'all')
    return `| \`${t}\` | ${d.what} (${d.source}) | ${d.metric.text} (${d.metric.lowerIsBetter ? 'lower' : 'higher'} is better) | ${d.defaultSeqLen ?? 'from the data'} | ${d.splits} | ${d.baselines.trivial} | ${d.baselines.classical} | ${own.map((k) => `\`${k}\``).join(', ') || 'none'} |`
  })
  return ['| task | what | metric | default `seqLen` | splits | trivial baseline | classical baseline | its own settings |', '| --- | --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n')
}
