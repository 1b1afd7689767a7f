// The compare view's charts as data: parallel coordinates (tick labels, the cell axis, quantile
// colours, brushing), the runs table's order and search, one style per series across charts,
// memory per run against what varies, the Pareto front among runs that beat the baseline, and a
// convergence range one outlier cannot flatten.

import { describe, expect, it } from 'vitest'
import type { RunConfig } from '../../src-main/engine/run-config'
import type { FinishedRun } from '../../src-renderer/src/compare/analysis'
import { convergenceChart, memoryChart, paretoChart, stepTimeChart, styling } from '../../src-renderer/src/compare/charts'
import { insideBrushes, parallelLayout, parallelSvg } from '../../src-renderer/src/compare/parallel'
import { searchRuns, sortRuns } from '../../src-renderer/src/compare/runs-table'
import { PALETTE, seriesStyle } from '../../src-renderer/src/charts/styles'

const base: RunConfig = {
  task: 'adding', cell: 'lstm', backend: 'cpu-js', hiddenSize: 16, numLayers: 1, bidirectional: false, dropout: 0, batchSize: 32, optimizer: 'adam',
  lr: 0.01, momentum: 0, weightDecay: 0, clipNorm: 1, forgetBias1: false, seed: 1, dataSeed: 1, steps: 10, seconds: 0, evalEvery: 5, warmupSteps: 1, gradFlowEvery: 5, target: null, threads: 1,
}
let nextId = 1
function run(config: Partial<RunConfig>, f: { metric?: number; ms?: number; bytes?: number; T?: number } = {}): FinishedRun {
  const id = nextId++
  const metric = f.metric ?? 0.1, ms = f.ms ?? 1
  return {
    id, sweepId: 1, idx: id - 1, status: 'done', error: null, startedAt: null, finishedAt: null, environment: null,
    config: { ...base, ...config },
    figures: {
      stepMs: { total: { median: ms, p10: ms, p90: ms, n: 5 }, forward: null, backward: null }, steps: 10, finalMetric: metric, bestMetric: metric,
      memory: { analyticTotalBytes: f.bytes ?? 1024, parameterBytes: 0, gradientBytes: 0, optimizerBytes: 0, activationBytes: 0, peakMeasuredBytes: 0 },
      metric: { name: 'mse', lowerIsBetter: true, description: '' }, baseline: { metric: 0.167, description: 'predict the mean' },
      task: { name: 'adding', seqLen: f.T ?? 50, citation: '' },
    } as unknown as FinishedRun['figures'],
  }
}

describe('parallel coordinates', () => {
  it('labels every axis with its values (the cell too) and ends at the measure', () => {
    const runs = [run({ cell: 'lstm', hiddenSize: 16 }, { metric: 0.01 }), run({ cell: 'gru', hiddenSize: 64 }, { metric: 0.1 }), run({ cell: 'rnn_tanh', hiddenSize: 256 }, { metric: 1 })]
    const layout = parallelLayout(runs, ['cell', 'hiddenSize'], 'metric')!
    expect(layout.axes.map((a) => a.key)).toEqual(['cell', 'hiddenSize', 'measure'])
    expect(layout.axes[0].ticks.map((t) => t.text)).toEqual(['lstm', 'gru', 'rnn_tanh'])
    // the swept sizes themselves, on a log scale across the decades
    expect(layout.axes[1].ticks.map((t) => [t.text, Number(t.at.toFixed(3))])).toEqual([['16', 0], ['64', 0.5], ['256', 1]])
    expect(layout.axes[2].label).toBe('best mse')
    expect(layout.axes[2].ticks).toHaveLength(5)
    const svg = parallelSvg(layout)
    for (const text of ['lstm', 'rnn_tanh', '256', 'best mse']) expect(svg).toContain(`>${text}<`)
  })

  it('colours by quantile: one outlier leaves the others spread over the scale', () => {
    const runs = [0.01, 0.011, 0.012, 0.013, 10].map((m, i) => run({ hiddenSize: 8 * (i + 1) }, { metric: m }))
    const layout = parallelLayout(runs, ['hiddenSize'], 'metric')!
    // lower mse is better: the best is 1, the outlier 0, the rest evenly between
    expect(layout.lines.map((l) => l.goodness)).toEqual([1, 0.75, 0.5, 0.25, 0])
  })

  it('keeps the runs inside every brushed range', () => {
    const runs = [run({ hiddenSize: 16, cell: 'lstm' }), run({ hiddenSize: 64, cell: 'lstm' }), run({ hiddenSize: 64, cell: 'gru' })]
    const layout = parallelLayout(runs, ['cell', 'hiddenSize'], 'metric')!
    expect(insideBrushes(layout, {})).toBeNull()
    expect([...insideBrushes(layout, { hiddenSize: [0.9, 1] })!]).toEqual([runs[1].id, runs[2].id])
    expect([...insideBrushes(layout, { hiddenSize: [0.9, 1], cell: [0, 0.1] })!]).toEqual([runs[1].id])
  })
})

