// The compare view's numbers: filters, medians per group, the Pareto front, bands over seeds,
// the gradient-flow matrix and the parallel-coordinates axes.

import { describe, expect, it } from 'vitest'
import type { RunView } from '../../src-main/ipc/contract'
import type { RunConfig } from '../../src-main/engine/run-config'
import { applyFilters, configKey, gradFlowMatrix, medianLines, paretoFront, quantile, seedBand, smoothEma, settingSensitivity, settingValues, varyingSettings, type FinishedRun } from '../../src-renderer/src/compare/analysis'

const base: RunConfig = {
  task: 'adding', cell: 'lstm', backend: 'cpu-js', hiddenSize: 16, numLayers: 1, bidirectional: false, dropout: 0, batchSize: 32, optimizer: 'adam',
  lr: 0.01, momentum: 0, weightDecay: 0, clipNorm: 1, forgetBias1: false, seed: 1, dataSeed: 1, steps: 10, seconds: 0, evalEvery: 5, warmupSteps: 1, gradFlowEvery: 5, target: null, threads: 1,
}
let nextId = 1
function run(config: Partial<RunConfig>, stepMs = 1): FinishedRun {
  return {
    id: nextId++, sweepId: 1, idx: 0, status: 'done', error: null, startedAt: null, finishedAt: null, environment: null,
    config: { ...base, ...config },
    figures: { stepMs: { total: { median: stepMs, p10: stepMs, p90: stepMs, n: 5 } } } as FinishedRun['figures'],
  }
}

describe('compare analysis', () => {
  it('finds the settings that vary and their values, numbers in order', () => {
    const runs = [run({ hiddenSize: 64 }), run({ hiddenSize: 8, cell: 'gru' }), run({ hiddenSize: 16 })]
    expect(varyingSettings(runs)).toEqual(['cell', 'hiddenSize'])
    expect(settingValues(runs, 'hiddenSize')).toEqual(['8', '16', '64'])
  })

  it('filters by kept values; a setting without a filter keeps all', () => {
    const runs: RunView[] = [run({ cell: 'lstm' }), run({ cell: 'gru' }), run({ cell: 'rnn_tanh', hiddenSize: 8 })]
    expect(applyFilters(runs, { cell: ['gru', 'rnn_tanh'] }).map((r) => r.config.cell)).toEqual(['gru', 'rnn_tanh'])
    expect(applyFilters(runs, { cell: ['gru', 'rnn_tanh'], hiddenSize: ['16'] }).map((r) => r.config.cell)).toEqual(['gru'])
    expect(applyFilters(runs, {})).toHaveLength(3)
  })

  it('reduces repeats to the median per group and x, in x order', () => {
    const runs = [run({ hiddenSize: 64 }, 9), run({ hiddenSize: 16, seed: 2 }, 3), run({ hiddenSize: 16 }, 1), run({ hiddenSize: 16, seed: 3 }, 2), run({ cell: 'gru', hiddenSize: 16 }, 5)]
    const lines = medianLines(runs, (r) => r.config.cell, (r) => r.config.hiddenSize, (r) => r.figures.stepMs.total.median)
    expect(lines.map((l) => [l.label, l.points.map((p) => [p.x, p.y])])).toEqual([['lstm', [[16, 2], [64, 9]]], ['gru', [[16, 5]]]])
  })

  it('marks exactly the non-dominated points as the Pareto front', () => {
    // [time, error]: (1, 5) and (3, 1) trade off; (2, 2) is between them; (4, 4) and (3, 2) are dominated
    const points = [[1, 5], [3, 1], [2, 2], [4, 4], [3, 2], [NaN, 0]]
    expect(paretoFront(points)).toEqual([0, 1, 2])
    // a tie on every objective dominates neither
    expect(paretoFront([[1, 1], [1, 1]])).toEqual([0, 1])
  })

  it('treats runs that differ only by seed as one configuration, and bands them at shared steps', () => {
    expect(configKey(run({ seed: 1 }))).toBe(configKey(run({ seed: 2 })))
    expect(configKey(run({ seed: 1 }))).not.toBe(configKey(run({ hiddenSize: 8 })))
    const band = seedBand([
      { step: [1, 2, 3], wallMs: [0, 0, 0], value: [4, 2, 1] },
      { step: [1, 2], wallMs: [0, 0], value: [2, null] },
    ])
    expect(band).toEqual({ step: [1, 2], mean: [3, 2], low: [2, 2], high: [4, 2], n: 2 })
  })

  it('sums the gradient norm over layer-directions per timestep, in log10, zero as missing', () => {
    const m = gradFlowMatrix([
      { step: 0, rows: 2, T: 3, norms: [1, 10, 0, 9, 90, 0] },
      { step: 5, rows: 2, T: 3, norms: [0.1, 1, 100, 0, 0, 0] },
    ])
    expect(m.steps).toEqual([0, 5])
    expect(m.T).toBe(3)
    expect(m.log10[0].map((v) => v === null ? null : Number(v.toFixed(6)))).toEqual([1, 2, null])
    expect(m.log10[1].map((v) => v === null ? null : Number(v.toFixed(6)))).toEqual([-1, 0, 2])
  })

  it('smooths as TensorBoard does: a de-biased EMA that starts at the first value and skips gaps', () => {
    expect(smoothEma([4, 4, 4], 0.9)).toEqual([4, 4, 4].map((v) => expect.closeTo(v, 12))) // de-biased: no pull towards 0
    const s = smoothEma([1, null, 3], 0.5)
    expect(s[0]).toBeCloseTo(1, 12)
    expect(s[1]).toBeNaN()
    // m1 = 0.5, m2 = 0.25 + 1.5 = 1.75, shown as 1.75 / (1 - 0.25)
    expect(s[2]).toBeCloseTo(1.75 / 0.75, 12)
    expect(smoothEma([1, 5, 2], 0)).toEqual([1, 5, 2])
  })

  it('takes quantiles between order statistics, ignoring what is not finite', () => {
    expect(quantile([3, 1, 2, NaN, Infinity], 0.5)).toBe(2)
    expect(quantile([0, 10], 0.98)).toBeCloseTo(9.8, 12)
    expect(quantile([], 0.5)).toBeNaN()
  })
})

