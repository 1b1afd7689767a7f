// Verdicts from runs whose truth is known: a cell made 1.31× slower per step must be found 1.31×
// slower, with an interval around it; cells drawn from one distribution must be "no significant
// difference"; parameter matching pairs sizes by parameter count, not hidden size.

import { describe, expect, it } from 'vitest'
import { Rng } from '../../src-main/engine/rng'
import type { RunConfig } from '../../src-main/engine/run-config'
import { DEFAULT_SETTINGS } from '../../src-main/engine/sweep/spec'
import type { RunRow } from '../../src-main/store/store'
import { answer, questionsFor } from '../../src-main/reports/verdicts'

let id = 0
function run(over: Partial<RunConfig>, f: { ms: number; metric: number; params?: number; bytes?: number }): RunRow {
  const config = { ...DEFAULT_SETTINGS, task: 'adding', seed: 1, dataSeed: 1, steps: 10, seconds: 0, evalEvery: 5, warmupSteps: 1, gradFlowEvery: 0, target: null, threads: 1, ...over } as RunConfig
  return {
    id: ++id, sweepId: 1, idx: id, status: 'done', attempts: 1, startedAt: null, finishedAt: null, error: null, environment: null, config,
    figures: {
      stepMs: { total: { median: f.ms } }, memory: { analyticTotalBytes: f.bytes ?? 1000 }, bestMetric: f.metric, parameterCount: f.params ?? 100,
      metric: { name: 'mse', lowerIsBetter: true, description: '' },
    } as RunRow['figures'],
  }
}

function sweep(lstmFactor: number, metricShift: number, seeds = 6) {
  const rng = new Rng(2)
  const runs: RunRow[] = []
  for (const H of [16, 64, 256]) {
    for (let seed = 1; seed <= seeds; seed++) {
      const base = 0.001 * H * H
      runs.push(run({ cell: 'gru', hiddenSize: H, seed }, { ms: base * (1 + 0.02 * rng.normal()), metric: 0.1 + 0.01 * rng.normal() }))
      runs.push(run({ cell: 'lstm', hiddenSize: H, seed }, { ms: lstmFactor * base * (1 + 0.02 * rng.normal()), metric: 0.1 + metricShift + 0.01 * rng.normal() }))
    }
  }
  return runs
}

