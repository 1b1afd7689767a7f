// The contract between the runner (main thread) and its worker threads. Discriminated unions;
// errors cross as plain { name, message, stack }. Structured clone carries everything.

import type { EnvironmentInfo } from '../engine/environment'
import type { RunConfig } from '../engine/run-config'
import type { GradFlowSnapshot, Point, RunFigures } from '../engine/training'

export type ToWorker =
  | { type: 'run'; runId: number; config: RunConfig; context: RunContext }

/** What a worker records with a run besides its configuration: what shared the machine, and which shard of a sweep it was in. */
export interface RunContext {
  timing: TimingConditions
  /** The part of a sharded sweep, and the scheduler that chose it (Slurm, Kubernetes, or --shard); null for a whole sweep. */
  shard: Record<string, unknown> | null
}

/** What else ran while a run was timed: the pool's size and how many of its runs were in flight. */
export interface TimingConditions {
  /** Worker threads of the sweep. */
  workers: number
  /** Runs of the sweep in progress when this one started, itself included. */
  concurrentRuns: number
}

export interface SerializedError { name: string; message: string; stack?: string }

export type FromWorker =
  | { type: 'progress'; runId: number; fraction: number; step: number; loss: number }
  | { type: 'points'; runId: number; points: Point[] }
  | { type: 'gradFlow'; runId: number; snapshot: GradFlowSnapshot }
  | { type: 'done'; runId: number; figures: RunFigures; environment: RunEnvironment }
  | { type: 'failed'; runId: number; error: SerializedError; environment: RunEnvironment | null }
  /** After a cancel: the run has stopped and released what it held; the thread is idle. */
  | { type: 'stopped'; runId: number }

/** Where a run ran: the machine, plus the build, the backend and what it ran on. */
export interface RunEnvironment extends EnvironmentInfo {
  gitCommit: string | null
  backend: string
  device: string | null
  threads: number
  /** Timing hygiene: what shared the machine while the run's steps were timed. */
  workers?: number
  concurrentRuns?: number
  /** The most runs of the sweep in flight at once while this one ran (itself included); the runner adds it. */
  concurrentRunsMax?: number
  /** The 1-minute load average when the run started and when it ended (0 where the OS has none). */
  loadAvgStart?: number
  loadAvgEnd?: number
  /** The part of a sharded sweep this run was in, and the scheduler that chose it (Slurm, Kubernetes, or the --shard flag). */
  shard?: Record<string, unknown>
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack }
  return { name: 'Error', message: String(err) }
}
