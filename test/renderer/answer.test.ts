// The answer first, as data: the scoreboard's rule for a winner (significantly better than every
// other cell, else the cells no other beat, and why), "too few" and "neither learned" said as such,
// the speed caveat once per backend; the runs table's value filters; one rule for "beat the
// baseline" read alike by the verdicts, the Pareto front and the runs table; and the design's
// power said before a sweep runs.

import { describe, expect, it } from 'vitest'
import type { RunConfig } from '../../src-main/engine/run-config'
import { designPower, powerWarnings, smallestP } from '../../src-main/engine/sweep/power'
import type { SweepSpec } from '../../src-main/engine/sweep/spec'
import { verdictReport } from '../../src-main/reports/verdicts'
import { beatsBaseline, judgeBaseline } from '../../src-shared/baseline-rule'
import { paretoChart, styling } from '../../src-renderer/src/compare/charts'
import { baselineText, metricColumns, parseSearch, searchRuns } from '../../src-renderer/src/compare/runs-table'
import { fewestPairs, scoreRows, withoutCaveat } from '../../src-renderer/src/compare/scoreboard'
import type { FinishedRun } from '../../src-renderer/src/compare/analysis'
import { fakeRun } from '../helpers/verdict-runs'

const noSeries = () => undefined
const asView = (rs: ReturnType<typeof fakeRun>[], sweepId = 1) => rs.map((r) => ({ ...r, sweepId, error: null, startedAt: null, finishedAt: null })) as unknown as FinishedRun[]

/** Three cells over `seeds` seeds at two sizes: GRU faster than LSTM by `speedup`, LSTM and GRU learn alike (metric about 0.01, either ahead in some pairs), the RNN does not (0.2 against 0.165). */
function sweep(seeds: number, speedup = 1.4, environment?: Record<string, unknown>) {
  const out: ReturnType<typeof fakeRun>[] = []
  for (const H of [16, 32]) for (let seed = 1; seed <= seeds; seed++) {
    const jitter = 1 + 0.01 * ((seed * 7 + H) % 5)
    out.push(fakeRun({ cell: 'lstm', hiddenSize: H, seed }, { ms: 2 * jitter, metric: 0.01 * jitter }, environment))
    out.push(fakeRun({ cell: 'gru', hiddenSize: H, seed }, { ms: (2 / speedup) * jitter, metric: 0.01 * (1 + 0.01 * ((seed * 3 + H) % 5)) }, environment))
    out.push(fakeRun({ cell: 'rnn_tanh', hiddenSize: H, seed }, { ms: 0.5 * jitter, metric: 0.2 * jitter }, environment))
  }
  return out
}

describe('the scoreboard', () => {
  it('names a winner only when it beats every other cell significantly, and says the rest in words', () => {
    const rows = scoreRows(verdictReport(sweep(5), noSeries, 'hidden'))
    const speed = rows.find((r) => r.key === 'step-time')!
    expect(speed.outcome).toBe('significant')
    expect(speed.winner).toBe('rnn_tanh')
    expect(speed.answer).toBe('RNN (tanh), significantly')
    const metric = rows.find((r) => r.key === 'metric-adding')!
    // LSTM and GRU differ by 1%, both far ahead of the RNN: no single winner, the top two named
    expect(metric.winner).toBeNull()
    expect(metric.answer).toBe("LSTM or GRU (no significant difference between them), ahead of RNN (tanh); LSTM and GRU beat the baseline in most runs")
    expect(metric.baselines[0].cells.map((c) => [c.cell, c.beat, c.runs]).sort()).toEqual([['gru', 10, 10], ['lstm', 10, 10], ['rnn_tanh', 0, 10]])
    // task rows come before speed and size
    expect(rows.findIndex((r) => r.group === 'task')).toBeLessThan(rows.findIndex((r) => r.group === 'speed'))
  })

  it('says "too few" with the pairs it has and needs, and "neither learned" when no cell beat the baseline', () => {
    const few = scoreRows(verdictReport(sweep(2), noSeries, 'hidden'))
    const speed = few.find((r) => r.key === 'step-time')!
    expect(speed.outcome).toBe('too-few')
    expect(speed.answer).toBe(`too few pairs to tell (4; ${fewestPairs(0.05)} needed)`)
    expect(fewestPairs(0.05)).toBe(6)
    expect(smallestP(5)).toBeGreaterThan(0.05)
    expect(smallestP(6)).toBeLessThan(0.05)
    const nobody = sweep(5).map((r) => (r.config.task === 'adding' ? fakeRun(r.config, { metric: 0.3, ms: r.figures.stepMs.total.median }) : r))
    const row = scoreRows(verdictReport(nobody, noSeries, 'hidden')).find((r) => r.key === 'metric-adding')!
    expect(row.outcome).toBe('neither-learned')
  })

  it('gives speed one row per backend with its caveat once, and takes the caveat out of the sentences it shows', () => {
    const crowded = { host: 'h', cpu: 'c', cores: 2, loadAvgStart: 3.5, loadAvgEnd: 3.5, workers: 4 }
    const runs = [...sweep(5, 1.4, crowded), ...sweep(5, 1.4, crowded).map((r) => fakeRun({ ...r.config, backend: 'cpu-native' }, { ms: r.figures.stepMs.total.median, metric: r.figures.finalMetric }, crowded))]
    const rows = scoreRows(verdictReport(runs, noSeries, 'hidden')).filter((r) => r.question.id === 'step-time')
    expect(rows.map((r) => r.label).sort()).toEqual(['Step time · cpu-js', 'Step time · cpu-native'])
    for (const r of rows) {
      expect(r.caveat).toMatch(/beside more runs than cores/)
      for (const c of r.comparisons) expect(withoutCaveat(c.verdict)).not.toContain(c.verdict.caveat!)
    }
  })
})

