// One of n disjoint parts of a sweep, for spreading a large sweep over machines (a Slurm job
// array, a Kubernetes indexed job): shard i of n takes the runs whose position in the expanded
// sweep is i−1 modulo n, so every shard gets a mix of cells and sizes, and the shards together
// are the whole sweep exactly once.

import { InputError } from '../errors'

export interface Shard { index: number; count: number }

/** "i/n", 1 ≤ i ≤ n. */
export function parseShard(text: string, field = '--shard'): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim())
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN
  if (!m || count < 1 || index < 1 || index > count) throw new InputError(field, `must be i/n with 1 ≤ i ≤ n (the i-th of n parts, e.g. 2/8 or, in a Slurm array, $SLURM_ARRAY_TASK_ID/8); got ${JSON.stringify(text)}`)
  return { index, count }
}

/** Positions in the expanded sweep of the runs that belong to this shard. */
export function shardPositions(total: number, shard: Shard): number[] {
  const out: number[] = []
  for (let i = shard.index - 1; i < total; i += shard.count) out.push(i)
  return out
}
