import { airlineTask } from './airline'
import { addingTask } from './adding'
import { charLmTask } from './charlm'
import { copyTask } from './copy'
import { sentimentTask } from './sentiment'
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