describe('verdicts', () => {
  it('finds a known speed ratio, with its interval, at equal hidden size', () => {
    const runs = sweep(1.31, 0)
    const [stepTime] = questionsFor(runs)
    const result = answer(stepTime, runs, 'hidden', ['cell', 'hiddenSize'])
    const [pair] = result.pairs
    expect(pair.better).toBe('gru')
    expect(pair.worse).toBe('lstm')
    expect(pair.matchedConfigs).toBe(3)
    expect(pair.factor).toBeCloseTo(1.31, 1)
    expect(pair.ci95[0]).toBeLessThan(1.31)
    expect(pair.ci95[1]).toBeGreaterThan(1.31)
    expect(pair.ci95[1] - pair.ci95[0]).toBeLessThan(0.1)
    expect(pair.significant).toBe(true)
    expect(pair.verdict).toMatch(/^GRU trains 1\.3\d× faster per step than LSTM \(95% CI 1\.\d\d–1\.\d\d\) at equal hidden size \(p < 0\.001, 3 matched configurations\)\.$/)
    // the table: per cell over all its runs, and per configuration over seeds
    expect(result.cells.map((c) => [c.cell, c.stats.n])).toEqual([['gru', 18], ['lstm', 18]])
    expect(result.configs).toHaveLength(6)
    // by cell and hidden size: 6 seeds in each of 2 cells × 3 sizes
    expect(result.byAxis.map((a) => a.axis)).toEqual(['hiddenSize'])
    expect(result.byAxis[0].rows.map((r) => [r.cell, r.value, r.stats.n])).toEqual([['gru', '16', 6], ['lstm', '16', 6], ['gru', '64', 6], ['lstm', '64', 6], ['gru', '256', 6], ['lstm', '256', 6]])
    expect(result.byAxis[0].rows[1].stats.median / result.byAxis[0].rows[0].stats.median).toBeCloseTo(1.31, 1)
    expect(result.configs[0]).toMatchObject({ cell: 'gru', config: 'H=16' })
    expect(result.configs[0].stats.n).toBe(6)
  })

  it('says "no significant difference" when the cells learn alike, with an interval around the factor that reaches below 1', () => {
    const runs = sweep(1.31, 0)
    const metric = questionsFor(runs).find((q) => q.id === 'metric-adding')!
    const [pair] = answer(metric, runs, 'hidden', ['cell', 'hiddenSize']).pairs
    expect(pair.factor).toBeGreaterThanOrEqual(1)
    expect(pair.ci95[0]).toBeLessThan(1)
    expect(pair.ci95[0]).toBeLessThanOrEqual(pair.factor)
    expect(pair.ci95[1]).toBeGreaterThanOrEqual(pair.factor)
    expect(pair.significant).toBe(false)
    expect(pair.pAdjusted).toBeGreaterThan(0.05)
    expect(pair.verdict).toMatch(/^No significant difference in adding MSE \(best validation; lower is better\) between (GRU|LSTM) and (GRU|LSTM) at equal hidden size \(p = 0\.\d\d, 3 matched configurations\)\.$/)
  })

  it('says which cell learns better when one clearly does', () => {
    const runs = sweep(1, 0.05)
    const metric = questionsFor(runs).find((q) => q.id === 'metric-adding')!
    const [pair] = answer(metric, runs, 'hidden', ['cell', 'hiddenSize']).pairs
    expect(pair.better).toBe('gru')
    expect(pair.significant).toBe(true)
    expect(pair.effect).toBeGreaterThan(0.9)
    expect(pair.verdict).toMatch(/^GRU reaches a lower adding MSE than LSTM, by a factor of 1\.\d\d/)
  })

  it('matches by parameter count when asked: LSTM H=16 against GRU H=18, not GRU H=16', () => {
    const gru = (H: number, seed: number) => run({ cell: 'gru', hiddenSize: H, seed }, { ms: H, metric: 0.1, params: 3 * H * (H + 2) })
    const lstm = (H: number, seed: number) => run({ cell: 'lstm', hiddenSize: H, seed }, { ms: 2 * H, metric: 0.1, params: 4 * H * (H + 2) })
    const runs = [1, 2, 3, 4].flatMap((s) => [gru(16, s), gru(18, s), lstm(16, s)])
    const [stepTime] = questionsFor(runs)
    const byParams = answer(stepTime, runs, 'params', ['cell', 'hiddenSize']).pairs[0]
    expect(byParams.matchedConfigs).toBe(1)
    expect(byParams.factor).toBeCloseTo(32 / 18, 6) // LSTM 16 (4·16·18 = 1152 params) against GRU 18 (3·18·20 = 1080)
    expect(byParams.verdict).toContain('at about equal parameter count (±25%)')
    const byHidden = answer(stepTime, runs, 'hidden', ['cell', 'hiddenSize']).pairs[0]
    expect(byHidden.factor).toBeCloseTo(2, 6)
  })

  it('says when there are too few runs for the test to find any difference', () => {
    const runs = [1, 2].flatMap((seed) => [run({ cell: 'gru', seed }, { ms: 1, metric: 0.1 }), run({ cell: 'lstm', seed }, { ms: 3, metric: 0.1 })])
    const [pair] = answer(questionsFor(runs)[0], runs, 'hidden', ['cell']).pairs
    expect(pair.significant).toBe(false) // 2 against 2: the smallest possible p is 2/6
    expect(pair.verdict).toContain('with 2 runs a cell this test cannot reach p < 0.05 at all: add repeats')
    // with 6 against 6 it can, and the note goes
    const more = [1, 2, 3, 4, 5, 6].flatMap((seed) => [run({ cell: 'gru', seed }, { ms: 1 + seed / 100, metric: 0.1 }), run({ cell: 'lstm', seed }, { ms: 3 + seed / 100, metric: 0.1 })])
    expect(answer(questionsFor(more)[0], more, 'hidden', ['cell']).pairs[0].verdict).not.toContain('add repeats')
  })
})