describe('the scoreboard on a busy machine', () => {
  it('says a speed row was timed under contention, with the share of steps that lost the CPU, instead of a winner', () => {
    const runs = [1, 2, 3, 4, 5, 6].flatMap((seed) => [
      fakeRun({ cell: 'gru', seed }, { ms: 1, cpu: { lost: 20 } }),
      fakeRun({ cell: 'lstm', seed }, { ms: 2, cpu: seed <= 2 ? { lost: 50, estimateMs: null } : { lost: 20 } }),
    ])
    const speed = scoreRows(verdictReport(runs, noSeries, 'hidden')).find((r) => r.question.id === 'step-time')!
    expect(speed.outcome).toBe('contended')
    expect(speed.winner).toBeNull()
    // 10 runs lost 20 of 57 steps, 2 lost 50: 300 of 684
    expect(speed.answer).toBe('44% of steps lost the CPU; step time not judged (2 of 6 pairs left out)')
  })
})

describe('the runs table', () => {
  const runs = asView([
    fakeRun({ cell: 'lstm', hiddenSize: 64, lr: 0.003, seqLen: 50 }, { metric: 0.01 }), fakeRun({ cell: 'gru', hiddenSize: 64, lr: 0.03, seqLen: 100 }, { metric: 0.02 }),
    fakeRun({ cell: 'lstm', hiddenSize: 128, lr: 0.001, seqLen: 200 }, { metric: 0.3 }), fakeRun({ cell: 'gru', hiddenSize: 16, lr: 0.01, seqLen: 50 }, { metric: 0.05 }),
  ])
  const settings = ['cell', 'hiddenSize', 'lr', 'seqLen'] as const
  const hs = (q: string) => searchRuns(runs, q, [...settings]).map((r) => `${r.config.hiddenSize}/${r.config.lr}`)

  it('filters by value: H=64 (the form the UI writes), lr<0.01, a range, a metric, alongside words', () => {
    expect(hs('H=64')).toEqual(['64/0.003', '64/0.03'])
    expect(hs('hiddenSize=64')).toEqual(hs('H=64'))
    expect(hs('lr<0.01')).toEqual(['64/0.003', '128/0.001'])
    expect(hs('lr<=0.01')).toEqual(['64/0.003', '128/0.001', '16/0.01'])
    expect(hs('T=50..100')).toEqual(['64/0.003', '64/0.03', '16/0.01'])
    expect(hs('mse<0.1 gru')).toEqual(['64/0.03', '16/0.01'])
    expect(hs('H>=64 lr>0.002')).toEqual(['64/0.003', '64/0.03'])
  })

  it('names a term it cannot read and what would be valid, and leaves it out instead of hiding every row', () => {
    const bad = parseSearch('Q=3', runs)
    expect(bad.error).toMatch(/^"Q=3": no column "Q"; compare a setting/)
    expect(parseSearch('lr<abc', runs).error).toBe('"lr<abc": < needs a number after it, as in lr<0.01')
    expect(hs('Q=3')).toHaveLength(4)
  })

  it('keeps one metric column per task, named with its metric and direction', () => {
    expect(metricColumns(runs).map((c) => c.label)).toEqual(['adding mse ↓'])
  })
})

