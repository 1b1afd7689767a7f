// The shapes a stored sweep takes as it passes between the layers: the store's rows, the UI's run
// views, series as columns, and everything a report or a verdict loads in one step (LoadedSweep).
// Types only (the model layer: docs/ARCHITECTURE.md): no code, so every layer above the engine may
// import it and none of it runs anywhere.

import type { SweepSpec } from '../engine/sweep/spec'
import type { Expansion } from '../engine/sweep/expand'
import type { RunConfig } from '../engine/run-config'
import type { GradFlowSnapshot, RunFigures, SeriesName } from '../engine/training'

export type RunStatus = 'pending' | 'running' | 'done' | 'failed' | 'diverged' | 'cancelled'

export interface SweepRow {
  id: number
  name: string
  spec: unknown
  createdAt: string
  counts: Record<RunStatus, number>
  /** Runs stored: every status. */
  total: number
  /** Runs the whole sweep has; more than `total` when a part never ran here (a shard not merged). */
  planned: number
  /** The parts it was run in (--shard i/N), null when run whole. */
  shards: number | null
  /** How its spec was expanded into runs (engine/sweep/expand.ts): 1 for sweeps made before expansion 2. */
  expansion: Expansion
}

export interface RunRow {
  id: number
  sweepId: number
  idx: number
  status: RunStatus
  attempts: number
  startedAt: string | null
  finishedAt: string | null
  error: string | null
  config: RunConfig
  figures: RunFigures | null
  environment: Record<string, unknown> | null
}

export interface SweepSummary {
  id: number
  name: string
  createdAt: string
  spec: SweepSpec
  counts: Record<RunStatus, number>
  total: number
  /** Runs the whole sweep has; `incomplete` says what is missing when that is more than `total`. */
  planned: number
  incomplete: string | null
  /** Being run by this process now. */
  active: boolean
  /** Another live process runs it ("running in pid 1234 on host h"): resume and delete are refused until it stops. */
  runningElsewhere: string | null
}

export interface RunView {
  id: number
  sweepId: number
  idx: number
  status: RunStatus
  error: string | null
  startedAt: string | null
  finishedAt: string | null
  config: RunConfig
  figures: RunFigures | null
  environment: Record<string, unknown> | null
}

/** One series of one run, as columns; null where the value was not finite. */
export interface SeriesColumns { step: number[]; wallMs: number[]; value: Array<number | null> }

export type SeriesByRun = Record<number, Partial<Record<SeriesName, SeriesColumns>>>

/** What a verdict needs of a run: the database's rows and the UI's run views both have it. */
export interface VerdictRun {
  id: number
  /** The sweep it belongs to: runs of several sweeps may be compared together. */
  sweepId?: number
  idx: number
  status: string
  config: RunConfig
  figures: RunFigures | null
  environment: Record<string, unknown> | null
}

export type FinishedRun = VerdictRun & { figures: RunFigures }


/**
 * A stored sweep, read in one step by the store's loader (store/load.ts) for whatever is made of it:
 * verdicts, reports and exports are pure functions of this, and never see the store.
 */
export interface LoadedSweep {
  sweep: SweepRow
  runs: RunRow[]
  /** "12 of 16 runs present; 4 never ran (shard 4 of 4 missing)", or null when every planned run is here. */
  incomplete: string | null
  /** Every run's validation metric at every evaluation: what the verdicts compare at equal steps or time. */
  valMetric: Map<number, SeriesColumns>
  /** Series thinned for a report's charts (`report` and `all`). */
  chartSeries?: SeriesByRun
  /** Gradient flow: one run per cell and task (`report`), or every run (`all`). */
  gradFlow?: Record<number, GradFlowSnapshot[]>
  /** Every point of every series of every run (`all`: the JSON export). */
  allSeries?: Record<number, Record<SeriesName, Array<{ step: number; wallMs: number; value: number }>>>
}

/** What a loader reads besides the runs and their validation metric. */
export type LoadNeeds = 'verdicts' | 'report' | 'all'