describe('which settings matter, per cell', () => {
  it('gives each setting the share of a cell\'s log-metric variance it explains on its own', () => {
    // GRU is robust to the learning rate (its metric depends on H only); LSTM depends on the learning rate only
    const runs: FinishedRun[] = []
    let id = 0
    for (const cell of ['gru', 'lstm'] as const) {
      for (const hiddenSize of [16, 64]) {
        for (const lr of [0.001, 0.1]) {
          for (const seed of [1, 2]) {
            const metric = cell === 'gru' ? (hiddenSize === 16 ? 0.1 : 0.01) * (1 + 0.01 * seed) : (lr === 0.1 ? 0.5 : 0.05) * (1 + 0.01 * seed)
            runs.push({ id: ++id, idx: id - 1, sweepId: 1, status: 'done', error: null, startedAt: null, finishedAt: null, environment: null,
              config: { cell, hiddenSize, lr, seed, task: 'adding' } as never, figures: { finalMetric: metric } as never })
          }
        }
      }
    }
    const s = settingSensitivity(runs, ['cell', 'hiddenSize', 'lr'])
    const of = (cell: string) => s.find((c) => c.cell === cell)!
    expect(of('gru').runs).toBe(8)
    expect(of('gru').shares.hiddenSize).toBeGreaterThan(0.99)
    expect(of('gru').shares.lr).toBeLessThan(0.01)
    expect(of('lstm').shares.lr).toBeGreaterThan(0.99)
    expect(of('lstm').shares.hiddenSize).toBeLessThan(0.01)
    expect(of('gru').shares.cell).toBeUndefined()
  })
})
