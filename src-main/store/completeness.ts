// Whether a sweep holds every run it was planned with: a merge of 3 shards of 4 holds 12 of 16,
// and says so, with the shard that never ran, instead of looking complete. `resume` runs the rest.

import { expandSweep } from '../engine/sweep/expand'
import { shardPositions } from '../engine/sweep/shard'
import { parseSweepSpec, tunedRuns } from '../engine/sweep/spec'
import type { SweepRow } from '../model/runs'
import type { Store } from './store'

export interface Completeness {
  planned: number
  present: number
  /** Runs of the plan that are in no database here: they never ran, or their shard was never imported. */
  missing: number
  /** The 1-based shards all of whose runs are missing, when the sweep was run in shards. */
  missingShards: number[] | null
  /** "12 of 16 runs present; 4 never ran (shard 4 of 4 missing)"; null when every run is present. */
  text: string | null
}

export function sweepCompleteness(store: Store, sweep: SweepRow): Completeness {
  const missing = sweep.planned - sweep.total
  if (missing <= 0) return { planned: sweep.planned, present: sweep.total, missing: 0, missingShards: null, text: null }
  // A tuned sweep's re-runs are not missing before its trials are all here: they are planned then (app/tuning.ts).
  const trials = tunedTrialCount(sweep.spec)
  if (trials !== null && store.presentPositions(sweep.id).filter((p) => p < trials).length === trials && sweep.total === trials) {
    return { planned: sweep.planned, present: sweep.total, missing, missingShards: null, text: `${sweep.total} of ${sweep.planned} runs present; the ${missing} re-runs of each cell's best trial are planned once every trial has finished` }
  }
  let missingShards: number[] | null = null
  if (sweep.shards !== null) {
    try {
      const all = expandSweep(parseSweepSpec(sweep.spec), sweep.expansion)
      if (all.length === sweep.planned) {
        const present = new Set(store.presentPositions(sweep.id))
        missingShards = []
        for (let i = 0; i < sweep.shards; i++) {
          const positions = shardPositions(all, { index: i, count: sweep.shards })
          if (positions.length && positions.every((p) => !present.has(p))) missingShards.push(i + 1)
        }
      }
    } catch {
      missingShards = null // a spec this version cannot expand: the count is still known
    }
  }
  const shards = missingShards?.length
    ? ` (shard${missingShards.length > 1 ? 's' : ''} ${missingShards.join(', ')} of ${sweep.shards} missing)`
    : sweep.shards !== null ? ` (from shards of ${sweep.shards} that were not all merged)` : ''
  return {
    planned: sweep.planned, present: sweep.total, missing, missingShards,
    text: `${sweep.total} of ${sweep.planned} runs present; ${missing} never ran${shards}`,
  }
}

/** A tuned sweep's trials in its first phase, or null for any other sweep (or a spec this version cannot read). */
function tunedTrialCount(spec: unknown): number | null {
  try {
    const parsed = parseSweepSpec(spec)
    return parsed.tune ? tunedRuns(parsed).trials : null
  } catch {
    return null
  }
}

/** One line for each sweep that lacks runs, with what to do: import the missing shards, or resume. */
export function incompleteSweepLines(store: Store, dbHint = ''): string[] {
  return store.listSweeps().flatMap((s) => {
    const c = sweepCompleteness(store, s)
    return c.text ? [`sweep #${s.id} "${s.name}": ${c.text}; import the missing shard's database, or run them here with: rnnbench resume ${s.id}${dbHint}`] : []
  })
}
