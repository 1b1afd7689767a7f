import { airlineTask, checkAirlineWindow } from './airline'
import { addingTask } from './adding'
import { charLmTask, charLmVocabulary } from './charlm'
import { copyTask, COPY_CLASSES, COPY_EXTRA_STEPS } from './copy'
import { checkReviewLength, sentimentTask, SENTIMENT_VOCAB } from './sentiment'
import { classifyTask } from './classify'
import { co2Task } from './co2'
import { digitsTask } from './digits'
import { seriesTask } from './series'
import type { DataSettings, Task, TaskName, TaskOptions } from './task'

export { TASK_NAMES, type Task, type TaskName, type TaskOptions } from './task'

/** Sequence length when a sweep does not set one. */
export const DEFAULT_SEQ_LEN: Record<Exclude<TaskName, 'classify'>, number> = { adding: 50, copy: 20, airline: 12, charlm: 32, sentiment: 16, digits: 64, co2: 24, series: 24 }

/** Tasks over a data file the user names: it must be read (and checked) before a sweep starts. */
export const DATA_FILE_TASKS: readonly TaskName[] = ['series', 'classify']

/** The task options a run's configuration gives (the data file's text read by the caller). */
export function taskOptions(config: DataSettings & { seqLen?: number; textFile?: string }, text?: string): TaskOptions {
  const { seqLen, textFile, dataFile, column, covariates, horizon, testFraction, seasonality, textColumn, labelColumn, tokens } = config
  return { seqLen, textFile, dataFile, column, covariates, horizon, testFraction, seasonality, textColumn, labelColumn, tokens, ...(dataFile ? { data: text } : { text }) }
}

/**
 * The task with its validation set. `dataSeed` fixes the validation data, so that every run of a
 * sweep is scored on the same examples whatever its own seed.
 */
export function createTask(name: TaskName, options: TaskOptions, dataSeed: number): Task {
  if (name === 'classify') return classifyTask(options.seqLen, dataSeed, options) // default length: from the data
  const seqLen = options.seqLen ?? DEFAULT_SEQ_LEN[name]
  switch (name) {
    case 'adding': return addingTask(seqLen, dataSeed)
    case 'copy': return copyTask(seqLen, dataSeed)
    case 'airline': return airlineTask(seqLen)
    case 'charlm': return charLmTask(seqLen, dataSeed, options.text, options.textFile ?? 'the built-in corpus')
    case 'sentiment': return sentimentTask(seqLen, dataSeed)
    case 'digits':
      if (seqLen !== 64) throw new Error('digits are 64 pixels long: leave seqLen out (or set it to 64)')
      return digitsTask(dataSeed)
    case 'co2': return co2Task(seqLen, options)
    case 'series': return seriesTask(seqLen, options)
  }
}

/** What a plan needs of a task: its sizes and head, without its data. */
export interface TaskShape { inputSize: number; outputSize: number; seqLen: number; head: 'last' | 'every'; loss: 'mse' | 'cross_entropy'; evalBatches: number }

/**
 * A task's shape, checked as createTask checks it, without building its data: planning a sweep of
 * 100,000 runs over 2,000 sequence lengths must not build 2,000 validation sets.
 */
export function taskShape(name: TaskName, options: TaskOptions): TaskShape {
  // Tasks over real or user data: their shape comes from the data, so the task is built (once per
  // distinct setting, by the planner's cache).
  if (name === 'classify' || name === 'series' || name === 'co2' || name === 'digits') {
    const t = createTask(name, options, 1)
    return { inputSize: t.inputSize, outputSize: t.head.outputSize, seqLen: t.seqLen, head: t.head.kind === 'last' ? 'last' : 'every', loss: t.head.loss, evalBatches: 2 }
  }
  const T = options.seqLen ?? DEFAULT_SEQ_LEN[name]
  // Every task scores a validation set and a sample of the training data: two batches.
  switch (name) {
    case 'adding': return { inputSize: 2, outputSize: 1, seqLen: T, head: 'last', loss: 'mse', evalBatches: 2 }
    case 'copy': return { inputSize: COPY_CLASSES, outputSize: COPY_CLASSES, seqLen: T + COPY_EXTRA_STEPS, head: 'every', loss: 'cross_entropy', evalBatches: 2 }
    case 'airline': checkAirlineWindow(T); return { inputSize: 1, outputSize: 1, seqLen: T, head: 'last', loss: 'mse', evalBatches: 2 }
    case 'charlm': { const V = charLmVocabulary(T, options.text).length; return { inputSize: V, outputSize: V, seqLen: T, head: 'every', loss: 'cross_entropy', evalBatches: 2 } }
    case 'sentiment': checkReviewLength(T); return { inputSize: SENTIMENT_VOCAB.length, outputSize: 2, seqLen: T, head: 'last', loss: 'cross_entropy', evalBatches: 2 }
  }
}