describe('one rule for "beat the baseline"', () => {
  it('reads the run\'s own paired test, and its metric alone only for runs recorded before the test', () => {
    // below the baseline's metric but not past the bar: the test says no, and so does every view
    const near = fakeRun({}, { metric: 0.16, baseline: 0.165 })
    expect(judgeBaseline(near.figures)).toEqual({ beat: false, by: 'test' })
    const old = fakeRun({}, { metric: 0.16, baseline: 0.165, beat: null })
    expect(judgeBaseline(old.figures)).toEqual({ beat: true, by: 'metric' })
    expect(baselineText(asView([old])[0], 'trivial')).toBe('yes*')
    expect(baselineText(asView([near])[0], 'classical')).toBe('–')
  })

  it('the verdicts, the Pareto front and the runs table agree run by run', () => {
    const runs = sweep(5).map((r, i) => (i % 4 === 0 ? fakeRun(r.config, { metric: 0.16, ms: r.figures.stepMs.total.median }) : r))
    const report = verdictReport(runs, noSeries, 'hidden')
    const fromVerdicts = new Set(report.questions.find((q) => q.id === 'metric-adding')!.verdicts.flatMap((v) => v.baseline!.flatMap((b) => b.trivial.beatRunIds)))
    const views = asView(runs)
    const learned = new Set(paretoChart(views, 'time', styling(views, 'cell'))!.learned.map((r) => r.id))
    const table = new Set(views.filter((r) => baselineText(r, 'trivial') === 'yes').map((r) => r.id))
    expect([...learned].sort()).toEqual([...fromVerdicts].sort())
    expect([...table].sort()).toEqual([...fromVerdicts].sort())
    expect(fromVerdicts.size).toBeGreaterThan(0)
    expect(views.every((r) => learned.has(r.id) === beatsBaseline(r.figures))).toBe(true)
  })
})

describe('verdicts over several sweeps', () => {
  it('pairs runs of two sweeps that match on everything but the cell, and says which sweep each pair came from', () => {
    const lstm = sweep(6).filter((r) => r.config.cell === 'lstm').map((r) => ({ ...r, sweepId: 1 }))
    const gru = sweep(6).filter((r) => r.config.cell === 'gru').map((r) => ({ ...r, sweepId: 2 }))
    const report = verdictReport([...lstm, ...gru], noSeries, 'hidden')
    expect(report.sweeps).toEqual([1, 2])
    const v = report.questions.find((q) => q.id === 'step-time')!.verdicts[0]
    expect(v.cells).toEqual(['gru', 'lstm'])
    expect(v.pairSweeps).toEqual([{ sweeps: [2, 1], pairs: 12 }])
    expect(v.sentence).toMatch(/ Pairs by sweep: 12 of GRU from sweep #2 against LSTM from #1\.$/)
    expect(v.pairList).toHaveLength(12)
    for (const p of v.pairList) expect(gru.some((r) => r.id === p.ids[0]) && lstm.some((r) => r.id === p.ids[1])).toBe(true)
    // one sweep: nothing said of sweeps
    expect(verdictReport(sweep(6).map((r) => ({ ...r, sweepId: 1 })), noSeries, 'hidden').questions[0].verdicts[0].pairSweeps).toBeNull()
  })
})

describe('the design\'s power, before the sweep runs', () => {
  const spec = { tune: undefined } as unknown as SweepSpec
  const configs = (repeats: number, sizes: number[]) => (['lstm', 'gru'] as const).flatMap((cell) => sizes.flatMap((hiddenSize) => Array.from({ length: repeats }, (_, s) => ({ ...fakeRun({ cell, hiddenSize, seed: s + 1 }, {}).config }) as RunConfig)))
  it('counts the pairs per comparison and warns when no verdict can be significant', () => {
    expect(designPower(configs(1, [16, 32]))).toMatchObject({ metricPairs: 2, speedPairs: 2 })
    expect(powerWarnings(spec, configs(1, [16, 32]))[0]).toMatch(/^what is learned: each comparison of two cells will have 2 matched pairs, and the smallest p a signed-rank test of 2 can give is 0\.50, above 0\.05/)
    expect(powerWarnings(spec, configs(4, [16, 32, 64, 128]))).toEqual([])
  })
})

describe('charts readable at any range and count', () => {
  it('labels a log axis too narrow for 1, 2 and 5 × 10ᵏ (0.6 to 0.8) at every tick, and a wide one only at those', async () => {
    const { logTicks } = await import('../../src-renderer/src/charts/styles')
    const narrow = [0.6, 0.7, 0.8].map((value) => ({ value }))
    expect(narrow.map((t, i) => logTicks.callback(t.value, i, narrow))).toEqual(['0.6', '0.7', '0.8'])
    const wide = [0.1, 0.2, 0.3, 0.5, 0.7, 1].map((value) => ({ value }))
    expect(wide.map((t, i) => logTicks.callback(t.value, i, wide))).toEqual(['0.1', '0.2', '', '0.5', '', '1'])
  })

  it('colours a numeric setting on a sequential scale in order of value, log across decades', async () => {
    const { seriesStyle, numericPlace } = await import('../../src-renderer/src/charts/styles')
    const lrs = ['0.001', '0.01', '0.1']
    expect(lrs.map((v) => numericPlace(Number(v), lrs.map(Number)))).toEqual([0, 0.5, 1])
    const colours = lrs.map((v) => seriesStyle('lr', v, lrs, 'cpu-js').color)
    expect(new Set(colours).size).toBe(3)
    expect(colours.every((c) => c.startsWith('rgb('))).toBe(true) // the ramp, not the categorical palette
  })
})
