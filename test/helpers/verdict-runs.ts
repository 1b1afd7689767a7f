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
  /** A GPU allocator's measured peak: memory then varies from seed to seed and is tested. */
  deviceBytes?: number
  /**
   * The run's paired test against the baseline: its bar is 5% past the baseline's metric, and it
   * beats it when its metric passes the bar, unless given. `null`: a run recorded before the test.
   */
  beat?: boolean | null
  /** The run's metric on the test split (RunFigures.test), against the same baseline; absent: no test figures. */
  testMetric?: number
  /**
   * The CPU its timed steps had (RunFigures.cpu): steps that lost it of 57, the share of the step
   * time its thread waited, the clean figure (null: too few clean to judge; default `ms`), and the
   * CPU pressure. Absent: a run recorded before the CPU was sampled.
   */
  cpu?: { lost: number; waitShare?: number; estimateMs?: number | null; pressure?: number }
}

let nextId = 0

/** A finished run with the given settings and figures; everything else at its default. */
export function fakeRun(over: Partial<RunConfig>, f: FakeFigures, environment: Record<string, unknown> | null = { host: 'test-host', cpu: 'Test CPU', cores: 2, loadAvgStart: 0.5, loadAvgEnd: 0.5, workers: 1 }): FinishedRun {
  const config = {
    ...DEFAULT_SETTINGS, task: 'adding', seed: 1, dataSeed: 1, steps: 100, seconds: 0, evalEvery: 20, warmupSteps: 1, gradFlowEvery: 0, target: null, threads: 1, ...over,
  } as RunConfig
  const id = ++nextId
  const metric = f.metric ?? 0.01
  const lower = f.lowerIsBetter ?? true
  const baseline = f.baseline ?? 0.165
  const bar = lower ? 0.95 * baseline : 1.05 * baseline
  const test = (b: number, beat: boolean) => ({ beat, bar: b, p: beat ? 0.001 : 0.5, items: 512, method: 'bootstrap' as const, block: 1, resamples: 1999 })
  const classicalBar = f.classical !== undefined ? (lower ? 0.95 * f.classical : 1.05 * f.classical) : 0
  const figures = {
    status: 'done', divergence: null, parameterCount: f.params ?? 1000, steps: f.steps ?? 100, wallSeconds: f.wallSeconds ?? 1,
    stepMs: { total: { median: f.ms ?? 1, p10: 0, p90: 0, n: 10 }, forward: { median: 0, p10: 0, p90: 0, n: 10 }, backward: { median: 0, p10: 0, p90: 0, n: 10 } },
    samplesPerSecond: 1, timestepsPerSecond: 1, gflops: 1, flopsPerStep: 1,
    memory: { parameterBytes: 0, gradientBytes: 0, optimizerBytes: 0, activationBytes: f.activationBytes ?? 0, analyticTotalBytes: f.bytes ?? 1000, peakMeasuredBytes: 0, ...(f.deviceBytes !== undefined ? { deviceBytes: f.deviceBytes } : {}) },
    finalTrainLoss: metric, finalValLoss: metric, finalMetric: metric, bestMetric: metric, bestStep: 0,
    metric: { name: 'mse', lowerIsBetter: lower, description: 'mean squared error' },
    baseline: { metric: baseline, standardError: f.baselineSe ?? 0.005, items: 512, description: 'predict the mean target' },
    ...(f.classical !== undefined ? { classical: { metric: f.classical, standardError: 0.002, items: 512, description: 'linear regression' } } : {}),
    ...(f.beat === null ? {} : {
      baselineTest: test(bar, f.beat ?? (lower ? metric < bar : metric > bar)), testItems: 'validation sequences',
      ...(f.classical !== undefined ? { classicalTest: test(classicalBar, lower ? metric < classicalBar : metric > classicalBar) } : {}),
    }),
    ...(f.testMetric !== undefined ? {
      test: {
        metric: f.testMetric, loss: f.testMetric,
        baseline: { metric: baseline, standardError: f.baselineSe ?? 0.005, items: 512, description: 'predict the mean target' },
        baselineTest: test(bar, lower ? f.testMetric < bar : f.testMetric > bar), items: 'test sequences',
      },
    } : {}),
    timeToTarget: null, task: { name: config.task, seqLen: config.seqLen ?? 50, citation: '' }, timing: 'wall-clock', dispatchesPerStep: null,
    ...(f.cpu ? {
      cpu: {
        signal: 'run-queue wait' as const, threads: 1, estimator: '25th percentile of the steps that had the CPU', steps: 57, lost: f.cpu.lost,
        wallMs: 57 * (f.ms ?? 1), waitMs: (f.cpu.waitShare ?? 0) * 57 * (f.ms ?? 1),
        estimateMs: f.cpu.estimateMs === undefined ? f.ms ?? 1 : f.cpu.estimateMs,
        ...(f.cpu.estimateMs === null ? { tooFew: `${f.cpu.lost} of 57 steps lost the CPU (${57 - f.cpu.lost} clean; 12 needed)` } : {}),
        pressure: f.cpu.pressure === undefined ? null : { share: f.cpu.pressure, peakShare: f.cpu.pressure, samples: 6 },
      },
    } : {}),
  } satisfies RunFigures
  return { id, idx: id, status: 'done', config, figures, environment }
}