describe('the runs table', () => {
  it('sorts by any column, numbers as numbers, ties in run order, either way', () => {
    const runs = [run({ hiddenSize: 64 }, { ms: 2 }), run({ hiddenSize: 8 }, { ms: 0.5 }), run({ hiddenSize: 128 }, { ms: 2 })]
    expect(sortRuns(runs, { key: 'hiddenSize', descending: false }).map((r) => r.config.hiddenSize)).toEqual([8, 64, 128])
    expect(sortRuns(runs, { key: 'stepMs', descending: true }).map((r) => r.id)).toEqual([runs[0].id, runs[2].id, runs[1].id])
    expect(sortRuns(runs, { key: 'number', descending: true }).map((r) => r.id)).toEqual([runs[2].id, runs[1].id, runs[0].id])
  })

  it('keeps the rows that have every term searched', () => {
    const runs = [run({ cell: 'lstm', hiddenSize: 64 }), run({ cell: 'gru', hiddenSize: 64 }), run({ cell: 'lstm', hiddenSize: 8, seed: 2 })]
    expect(searchRuns(runs, 'LSTM', ['cell', 'hiddenSize'])).toHaveLength(2)
    expect(searchRuns(runs, 'lstm hiddenSize=64', ['cell', 'hiddenSize']).map((r) => r.id)).toEqual([runs[0].id])
    expect(searchRuns(runs, 'seed=2', ['cell']).map((r) => r.id)).toEqual([runs[2].id])
  })
})

describe('chart styles and ranges', () => {
  it('keeps every series distinct: a cell has one colour, a backend one dash, past twelve values the dash changes', () => {
    const lstmJs = seriesStyle('cell', 'lstm', [], 'cpu-js'), rnnGpu = seriesStyle('cell', 'rnn_tanh', [], 'webgpu'), lstmNative = seriesStyle('cell', 'lstm', [], 'cpu-native')
    expect(lstmJs.color).not.toBe(rnnGpu.color)
    expect(lstmNative.color).toBe(lstmJs.color)
    expect(lstmNative.dash).not.toEqual(lstmJs.dash)
    const keys = Array.from({ length: 20 }, (_, i) => String(i))
    const styles = keys.map((k) => JSON.stringify(seriesStyle('lr', k, keys, 'cpu-js')))
    expect(new Set(styles).size).toBe(20)
    expect(PALETTE).toHaveLength(12)
  })

  it('puts the step-time ticks at the swept hidden sizes', () => {
    const runs = [16, 64, 256].map((H) => run({ hiddenSize: H }))
    const x = stepTimeChart(runs)!.options!.scales!.x as unknown as { afterBuildTicks: (axis: { ticks: unknown[] }) => void }
    const axis = { ticks: [] as Array<{ value: number }> }
    x.afterBuildTicks(axis)
    expect(axis.ticks.map((t) => t.value)).toEqual([16, 64, 256])
  })

  it('draws memory per run, against H when every run has one T, never a median across sizes', () => {
    const runs = [run({ hiddenSize: 16 }, { bytes: 2 ** 20 }), run({ hiddenSize: 64 }, { bytes: 8 * 2 ** 20 }), run({ hiddenSize: 64, seed: 2 }, { bytes: 8 * 2 ** 20 })]
    const m = memoryChart(runs)!
    expect(m.against).toBe('hiddenSize')
    const points = m.config.data.datasets.flatMap((d) => d.data as Array<{ x: number; y: number }>)
    expect(points.map((p) => [p.x, p.y])).toEqual([[16, 1], [64, 8], [64, 8]])
    const varyT = [run({}, { T: 50, bytes: 2 ** 20 }), run({}, { T: 100, bytes: 2 ** 21 })]
    expect(memoryChart(varyT)!.against).toBe('seqLen')
  })

  it('builds the Pareto front only from runs that beat the baseline, greys the others and draws the baseline', () => {
    const runs = [run({ hiddenSize: 8 }, { ms: 0.1, metric: 0.2 }), run({ hiddenSize: 16 }, { ms: 0.2, metric: 0.05 }), run({ hiddenSize: 32 }, { ms: 0.4, metric: 0.01 })]
    const p = paretoChart(runs, 'time', styling(runs, 'cell'))!
    expect(p.front.map((r) => r.id).sort()).toEqual([runs[1].id, runs[2].id].sort())
    const labels = p.config.data.datasets.map((d) => d.label)
    expect(labels).toContain('did not beat the baseline (1)')
    expect(labels).toContain('baseline: 0.167')
    expect(labels[0]).toBe('Pareto front (nothing is both faster and better)')
    expect(paretoChart(runs, 'memory', styling(runs, 'cell'))!.config.data.datasets[0].label).toBe('Pareto front (nothing is both smaller and better)')
  })

  it('stops the convergence axis at a robust top when one outlier would flatten the rest (the Tukey far fence), unless the axis is log', () => {
    const runs = [run({}), run({ seed: 2 }), run({ seed: 3 })]
    const series = Object.fromEntries(runs.map((r, i) => [r.id, { val_metric: { step: [1, 2, 3, 4, 5], wallMs: [100, 200, 300, 400, 500], value: i === 2 ? [10, 0.1, 0.1, 0.1, 0.1] : [0.2, 0.1, 0.08, 0.06, 0.05] } }]))
    const c = convergenceChart(runs, series, styling(runs, 'cell'))!
    expect(c.clippedAbove).not.toBeNull()
    expect(c.clippedAbove!).toBeLessThan(1)
    expect(convergenceChart(runs, series, styling(runs, 'cell'), { smoothing: 0, logY: true })!.clippedAbove).toBeNull()
  })
})
