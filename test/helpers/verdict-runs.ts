// Synthetic finished runs for the verdict tests: every figure a verdict reads, with values the test
// chooses, so that the truth behind each sweep is known.

import type { RunConfig } from '../../src-main/engine/run-config'
import { DEFAULT_SETTINGS } from '../../src-main/engine/sweep/spec'
import type { RunFigures } from '../../src-main/engine/training'
import type { FinishedRun } from '../../src-main/reports/matching'

export interface FakeFigures {
  ms?: number
  metric?: number
  steps?: number
  wallSeconds?: number
  params?: number
  bytes?: number
  activationBytes?: number
  baseline?: number
  baselineSe?: number
  lowerIsBetter?: boolean
  /** The classical baseline's metric (its standard error 0.002), absent when not given. */
  classical?: number
}

let nextId = 0

/** A finished run with the given settings and figures; everything else at its default. */
export function fakeRun(over: Partial<RunConfig>, f: FakeFigures, environment: Record<string, unknown> | null = { host: 'test-host', cpu: 'Test CPU', cores: 2, loadAvgStart: 0.5, loadAvgEnd: 0.5, workers: 1 }): FinishedRun {
  const config = {
    ...DEFAULT_SETTINGS, task: 'adding', seed: 1, dataSeed: 1, steps: 100, seconds: 0, evalEvery: 20, warmupSteps: 1, gradFlowEvery: 0, target: null, threads: 1, ...over,
  } as RunConfig
  const id = ++nextId
  const metric = f.metric ?? 0.01
  const figures = {
    status: 'done', divergence: null, parameterCount: f.params ?? 1000, steps: f.steps ?? 100, wallSeconds: f.wallSeconds ?? 1,
    stepMs: { total: { median: f.ms ?? 1, p10: 0, p90: 0, n: 10 }, forward: { median: 0, p10: 0, p90: 0, n: 10 }, backward: { median: 0, p10: 0, p90: 0, n: 10 } },
    samplesPerSecond: 1, timestepsPerSecond: 1, gflops: 1, flopsPerStep: 1,
    memory: { parameterBytes: 0, gradientBytes: 0, optimizerBytes: 0, activationBytes: f.activationBytes ?? 0, analyticTotalBytes: f.bytes ?? 1000, peakMeasuredBytes: 0 },
    finalTrainLoss: metric, finalValLoss: metric, finalMetric: metric, bestMetric: metric, bestStep: 0,
    metric: { name: 'mse', lowerIsBetter: f.lowerIsBetter ?? true, description: 'mean squared error' },
    baseline: { metric: f.baseline ?? 0.165, standardError: f.baselineSe ?? 0.005, items: 512, description: 'predict the mean target' },
    ...(f.classical !== undefined ? { classical: { metric: f.classical, standardError: 0.002, items: 512, description: 'linear regression' } } : {}),
    timeToTarget: null, task: { name: config.task, seqLen: config.seqLen ?? 50, citation: '' }, timing: 'wall-clock', dispatchesPerStep: null,
  } satisfies RunFigures
  return { id, idx: id, status: 'done', config, figures, environment }
}
