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
import { TASKS } from '../../../src-shared/tasks'

export { TASK_NAMES, type Task, type TaskName, type TaskOptions } from './task'

export { DATA_FILE_TASKS, TASKS } from '../../../src-shared/tasks'

/** Sequence length when a sweep does not set one (the task registry's). */
export const defaultSeqLen = (name: TaskName): number | null => TASKS[name].defaultSeqLen

/** The task options a run's configuration gives (the data file's text read by the caller). */
export function taskOptions(config: DataSettings & { seqLen?: number; textFile?: string }, text?: string): TaskOptions {
  const { seqLen, textFile, dataFile, column, covariates, horizon, testFraction, seasonality, textColumn, labelColumn, tokens } = config
  return { seqLen, textFile, dataFile, column, covariates, horizon, testFraction, seasonality, textColumn, labelColumn, tokens, ...(dataFile ? { data: text } : { text }) }
}

/** What a plan needs of a task: its sizes and head, without its data. */
export interface TaskShape { inputSize: number; outputSize: number; seqLen: number; head: 'last' | 'every'; loss: 'mse' | 'cross_entropy'; evalBatches: number }

/**
 * The code behind each entry of the task registry (src-shared/tasks.ts): how to build it, and, for
 * the tasks whose sizes do not come from data, its sizes without building it, checked as the
 * factory checks them (planning a sweep of 100,000 runs over 2,000 sequence lengths must not build
 * 2,000 validation sets). Typed over the registry: a task without a factory does not compile.
 */
interface TaskFactory {
  create(seqLen: number | undefined, options: TaskOptions, dataSeed: number): Task
  sizes?(seqLen: number, options: TaskOptions): { inputSize: number; outputSize: number; seqLen: number }
}

const FACTORIES: Record<TaskName, TaskFactory> = {
  adding: { create: (T, _o, seed) => addingTask(T!, seed), sizes: (T) => ({ inputSize: 2, outputSize: 1, seqLen: T }) },
  copy: { create: (T, _o, seed) => copyTask(T!, seed), sizes: (T) => ({ inputSize: COPY_CLASSES, outputSize: COPY_CLASSES, seqLen: T + COPY_EXTRA_STEPS }) },
  airline: { create: (T) => airlineTask(T!), sizes: (T) => { checkAirlineWindow(T); return { inputSize: 1, outputSize: 1, seqLen: T } } },
  charlm: {
    create: (T, o, seed) => charLmTask(T!, seed, o.text, o.textFile ?? 'the built-in corpus'),
    sizes: (T, o) => { const V = charLmVocabulary(T, o.text).length; return { inputSize: V, outputSize: V, seqLen: T } },
  },
  sentiment: { create: (T, _o, seed) => sentimentTask(T!, seed), sizes: (T) => { checkReviewLength(T); return { inputSize: SENTIMENT_VOCAB.length, outputSize: 2, seqLen: T } } },
  digits: {
    create: (T, _o, seed) => {
      if (T !== 64) throw new Error('digits are 64 pixels long: leave seqLen out (or set it to 64)')
      return digitsTask(seed)
    },
  },
  co2: { create: (T, o) => co2Task(T!, o) },
  series: { create: (T, o) => seriesTask(T!, o) },
  // Default length: from the data.
  classify: { create: (T, o, seed) => classifyTask(T, seed, o) },
}

/**
 * The task with its validation set. `dataSeed` fixes the validation data, so that every run of a
 * sweep is scored on the same examples whatever its own seed.
 */
export function createTask(name: TaskName, options: TaskOptions, dataSeed: number): Task {
  return FACTORIES[name].create(options.seqLen ?? defaultSeqLen(name) ?? undefined, options, dataSeed)
}

/**
 * A task's shape: its head and loss from the registry, its sizes from the factory's `sizes` or,
 * for tasks over real or user data, from the task built once (per distinct setting, by the
 * planner's cache). Every task scores a validation set and a sample of the training data: two batches.
 */
export function taskShape(name: TaskName, options: TaskOptions): TaskShape {
  const { head, loss } = TASKS[name]
  const f = FACTORIES[name]
  const T = options.seqLen ?? defaultSeqLen(name)
  if (f.sizes && T !== null) return { ...f.sizes(T, options), head, loss, evalBatches: 2 }
  const t = createTask(name, options, 1)
  return { inputSize: t.inputSize, outputSize: t.head.outputSize, seqLen: t.seqLen, head, loss, evalBatches: 2 }
}
