// The contract between the runner (main thread) and its worker threads. Discriminated unions;
// errors cross as plain { name, message, stack }. Structured clone carries everything.

import type { RunConfig } from '../engine/run-config'
import type { GradFlowSnapshot, Point, RunFigures } from '../engine/training'

export type ToWorker =
  | { type: 'run'; runId: number; config: RunConfig }

export interface SerializedError { name: string; message: string; stack?: string }

export type FromWorker =
  | { type: 'progress'; runId: number; fraction: number; step: number; loss: number }
  | { type: 'points'; runId: number; points: Point[] }
  | { type: 'gradFlow'; runId: number; snapshot: GradFlowSnapshot }
  | { type: 'done'; runId: number; figures: RunFigures; environment: RunEnvironment }
  | { type: 'failed'; runId: number; error: SerializedError; environment: RunEnvironment | null }

export interface RunEnvironment {
  appVersion: string
  gitCommit: string | null
  os: string
  arch: string
  cpu: string
  cores: number
  memoryBytes: number
  node: string
  electron: string | null
  backend: string
  device: string | null
  threads: number
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack }
  return { name: 'Error', message: String(err) }
}
