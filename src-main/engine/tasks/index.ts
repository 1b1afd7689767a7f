import { airlineTask, checkAirlineWindow } from './airline'
import { addingTask } from './adding'
import { charLmTask, charLmVocabulary } from './charlm'
import { copyTask, COPY_CLASSES, COPY_EXTRA_STEPS } from './copy'
import { checkReviewLength, sentimentTask, SENTIMENT_VOCAB } from './sentiment'
import type { Task, TaskName, TaskOptions } from './task'

export { TASK_NAMES, type Task, type TaskName, type TaskOptions } from './task'

/** Sequence length when a sweep does not set one. */
export const DEFAULT_SEQ_LEN: Record<TaskName, number> = { adding: 50, copy: 20, airline: 12, charlm: 32, sentiment: 16 }

/**
 * The task with its validation set. `dataSeed` fixes the validation data, so that every run of a
 * sweep is scored on the same examples whatever its own seed.
 */
export function createTask(name: TaskName, options: TaskOptions, dataSeed: number): Task {
  const seqLen = options.seqLen ?? DEFAULT_SEQ_LEN[name]
  switch (name) {
    case 'adding': return addingTask(seqLen, dataSeed)
    case 'copy': return copyTask(seqLen, dataSeed)
    case 'airline': return airlineTask(seqLen)
    case 'charlm': return charLmTask(seqLen, dataSeed, options.text, options.textFile ?? 'the built-in corpus')
    case 'sentiment': return sentimentTask(seqLen, dataSeed)
  }
}

/** What a plan needs of a task: its sizes and head, without its data. */
export interface TaskShape { inputSize: number; outputSize: number; seqLen: number; head: 'last' | 'every'; loss: 'mse' | 'cross_entropy'; evalBatches: number }

/**
 * A task's shape, checked as createTask checks it, without building its data: planning a sweep of
 * 100,000 runs over 2,000 sequence lengths must not build 2,000 validation sets.
 */
export function taskShape(name: TaskName, options: TaskOptions): TaskShape {
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
