// One of n disjoint parts of a sweep, for spreading a large sweep over machines (a Slurm job
// array, a Kubernetes Indexed Job). A shard takes whole comparisons: every cell and every seed of
// one configuration (the runs that form matched pairs) land on the same shard, so that every pair
// is timed on one machine. The comparisons are dealt round-robin in the order of the expanded
// sweep; the shards together are the whole sweep exactly once.

import { InputError } from '../errors'
import type { RunConfig } from '../run-config'

/** Shard `index` (0-based) of `count`, and where the numbers came from (recorded with each run). */
export interface Shard { index: number; count: number; source: ShardSource }
export type ShardSource = { kind: 'flag'; base: 0 | 1 } | { kind: 'slurm'; jobId: string | null; taskId: number } | { kind: 'kubernetes'; completionIndex: number }

/** The shard as people write it: "2/8" for the first base, 1-based by default. */
export const shardText = (s: Shard) => `${s.index + (s.source.kind === 'flag' ? s.source.base : 0)}/${s.count}${s.source.kind === 'flag' ? '' : ` (${s.source.kind} index ${s.index})`}`

/** "i/n": 1 ≤ i ≤ n with base 1 (the default), 0 ≤ i < n with base 0. */
export function parseShard(text: string, base: 0 | 1 = 1, field = '--shard'): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim())
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN
  const ok = m && count >= 1 && (base === 1 ? index >= 1 && index <= count : index >= 0 && index < count)
  if (!ok) {
    const hint = base === 1
      ? `1 ≤ i ≤ n, counting from 1 (for 0-based indices such as Kubernetes' JOB_COMPLETION_INDEX or a Slurm --array=0-7, add --shard-base 0, or use --shard auto)`
      : '0 ≤ i < n, counting from 0 (--shard-base 0)'
    throw new InputError(field, `must be i/n with ${hint}; got ${JSON.stringify(text)}`)
  }
  return { index: index - base, count, source: { kind: 'flag', base } }
}

/**
 * `--shard auto`: the index and count a scheduler gives. Slurm job arrays: SLURM_ARRAY_TASK_ID,
 * counted from SLURM_ARRAY_TASK_MIN in steps of SLURM_ARRAY_TASK_STEP, of SLURM_ARRAY_TASK_COUNT
 * tasks: --array=0-7, --array=1-8 and the stepped --array=0-14:2 (tasks 0, 2, …, 14 are shards 1
 * to 8) all map one task to one shard. An array that is not one evenly stepped range (a list
 * such as 1,3,8) is refused by every task alike, so none runs a part of the wrong split.
 * Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX, 0 to completions−1 with no gaps or steps, of the
 * count given with --shard-count (the Job's completions).
 */
export function shardFromEnvironment(env: NodeJS.ProcessEnv, count: number | undefined, field = '--shard'): Shard {
  const int = (name: string) => {
    const v = env[name]
    if (v === undefined || !/^\d+$/.test(v.trim())) return null
    return Number(v)
  }
  const task = int('SLURM_ARRAY_TASK_ID')
  if (task !== null) {
    const min = int('SLURM_ARRAY_TASK_MIN') ?? 0, max = int('SLURM_ARRAY_TASK_MAX'), step = int('SLURM_ARRAY_TASK_STEP') ?? 1
    const tasks = int('SLURM_ARRAY_TASK_COUNT') ?? count
    if (!tasks) throw new InputError(field, 'auto: SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_COUNT; give --shard-count N')
    if (step < 1) throw new InputError(field, `auto: SLURM_ARRAY_TASK_STEP is ${step}; give --shard i/n`)
    // The array must be the range MIN..MAX in steps of STEP, COUNT tasks in all: only then is task → shard one to one.
    const rangeTasks = max === null ? null : Math.floor((max - min) / step) + 1
    if (rangeTasks !== null && (rangeTasks !== tasks || (max! - min) % step !== 0)) {
      throw new InputError(field, `auto: this Slurm array is not one evenly stepped range (${min}-${max}:${step} would be ${rangeTasks} tasks, SLURM_ARRAY_TASK_COUNT says ${tasks}), so its tasks cannot be numbered as shards; use --array=0-${tasks - 1} (or a stepped range), or give --shard i/n`)
    }
    if ((task - min) % step !== 0) throw new InputError(field, `auto: SLURM_ARRAY_TASK_ID ${task} is not MIN ${min} plus a multiple of SLURM_ARRAY_TASK_STEP ${step}; give --shard i/n`)
    const index = (task - min) / step
    if (index < 0 || index >= tasks) throw new InputError(field, `auto: SLURM_ARRAY_TASK_ID ${task} is outside ${min}..${min + (tasks - 1) * step}${step > 1 ? `:${step}` : ''} (SLURM_ARRAY_TASK_MIN, _STEP, _COUNT); give --shard i/n`)
    return { index, count: tasks, source: { kind: 'slurm', jobId: env.SLURM_ARRAY_JOB_ID ?? env.SLURM_JOB_ID ?? null, taskId: task } }
  }
  const completion = int('JOB_COMPLETION_INDEX')
  if (completion !== null) {
    if (!count) throw new InputError('--shard-count', 'auto: JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job); give the Job\'s completions with --shard-count N')
    if (completion >= count) throw new InputError(field, `auto: JOB_COMPLETION_INDEX ${completion} is not below --shard-count ${count}`)
    return { index: completion, count, source: { kind: 'kubernetes', completionIndex: completion } }
  }
  throw new InputError(field, 'auto: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set; give --shard i/n')
}

/** What makes runs one comparison: everything but the cell and the seed (and the validation draw, which goes with the seed). */
export const comparisonKey = (c: RunConfig): string => JSON.stringify({ ...c, cell: undefined, seed: undefined, dataSeed: undefined })

/** Positions in the expanded sweep of the runs that belong to this shard: whole comparisons, dealt round-robin. */
export function shardPositions(configs: RunConfig[], shard: Pick<Shard, 'index' | 'count'>): number[] {
  const unit = new Map<string, number>()
  const out: number[] = []
  configs.forEach((c, i) => {
    const key = comparisonKey(c)
    if (!unit.has(key)) unit.set(key, unit.size)
    if (unit.get(key)! % shard.count === shard.index) out.push(i)
  })
  return out
}

/** How many comparisons a sweep holds: more shards than this leave some empty. */
export const comparisonCount = (configs: RunConfig[]): number => new Set(configs.map(comparisonKey)).size
