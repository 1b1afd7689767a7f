// A large synthetic sweep, written straight into a database: plausible figures, series and
// gradient-flow snapshots for every run, so that the UI can be tried at sizes no test could train.

import type { RunConfig } from '../../src-main/engine/run-config'
import { Rng } from '../../src-main/engine/rng'
import { DEFAULT_SETTINGS } from '../../src-main/engine/sweep/spec'
import type { Point, RunFigures } from '../../src-main/engine/training'
import { Store } from '../../src-main/store/store'

/** A finished run's figures for a synthetic configuration: plausible numbers, every field set. */
function figures(c: RunConfig, rng: Rng, POINTS: number): RunFigures {
  const summary = (v: number) => ({ median: v, p10: v * 0.9, p90: v * 1.1, n: POINTS })
  const ms = 1e-4 * c.hiddenSize ** 2 * (c.cell === 'lstm' ? 4 : c.cell === 'gru' ? 3 : 1) * (1 + 0.1 * rng.uniform())
  const metric = 0.02 + 0.15 * rng.uniform() / Math.sqrt(c.hiddenSize / 8)
  return {
    status: 'done', divergence: null, parameterCount: 1000, steps: POINTS, wallSeconds: ms * POINTS / 1000,
    stepMs: { total: summary(ms), forward: summary(ms / 3), backward: summary((2 * ms) / 3) },
    samplesPerSecond: 1, timestepsPerSecond: 1, gflops: 1, flopsPerStep: 1,
    memory: { parameterBytes: 4e3, gradientBytes: 4e3, optimizerBytes: 8e3, activationBytes: 200 * c.hiddenSize * (c.seqLen ?? 50), analyticTotalBytes: 16e3 + 200 * c.hiddenSize * (c.seqLen ?? 50), peakMeasuredBytes: 0 },
    finalTrainLoss: metric, finalValLoss: metric, finalMetric: metric, bestMetric: metric, bestStep: POINTS,
    metric: { name: 'mse', lowerIsBetter: true, description: 'mean squared error' },
    baseline: { metric: 0.167, description: 'predict the mean target' },
    timeToTarget: null, task: { name: 'adding', seqLen: c.seqLen ?? 50, citation: '' }, timing: 'wall-clock', dispatchesPerStep: null,
  }
}

/** A database with one finished sweep of `runs` synthetic runs, `points` points per series. */
export function largeSweep(path: string, RUNS: number, POINTS: number, name = 'a thousand runs'): void {
  const store = new Store(path)
  const rng = new Rng(7)
  const configs: RunConfig[] = []
  for (let i = 0; i < RUNS; i++) {
    configs.push({
      ...DEFAULT_SETTINGS, task: 'adding', cell: (['lstm', 'gru', 'rnn_tanh'] as const)[i % 3], hiddenSize: [8, 16, 32, 64, 128][Math.floor(i / 3) % 5],
      seqLen: [25, 50, 100, 200][Math.floor(i / 15) % 4], lr: [0.001, 0.003, 0.01, 0.03, 0.1][Math.floor(i / 60) % 5], seed: 1 + Math.floor(i / 300),
      dataSeed: 1, steps: POINTS, seconds: 0, evalEvery: 10, warmupSteps: 3, gradFlowEvery: 50, target: null, threads: 1,
    })
  }
  const id = store.createSweep(name, { name, strategy: 'grid', repeats: 1, seed: 1, settings: {}, axes: {}, budget: { steps: POINTS, seconds: 0 }, warmupSteps: 3, target: null, threads: 1 }, configs)
  for (const run of store.listRuns(id)) {
    store.claimRun(run.id)
    const f = figures(run.config, rng, POINTS)
    const points: Point[] = []
    for (let s = 1; s <= POINTS; s++) {
      points.push({ series: 'train_loss', step: s, wallMs: s * f.stepMs.total.median, value: f.finalTrainLoss + 0.5 * Math.exp(-s / 60) * (1 + 0.2 * rng.normal()) })
      points.push({ series: 'val_metric', step: s, wallMs: s * f.stepMs.total.median, value: f.finalMetric + 0.4 * Math.exp(-s / 80) })
    }
    store.appendPoints(run.id, points)
    for (let s = 0; s < POINTS; s += 50) {
      const T = run.config.seqLen!
      store.appendGradFlow(run.id, { step: s, rows: 1, T, norms: Array.from({ length: T }, (_, t) => Math.exp((t - T) / (run.config.cell === 'rnn_tanh' ? 5 : 50))) })
    }
    store.finishRun(run.id, { status: 'done', figures: f })
  }
  store.close()
}
