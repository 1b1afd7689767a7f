// Verdicts from runs whose truth is known: a cell made 1.31× slower per step is found 1.31× slower
// by a paired test over matched pairs, with an interval that agrees with the test; the order the
// cells are listed in changes nothing; parameter matching is symmetric; exact quantities carry no
// p-value; accuracy is compared at equal steps when a time budget gave the runs unequal training;
// every test of the report is one Holm family; whether a cell learned is said beside the comparison
// and never changes what is tested; settings are described, never split by; runs of two machines
// are never paired.

import { describe, expect, it } from 'vitest'
import { Rng } from '../../src-main/engine/rng'
import type { RunConfig } from '../../src-main/engine/run-config'
import type { SeriesColumns } from '../../src-main/ipc/contract'
import { matchPairs, type FinishedRun } from '../../src-main/reports/matching'
import { machinesNote, verdictReport, type VerdictReport } from '../../src-main/reports/verdicts'
import { fakeRun, type FakeFigures } from '../helpers/verdict-runs'
import { expandSweep } from '../../src-main/engine/sweep/expand'
import { parseSweepSpec } from '../../src-main/engine/sweep/spec'

const noSeries = () => undefined
const question = (report: VerdictReport, id: string) => report.questions.find((q) => q.id === id)!

/** GRU and LSTM at H = 16, 64, 256 (scales far apart), `seeds` seeds, LSTM `factor`× slower. */
function speedSweep(factor: number, seeds = 6, cells: Array<'gru' | 'lstm'> = ['gru', 'lstm']) {
  const rng = new Rng(2)
  const runs: FinishedRun[] = []
  for (const H of [16, 64, 256]) {
    for (let seed = 1; seed <= seeds; seed++) {
      const base = 0.001 * H * H
      // the noise drawn in one order, whatever order the cells are listed in
      const noise = { gru: 1 + 0.02 * rng.normal(), lstm: 1 + 0.02 * rng.normal() }
      for (const cell of cells) runs.push(fakeRun({ cell, hiddenSize: H, seed }, { ms: base * (cell === 'lstm' ? factor : 1) * noise[cell] }))
    }
  }
  return runs
}

describe('verdicts: the matched design and its test', () => {
  it('finds a known speed ratio with its interval, tested over matched pairs', () => {
    const report = verdictReport(speedSweep(1.31), noSeries, 'hidden')
    const [v] = question(report, 'step-time').verdicts
    expect(v.outcome).toBe('better')
    expect(v.cells).toEqual(['gru', 'lstm'])
    expect(v.pairs).toBe(18)
    expect(v.configurations).toBe(3)
    expect(v.factor).toBeCloseTo(1.31, 1)
    expect(v.interval![0]).toBeLessThan(v.factor!)
    expect(v.interval![1]).toBeGreaterThan(v.factor!)
    expect(v.interval![0]).toBeGreaterThan(1.25)
    expect(v.interval![1]).toBeLessThan(1.37)
    // 18 pairs all one way: the exact two-sided signed-rank p is 2 / 2¹⁸
    expect(v.p).toBeCloseTo(2 / 2 ** 18, 12)
    // The family: step time and the adding metric (every fake run scores 0.01: 18 ties, p = 1). Step time is rejected first, at α/2.
    expect(report.family).toEqual({ tests: 2, questions: 2, alpha: 0.05 })
    expect(v.confidence).toBeCloseTo(0.975, 12)
    expect(v.favour).toEqual([18, 0])
    expect(v.sentence).toMatch(/^GRU trains 1\.[23]\d× faster per step than LSTM at equal hidden size \(Hodges–Lehmann estimate, 97\.5% CI 1\.\d\d–1\.\d\d×; 18 matched pairs in 3 configurations, 18 of 18 favour GRU; exact Wilcoxon signed-rank test, p < 0\.001 after Holm over the 2 comparisons of 2 questions\)\. Described, not tested: the factor ranges .* over H\.$/)
    expect(v.runIds).toHaveLength(36)
  })

  it('gives the exact p of a paired test: 8 pairs all one way is p = 0.0078, not p < 0.001', () => {
    const runs = [16, 32, 64, 128].flatMap((H) => [1, 2].flatMap((seed) => [fakeRun({ cell: 'gru', hiddenSize: H, seed }, { ms: H }), fakeRun({ cell: 'lstm', hiddenSize: H, seed }, { ms: 1.5 * H * (1 + seed / 100) })]))
    const [v] = question(verdictReport(runs, noSeries, 'hidden'), 'step-time').verdicts
    expect(v.pairs).toBe(8)
    expect(v.p).toBeCloseTo(0.0078125, 10)
    expect(v.pAdjusted).toBeCloseTo(2 * 0.0078125, 10)
    expect(v.sentence).toContain('8 matched pairs in 4 configurations, 8 of 8 favour GRU; exact Wilcoxon signed-rank test, p = 0.016 after Holm over the 2 comparisons of 2 questions (p = 0.008 alone)')
  })

  it('says "too few matched pairs to tell" when no pattern of the pairs could reach p < 0.05', () => {
    const runs = speedSweep(3, 1) // 3 pairs: the smallest attainable p is 0.25
    const [v] = question(verdictReport(runs, noSeries, 'hidden'), 'step-time').verdicts
    expect(v.outcome).toBe('too-few')
    expect(v.p).toBeNull()
    expect(v.interval).toBeNull()
    expect(v.sentence).toMatch(/^Too few matched pairs to tell GRU and LSTM apart on step time at equal hidden size: 3 of 3 favour GRU, 2\.9\d×; 3 pairs cannot reach p < 0\.05 \(the smallest p an exact signed-rank test of 3 pairs gives is 0\.25\), so this is not tested; add repeats or configurations\. Described, not tested: the factor ranges [\d.]+× \(H=\d+\) to [\d.]+× \(H=\d+\) over H\.$/)
  })

  it('says "no significant difference" when the cells are alike, with the factor and its interval', () => {
    const [v] = question(verdictReport(speedSweep(1), noSeries, 'hidden'), 'step-time').verdicts
    expect(v.outcome).toBe('no-difference')
    expect(v.factor).toBeLessThan(1.02)
    expect(v.interval![0]).toBeLessThanOrEqual(1)
    expect(v.interval![1]).toBeGreaterThanOrEqual(1)
    expect(v.pAdjusted).toBeGreaterThan(0.05)
    expect(v.sentence).toMatch(/^No significant difference in step time between (GRU|LSTM) and (GRU|LSTM) at equal hidden size: factor 1\.0\d× \(Hodges–Lehmann estimate, 9\d(\.\d+)?% CI \d\.\d+–1\.\d+×; 18 matched pairs in 3 configurations, \d+ of 18 favour (GRU|LSTM); exact Wilcoxon signed-rank test, p = [\d.]+ after Holm over the 2 comparisons of 2 questions( \(p = [\d.]+ alone\))?\)\. Described, not tested: .*over H\.$/)
  })

  it('gives the same verdicts whichever order the sweep lists the cells in, at equal hidden size and by parameters', () => {
    for (const matching of ['hidden', 'params'] as const) {
      const a = verdictReport(speedSweep(1.2, 4, ['gru', 'lstm']), noSeries, matching)
      const b = verdictReport(speedSweep(1.2, 4, ['lstm', 'gru']).reverse(), noSeries, matching)
      // Run ids follow the listing order; everything else must not.
      const strip = (r: VerdictReport) => r.questions.map((q) => q.verdicts.map(({ runIds: _ids, pairList, ...v }) => ({ ...JSON.parse(JSON.stringify(v, (k, x) => (k === 'beatRunIds' || k === 'judgedRunIds' ? undefined : x))), values: pairList.map((p) => p.values.join(' ')).sort() })))
      expect(strip(b), matching).toEqual(strip(a))
    }
  })

  it('matches by parameter count symmetrically: LSTM-64 (17,473) is not GRU-64 (13,121), in either order', () => {
    const runs = (order: Array<'lstm' | 'gru'>) => [1, 2, 3, 4, 5, 6].flatMap((seed) => order.flatMap((cell) => [
      fakeRun({ cell, hiddenSize: 64, seed }, { ms: cell === 'lstm' ? 2 : 1, params: cell === 'lstm' ? 17_473 : 13_121 }),
      ...(cell === 'gru' ? [fakeRun({ cell, hiddenSize: 74, seed }, { ms: 1.3, params: 17_243 })] : []),
    ]))
    for (const order of [['lstm', 'gru'], ['gru', 'lstm']] as Array<Array<'lstm' | 'gru'>>) {
      const r = runs(order)
      const pairs = matchPairs(r, 'lstm', 'gru', 'params')
      expect(pairs.map((p) => [p.a.config.hiddenSize, p.b.config.hiddenSize]), order.join()).toEqual(Array(6).fill([64, 74]))
      expect(matchPairs(r, 'gru', 'lstm', 'params').map((p) => [p.a.config.hiddenSize, p.b.config.hiddenSize])).toEqual(Array(6).fill([74, 64]))
      const [v] = question(verdictReport(r, noSeries, 'params'), 'step-time').verdicts
      expect(v.factor).toBeCloseTo(2 / 1.3, 6)
      expect(v.sentence).toContain('at about equal parameter count (within 1.25×)')
    }
    // without the in-between size, nothing matches: 17,473 / 13,121 = 1.33 > 1.25
    const apart = [1, 2, 3].flatMap((seed) => [fakeRun({ cell: 'lstm', hiddenSize: 64, seed }, { params: 17_473 }), fakeRun({ cell: 'gru', hiddenSize: 64, seed }, { params: 13_121 })])
    expect(matchPairs(apart, 'lstm', 'gru', 'params')).toEqual([])
    expect(question(verdictReport(apart, noSeries, 'params'), 'step-time').note).toMatch(/No two runs of different cells match/)
  })

  it('gives verdicts for a random sweep with the cell as an axis: every cell runs at each draw, so the draws pair', () => {
    const spec = parseSweepSpec({ strategy: 'random', samples: 5, repeats: 2, axes: { cell: ['lstm', 'gru'], hiddenSize: { min: 8, max: 256, integer: true }, lr: { min: 1e-3, max: 1e-1, log: true } } })
    const runs = expandSweep(spec).map((c) => fakeRun(c, { ms: c.hiddenSize * (c.cell === 'lstm' ? 1.3 : 1) }))
    const [v] = question(verdictReport(runs, noSeries, 'hidden'), 'step-time').verdicts
    expect([v.outcome, v.pairs, v.cells[0]]).toEqual(['better', 10, 'gru'])
    // Drawn as the cell was before (expansion 1), almost no two runs matched.
    const old = expandSweep(spec, 1).map((c) => fakeRun(c, { ms: 1 }))
    expect(question(verdictReport(old, noSeries, 'hidden'), 'step-time').verdicts.reduce((n, x) => n + x.pairs, 0)).toBeLessThan(3)
  })

  it('never pairs runs of different backends, seeds or machines', () => {
    const machine = (host: string) => ({ host, cpu: 'CPU', cores: 2, loadAvgStart: 0, loadAvgEnd: 0, workers: 1 })
    const runs = [
      fakeRun({ cell: 'lstm', seed: 1, backend: 'cpu-js' }, {}, machine('a')), fakeRun({ cell: 'gru', seed: 1, backend: 'cpu-native' }, {}, machine('a')),
      fakeRun({ cell: 'lstm', seed: 2 }, {}, machine('a')), fakeRun({ cell: 'gru', seed: 3 }, {}, machine('a')),
      fakeRun({ cell: 'lstm', seed: 4 }, {}, machine('a')), fakeRun({ cell: 'gru', seed: 4 }, {}, machine('b')),
    ]
    expect(matchPairs(runs, 'lstm', 'gru', 'hidden')).toEqual([])
    runs.push(fakeRun({ cell: 'gru', seed: 4 }, {}, machine('a')))
    expect(matchPairs(runs, 'lstm', 'gru', 'hidden').map((p) => p.b.id)).toEqual([runs[6].id])
  })

  it('states memory and parameter counts as exact ratios, per backend for memory, with no p-value and its reason', () => {
    const runs = ['cpu-js', 'cpu-native'].flatMap((backend) => [1, 2, 3].flatMap((seed) => [
      // 6 and 5 floats per timestep, row and unit: B = 32, T = 50, H = 32
      fakeRun({ cell: 'lstm', seed, backend: backend as RunConfig['backend'] }, { bytes: 6e5, activationBytes: 4 * 32 * 50 * 32 * 6 }),
      fakeRun({ cell: 'gru', seed, backend: backend as RunConfig['backend'] }, { bytes: 5e5, activationBytes: 4 * 32 * 50 * 32 * 5 }),
    ]))
    const memory = question(verdictReport(runs, noSeries, 'hidden'), 'memory')
    expect(memory.kind).toBe('exact')
    expect(memory.verdicts.map((v) => v.stratum?.value)).toEqual(['cpu-js', 'cpu-native'])
    for (const v of memory.verdicts) {
      expect(v.outcome).toBe('exact')
      expect(v.p).toBeNull()
      expect(v.pAdjusted).toBeNull()
      expect(v.factor).toBeCloseTo(1.2, 10)
      expect(v.sentence).not.toMatch(/p [=<]|CI/)
      expect(v.sentence).toMatch(/^On cpu-(js|native): GRU needs 1\.20× less memory than LSTM at equal hidden size, exactly \(.*\): BPTT keeps 5 against 6 floats per timestep, batch row and hidden unit \(at H=32\)\.$/)
    }
    const params = question(verdictReport(runs, noSeries, 'hidden'), 'parameters').verdicts
    expect(params).toHaveLength(1) // parameter counts do not depend on the backend
    expect(params[0].p).toBeNull()
  })

  it('tests memory a GPU allocator measured (it varies from seed to seed), and never an analytic count, however the values fall', () => {
    const rng = new Rng(9)
    const runs = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((seed) => [
      fakeRun({ cell: 'lstm', seed }, { deviceBytes: 6e5 * (1 + 0.05 * rng.normal()) }), fakeRun({ cell: 'gru', seed }, { deviceBytes: 5e5 * (1 + 0.05 * rng.normal()) }),
    ])
    const [v] = question(verdictReport(runs, noSeries, 'hidden'), 'memory').verdicts
    expect(v.outcome).toBe('better')
    expect(v.p).not.toBeNull()
    expect(v.sentence).toMatch(/^GRU needs 1\.\d\d× less memory than LSTM at equal hidden size \(measured; it varies from seed to seed: Hodges–Lehmann estimate, .*CI .*; 8 matched pairs in 1 configuration, 8 of 8 favour GRU; exact Wilcoxon signed-rank test, p = 0\.0\d\d after Holm .*\)\.$/)
    // The analytic count varying between seeds (labels swapped, as a null simulation does) is still a count: stated, never tested.
    const swapped = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((seed) => [
      fakeRun({ cell: 'lstm', seed }, { bytes: seed % 2 ? 6e5 : 5e5 }), fakeRun({ cell: 'gru', seed }, { bytes: seed % 2 ? 5e5 : 6e5 }),
    ])
    const [w] = question(verdictReport(swapped, noSeries, 'hidden'), 'memory').verdicts
    expect([w.outcome, w.p]).toEqual(['exact', null])
  })
})

describe('verdicts on a task metric', () => {
  /** The val_metric series of a run evaluated every `every` steps, its metric falling from `from` to `to`. */
  function seriesOf(steps: number, every: number, from: number, to: number, msPerStep: number): SeriesColumns {
    const step: number[] = [], wallMs: number[] = [], value: number[] = []
    for (let s = 0; s <= steps; s += every) { step.push(s); wallMs.push(s * msPerStep); value.push(to + (from - to) * Math.exp(-s / 40)) }
    return { step, wallMs, value }
  }

  it('compares at equal steps when a time budget gave a pair unequal training, and says so', () => {
    // A time budget: on cpu-js LSTM got 80 steps and GRU 120; on cpu-native both got 400. GRU's
    // final metric looks better on cpu-js only because it trained longer: at step 80 the two are equal.
    const series = new Map<number, SeriesColumns>()
    const runs: FinishedRun[] = []
    for (const backend of ['cpu-js', 'cpu-native'] as const) {
      for (let seed = 1; seed <= 4; seed++) {
        for (const cell of ['lstm', 'gru'] as const) {
          const steps = backend === 'cpu-native' ? 400 : cell === 'lstm' ? 80 : 120
          const s = seriesOf(steps, 20, 0.165, 0.01 * (1 + seed / 50), 1)
          const f: FakeFigures = { steps, metric: s.value.at(-1)!, wallSeconds: 8 }
          const r = fakeRun({ cell, backend, seed, seconds: 8, steps: 0 }, f)
          series.set(r.id, s)
          runs.push(r)
        }
      }
    }
    const cpuJs = runs.filter((r) => r.config.backend === 'cpu-js')
    const [atEqual] = question(verdictReport(cpuJs, (id) => series.get(id), 'hidden'), 'metric-adding').verdicts
    expect(atEqual.basis).toEqual({ kind: 'common-step', steps: [80, 80], seconds: null })
    expect(atEqual.outcome).toBe('too-few') // 4 pairs, each equal at step 80: no test, and no ranking by training length
    expect(atEqual.ties).toBe(4)
    expect(atEqual.sentence).toContain('after 80 steps each (the last evaluation both runs of a pair reached)')
    // Both backends: the same networks and seeds, so one pair each; cpu-js's are compared at step 80,
    // a prefix of what cpu-native trained to 400, so the longer-trained cpu-native pair is the one kept.
    const both = question(verdictReport(runs, (id) => series.get(id), 'hidden'), 'metric-adding').verdicts
    expect(both.map((v) => [v.basis?.kind, v.basis?.steps, v.pairs, v.pooledBackends])).toEqual([['final', [400, 400], 4, ['cpu-js', 'cpu-native']]])
    expect(both[0].sentence).toContain('after 400 steps each')
    // The equal-wall-time question is separate and labelled as such
    const timed = question(verdictReport(cpuJs, (id) => series.get(id), 'hidden'), 'metric-time-adding')
    expect(timed.title).toBe('Which cell learns adding best in equal wall time?')
    expect(timed.verdicts[0].basis?.kind).toBe('equal-time')
  })

  it('says "neither learned" beside the comparison, with k of n runs and the bar, and still tests it inside the family', () => {
    // RNN 0.166 and LSTM a little lower against a baseline of 0.165: no run's paired test beat it
    const runs = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((seed) => [
      fakeRun({ cell: 'rnn_tanh', seed, hiddenSize: 16 + seed }, { metric: 0.166 + 0.0001 * seed }),
      fakeRun({ cell: 'lstm', seed, hiddenSize: 16 + seed }, { metric: 0.165 * (1 - 0.002 * seed) }),
    ])
    const report = verdictReport(runs, noSeries, 'hidden')
    const [v] = question(report, 'metric-adding').verdicts
    // The comparison is the same test it would be had they learned: 8 pairs all one way.
    expect(v.outcome).toBe('better')
    expect(v.p).toBeCloseTo(0.0078125, 10)
    expect(report.family.tests).toBe(2)
    expect(v.baseline!.map((b) => [b.trivial.beat, b.trivial.runs, b.trivial.bar])).toEqual([[0, 8, [0.15675, 0.15675]], [0, 8, [0.15675, 0.15675]]])
    expect(v.sentence).toMatch(/^LSTM reaches a lower adding MSE than RNN \(tanh\) at equal hidden size, after 100 steps each: 1\.0\d× lower \(.*\)\./)
    expect(v.sentence).toContain(' Neither learned: against the baseline (predict the mean target, MSE 0.165; a run beats it below its bar, MSE 0.157, from a paired bootstrap of its errors against the baseline\'s on the same 512 validation sequences, one-sided p ≤ 0.05): LSTM 0 of 8 runs, RNN (tanh) 0 of 8.')
    // A damaged test (an import can bring anything) is not read: the run counts by its metric alone.
    const damaged = runs.map((r) => ({ ...r, figures: { ...r.figures, baselineTest: { ...r.figures.baselineTest!, bar: 'x' as unknown as number } } }))
    expect(question(verdictReport(damaged, noSeries, 'hidden'), 'metric-adding').verdicts[0].baseline!.map((b) => b.trivial.tested)).toEqual([0, 0])
    // Old runs without a paired test are counted by their metric alone, and the sentence says so.
    const old = runs.map((r) => ({ ...r, figures: { ...r.figures, baselineTest: undefined } }))
    expect(question(verdictReport(old, noSeries, 'hidden'), 'metric-adding').verdicts[0].sentence).toContain('16 runs recorded before paired tests count by their MSE alone): LSTM 8 of 8 runs, RNN (tanh) 0 of 8.')
  })

  it('gives the share of the baseline\'s error each cell removes, beside the ratio', () => {
    const runs = [1, 2, 3, 4, 5, 6].flatMap((seed) => [
      fakeRun({ cell: 'gru', seed }, { metric: 0.00165 * (1 + seed / 100) }), fakeRun({ cell: 'lstm', seed }, { metric: 0.0825 * (1 + seed / 100) }),
    ])
    const [v] = question(verdictReport(runs, noSeries, 'hidden'), 'metric-adding').verdicts
    expect(v.baseline![0].removed).toBeCloseTo(1 - 0.00165 * 1.035 / 0.165, 6)
    // 6 pairs all one way (p = 0.031) do not survive Holm over the report's 2 tests: the family at work.
    expect(v.outcome).toBe('no-difference')
    expect(v.sentence).toContain('too few pairs for a 97.5% interval')
    expect(v.sentence).toContain("Of the baseline's MSE, GRU's median run removes 99%, LSTM's 48%.")
    expect(v.sentence).toContain('Against the baseline (predict the mean target, MSE 0.165; a run beats it below its bar, MSE 0.157,')
    expect(v.sentence).toContain('): GRU 6 of 6 runs, LSTM 6 of 6.')
  })

  it('says when the runs come from several machines, and never pairs across them', () => {
    const on = (host: string) => ({ host, cpu: 'Test CPU', cores: 2, loadAvgStart: 0.5, loadAvgEnd: 0.5, workers: 1 })
    // each configuration's two cells on one machine (a sharded sweep merged), two machines in all
    const runs = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((seed) => [
      fakeRun({ cell: 'gru', seed, hiddenSize: 16 }, { ms: 1 }, on(seed <= 4 ? 'node-a' : 'node-b')),
      fakeRun({ cell: 'lstm', seed, hiddenSize: 16 }, { ms: 1.3 }, on(seed <= 4 ? 'node-a' : 'node-b')),
    ])
    const report = verdictReport(runs, noSeries, 'hidden')
    expect(report.machines).toBe(2)
    expect(machinesNote(report)).toBe('These runs come from 2 machines (a sharded sweep, or runs imported); every matched pair was timed on one machine, and runs of different machines are never paired.')
    expect(question(report, 'step-time').verdicts[0].pairs).toBe(8)
    // the same cells split across machines: no pair at all
    const split = runs.map((r) => ({ ...r, environment: on(r.config.cell === 'gru' ? 'node-a' : 'node-b') }))
    expect(question(verdictReport(split, noSeries, 'hidden'), 'step-time').verdicts).toEqual([])
    expect(machinesNote(verdictReport(runs.filter((r) => r.environment?.host === 'node-a'), noSeries, 'hidden'))).toBe('')
  })

  it('says which cells also beat the classical baseline', () => {
    // LSTM 0.02 and RNN 0.08 both beat the trivial 0.165; only LSTM beats the classical 0.05
    const runs = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((seed) => [
      fakeRun({ cell: 'rnn_tanh', seed, hiddenSize: 16 + seed }, { metric: 0.08 * (1 + 0.01 * seed), classical: 0.05 }),
      fakeRun({ cell: 'lstm', seed, hiddenSize: 16 + seed }, { metric: 0.02 * (1 + 0.01 * seed), classical: 0.05 }),
    ])
    const [v] = question(verdictReport(runs, noSeries, 'hidden'), 'metric-adding').verdicts
    expect(v.outcome).toBe('better')
    expect(v.baseline!.map((b) => b.classical?.beat)).toEqual([8, 0])
    expect(v.sentence).toMatch(/ Against the classical baseline \(linear regression, MSE 0\.0500; bar 0\.0475\): LSTM 8 of 8 runs, RNN \(tanh\) 0 of 8\.$/)
    // the same sweep where no run beats it
    const worse = runs.map((r) => ({ ...r, figures: { ...r.figures, classicalTest: { ...r.figures.classicalTest!, beat: false } } }))
    expect(question(verdictReport(worse, noSeries, 'hidden'), 'metric-adding').verdicts[0].sentence).toMatch(/ Neither beat the classical baseline: against the classical baseline/)
  })

  it('never splits by where a cell learned: one pooled test, the factor described by T, k of n runs beside it', () => {
    // T=100: LSTM learns (MSE 0.0003), RNN does not; T=200: both sit at the baseline.
    const runs = [100, 200].flatMap((T) => [16, 32, 64].flatMap((H) => [1, 2, 3].flatMap((seed) => [
      fakeRun({ cell: 'lstm', seqLen: T, hiddenSize: H, seed }, { metric: T === 100 ? 0.0003 * (1 + seed / 10) : 0.165 }),
      fakeRun({ cell: 'rnn_tanh', seqLen: T, hiddenSize: H, seed }, { metric: 0.166 }),
    ])))
    const verdicts = question(verdictReport(runs, noSeries, 'hidden'), 'metric-adding').verdicts
    expect(verdicts.map((v) => [v.stratum, v.outcome, v.pairs])).toEqual([[null, 'better', 18]])
    expect(verdicts[0].breakdowns.map((b) => [b.setting, b.levels.map((l) => l.value)])).toEqual([['seqLen', ['100', '200']], ['hiddenSize', ['16', '32', '64']]])
    expect(verdicts[0].baseline!.map((b) => b.trivial.beat)).toEqual([9, 0])
    expect(verdicts[0].sentence).toMatch(/Described, not tested: the factor ranges 1\.01× \(T=200\) to [\d,]+× \(T=100\) over T; .* over H\./)
    expect(verdicts[0].sentence).toContain('LSTM 9 of 18 runs, RNN (tanh) 0 of 18.')
  })
})

describe('verdicts: strata set by the design, descriptions and caveats', () => {
  it('answers step time per backend, where the engines point opposite ways', () => {
    // GRU 1.5× faster on cpu-js, 1.5× slower on cpu-native, over 8 configurations each
    const rng = new Rng(4)
    const runs = (['cpu-js', 'cpu-native'] as const).flatMap((backend) => [8, 16, 32, 64, 128, 256, 512, 1024].flatMap((H) => [1, 2].flatMap((seed) => [
      fakeRun({ cell: 'gru', backend, hiddenSize: H, seed }, { ms: H * (backend === 'cpu-js' ? 1 : 1.5) * (1 + 0.02 * rng.normal()) }),
      fakeRun({ cell: 'lstm', backend, hiddenSize: H, seed }, { ms: H * (backend === 'cpu-js' ? 1.5 : 1) * (1 + 0.02 * rng.normal()) }),
    ])))
    const verdicts = question(verdictReport(runs, noSeries, 'hidden'), 'step-time').verdicts
    expect(verdicts.map((v) => [v.stratum?.value, v.cells[0], v.outcome])).toEqual([['cpu-js', 'gru', 'better'], ['cpu-native', 'lstm', 'better']])
    expect(verdicts[0].sentence).toMatch(/^On cpu-js: GRU trains 1\.\d\d× faster per step than LSTM/)
    expect(verdicts[1].sentence).toMatch(/^On cpu-native: LSTM trains 1\.\d\d× faster per step than GRU/)
  })

  it('keeps one pooled verdict however the factor varies, and describes the factor at each value of a setting', () => {
    // GRU 1.2× faster at T=50 and 2× at T=100, over 8 configurations each
    const rng = new Rng(6)
    const runs = [50, 100].flatMap((seqLen) => [8, 16, 32, 64, 128, 256, 512, 1024].flatMap((H) => [1, 2].flatMap((seed) => [
      fakeRun({ cell: 'gru', seqLen, hiddenSize: H, seed }, { ms: H * (1 + 0.02 * rng.normal()) }),
      fakeRun({ cell: 'lstm', seqLen, hiddenSize: H, seed }, { ms: H * (seqLen === 50 ? 1.2 : 2) * (1 + 0.02 * rng.normal()) }),
    ])))
    const verdicts = question(verdictReport(runs, noSeries, 'hidden'), 'step-time').verdicts
    expect(verdicts).toHaveLength(1)
    expect(verdicts[0].breakdowns[0].setting).toBe('seqLen')
    expect(verdicts[0].breakdowns[0].levels.map((l) => [l.value, Math.round(l.factor * 10) / 10, l.pairs])).toEqual([['50', 1.2, 16], ['100', 2, 16]])
    expect(verdicts[0].sentence).toMatch(/^GRU trains 1\.[4-6]\d× faster per step than LSTM at equal hidden size \(.*\)\. Described, not tested: the factor ranges 1\.2\d× \(T=50\) to 2\.0\d× \(T=100\) over T; .* over H\.$/)
  })

  it('never describes step time by a setting that does not change the work of a step (the learning rate), but does the metric', () => {
    const rng = new Rng(8)
    const runs = [0.01, 0.003].flatMap((lr) => [16, 32].flatMap((H) => [1, 2, 3].flatMap((seed) => [
      fakeRun({ cell: 'gru', lr, hiddenSize: H, seed }, { ms: H * (1 + 0.05 * rng.normal()), metric: 0.01 * (1 + rng.uniform()) }),
      fakeRun({ cell: 'lstm', lr, hiddenSize: H, seed }, { ms: 1.3 * H * (1 + 0.05 * rng.normal()), metric: 0.01 * (1 + rng.uniform()) }),
    ])))
    const report = verdictReport(runs, noSeries, 'hidden')
    expect(question(report, 'step-time').verdicts[0].breakdowns.map((b) => b.setting)).toEqual(['hiddenSize'])
    expect(question(report, 'metric-adding').verdicts[0].breakdowns.map((b) => b.setting)).toEqual(['hiddenSize', 'lr'])
  })

  it('puts every measured question of the report in one Holm family, and leaves exact figures and untestable comparisons out', () => {
    // Two tasks: step time, and each task's metric at equal steps: 3 tests (3 questions); 3 pairs of memory and parameters are counts.
    const runs = ['adding', 'sentiment'].flatMap((task) => [1, 2, 3, 4, 5, 6].flatMap((seed) => [
      fakeRun({ cell: 'gru', task: task as RunConfig['task'], seed }, { ms: 1 + seed / 100, metric: 0.01 * (1 + seed / 50) }),
      fakeRun({ cell: 'lstm', task: task as RunConfig['task'], seed }, { ms: 1.5, metric: 0.02 }),
    ]))
    const report = verdictReport(runs, noSeries, 'hidden')
    expect(report.family).toEqual({ tests: 3, questions: 3, alpha: 0.05 })
    const tested = report.questions.flatMap((q) => q.verdicts).filter((v) => v.pAdjusted !== null)
    expect(tested.map((v) => v.questionId)).toEqual(['step-time', 'metric-adding', 'metric-sentiment'])
    // 12 pairs of step time all one way (p = 2/2¹²), 6 pairs of each metric all one way (p = 2/2⁶): Holm multiplies by 3, 2, 2.
    expect(tested.map((v) => v.pAdjusted)).toEqual([3 * 2 / 2 ** 12, 2 * 2 / 2 ** 6, 2 * 2 / 2 ** 6])
    for (const v of tested) expect(v.sentence).toContain('after Holm over the 3 comparisons of 3 questions')
  })

  it('answers step time per backend even where the engines agree in direction: each engine is its own question', () => {
    // GRU 1.2× faster on cpu-js and 2× on cpu-native: no average of the two engines is either's answer.
    const rng = new Rng(6)
    const runs = (['cpu-js', 'cpu-native'] as const).flatMap((backend) => [8, 16, 32, 64].flatMap((H) => [1, 2].flatMap((seed) => [
      fakeRun({ cell: 'gru', backend, hiddenSize: H, seed }, { ms: H * (1 + 0.02 * rng.normal()) }),
      fakeRun({ cell: 'lstm', backend, hiddenSize: H, seed }, { ms: H * (backend === 'cpu-js' ? 1.2 : 2) * (1 + 0.02 * rng.normal()) }),
    ])))
    const verdicts = question(verdictReport(runs, noSeries, 'hidden'), 'step-time').verdicts
    const report = verdictReport(runs, noSeries, 'hidden')
    expect(verdicts.map((v) => [v.stratum?.value, v.cells[0], v.outcome, v.pairs])).toEqual([['cpu-js', 'gru', 'better', 8], ['cpu-native', 'gru', 'better', 8]])
    expect(report.family).toEqual({ tests: 3, questions: 3, alpha: 0.05 }) // step time on each engine, and the metric (engines pooled)
    expect(verdicts[0].sentence).toMatch(/^On cpu-js: GRU trains 1\.[12]\d× faster per step than LSTM at equal hidden size \(Hodges–Lehmann estimate, [\d.]+% CI [\d.–]+×; 8 matched pairs in 4 configurations, 8 of 8 favour GRU; exact Wilcoxon signed-rank test, p = 0\.0\d+ after Holm over the 3 comparisons of 3 questions \(p = 0\.008 alone\)\)\. Described, not tested: the factor ranges .* over H\.$/)
    expect(verdicts[1].sentence).toMatch(/^On cpu-native: GRU trains 2\.0\d× faster per step/)
  })

  it('counts a network trained on two engines once for what it learns: its runs are one observation, not two', () => {
    // The same 6 seeds on cpu-native and torch-cpu: the same weights, batches and (to float32) losses.
    const runs = (['cpu-native', 'torch-cpu'] as const).flatMap((backend) => [1, 2, 3, 4, 5, 6].flatMap((seed) => [
      fakeRun({ cell: 'gru', backend, seed }, { metric: 0.01 * (1 + seed / 10) * (backend === 'torch-cpu' ? 1.0001 : 1) }),
      fakeRun({ cell: 'lstm', backend, seed }, { metric: 0.02 * (1 + seed / 10) }),
    ]))
    const [v] = question(verdictReport(runs, noSeries, 'hidden'), 'metric-adding').verdicts
    // In a family of 3 (step time on each engine, and this), p = 0.031 is not significant.
    expect([v.outcome, v.pairs, v.configurations, v.runIds.length]).toEqual(['no-difference', 6, 1, 24])
    // 6 pairs all one way: p = 2/2⁶ = 0.031; counted twice (12 pairs) it would have read 0.00049.
    expect(v.p).toBeCloseTo(2 / 2 ** 6, 10)
    expect(v.pooledBackends).toEqual(['cpu-native', 'torch-cpu'])
    expect(v.sentence).toContain('6 matched pairs in 1 configuration, 6 of 6 favour GRU; a network trained on cpu-native and torch-cpu counts once; exact Wilcoxon signed-rank test, p = 0.094 after Holm over the 3 comparisons of 3 questions (p = 0.031 alone)')
  })

  it('caveats step times taken with more runs at once than cores, or under a load above the core count', () => {
    const busy = { host: 'h', cpu: 'CPU', cores: 2, workers: 3, concurrentRuns: 3, loadAvgStart: 3.4, loadAvgEnd: 2.9 }
    const runs = [1, 2, 3, 4, 5, 6].flatMap((seed) => [fakeRun({ cell: 'gru', seed }, { ms: 1 }, busy), fakeRun({ cell: 'lstm', seed }, { ms: 2 }, busy)])
    const [v] = question(verdictReport(runs, noSeries, 'hidden'), 'step-time').verdicts
    expect(v.caveat).toContain('12 of 12 runs were timed beside more runs than cores or under a load above the core count (up to 3 workers, load 3.4, on 2 cores)')
    expect(v.sentence).toMatch(/\. Caveat: 12 of 12 runs/)
    const quiet = [1, 2, 3, 4, 5, 6].flatMap((seed) => [fakeRun({ cell: 'gru', seed }, { ms: 1 }), fakeRun({ cell: 'lstm', seed }, { ms: 2 })])
    expect(question(verdictReport(quiet, noSeries, 'hidden'), 'step-time').verdicts[0].caveat).toBeNull()
  })
})

describe('verdicts: step time on a busy machine', () => {
  const busy = { host: 'h', cpu: 'CPU', cores: 2, workers: 2, concurrentRuns: 2, loadAvgStart: 3.4, loadAvgEnd: 2.9 }
  /** GRU 1 ms and LSTM 2 ms per clean step; `contended` seeds' LSTM run had too few clean steps to judge. */
  const sweep = (seeds: number, contended: number[], cpu: { waitShare?: number; pressure?: number } = {}) => Array.from({ length: seeds }, (_, i) => i + 1).flatMap((seed) => [
    fakeRun({ cell: 'gru', seed }, { ms: 1, cpu: { lost: 10, ...cpu } }, busy),
    fakeRun({ cell: 'lstm', seed }, { ms: 2, cpu: contended.includes(seed) ? { lost: 50, estimateMs: null, ...cpu } : { lost: 10, ...cpu } }, busy),
  ])

  it('compares the clean-step figures, not the medians of every step', () => {
    // The medians say LSTM is as fast (a burst slowed the GRU runs' steps); their clean steps say 2×.
    const runs = Array.from({ length: 8 }, (_, i) => i + 1).flatMap((seed) => [
      fakeRun({ cell: 'gru', seed }, { ms: 2, cpu: { lost: 30, estimateMs: 1 } }), fakeRun({ cell: 'lstm', seed }, { ms: 2, cpu: { lost: 0 } }),
    ])
    const [v] = question(verdictReport(runs, noSeries, 'hidden'), 'step-time').verdicts
    expect([v.outcome, v.cells, v.factor]).toEqual(['better', ['gru', 'lstm'], 2])
    expect(v.contention).toEqual({ leftOut: 0, of: 8, lostShare: 240 / 912, runIds: [] })
  })

  it('leaves out the pairs a run of which was too contended to judge, and says how many', () => {
    const [v] = question(verdictReport(sweep(10, [3, 7]), noSeries, 'hidden'), 'step-time').verdicts
    expect(v.outcome).toBe('better')
    expect(v.pairs).toBe(8)
    expect(v.contention).toMatchObject({ leftOut: 2, of: 10 })
    expect(v.contention!.runIds).toHaveLength(4)
    expect(v.sentence).toContain('(Hodges–Lehmann estimate, ')
    expect(v.sentence).toContain('. 2 of 10 matched pairs were left out: a run of each had too few steps that kept the CPU to judge.')
  })

  it('says "timed under contention" with the share of steps that lost the CPU when too few pairs remain', () => {
    const report = verdictReport(sweep(8, [1, 2, 3]), noSeries, 'hidden')
    const [v] = question(report, 'step-time').verdicts
    expect(v.outcome).toBe('too-few')
    expect(v.pairs).toBe(5)
    // 13 runs lost 10 of 57 steps, 3 lost 50: 280 of 912
    expect(v.contention).toMatchObject({ leftOut: 3, of: 8, lostShare: 280 / 912 })
    expect(v.sentence).toBe('Timed under contention: 31% of the timed steps of these runs lost the CPU; step time not judged for GRU against LSTM at equal hidden size. '
      + '3 of 8 matched pairs have a run with too few steps that kept the CPU (10, and 20% of its timed steps, needed). '
      + 'The 5 pairs left cannot reach p < 0.05 (the smallest p an exact signed-rank test of 5 pairs gives is 0.063). Run the sweep again when the machine is quieter.')
    // not a test: it costs the family nothing
    expect(report.family.tests).toBe(1)
  })

  it('says so, with no estimate, when every pair was too contended', () => {
    const [v] = question(verdictReport(sweep(6, [1, 2, 3, 4, 5, 6]), noSeries, 'hidden'), 'step-time').verdicts
    expect([v.outcome, v.pairs, v.factor, v.p]).toEqual(['too-few', 0, null, null])
    expect(v.contention).toMatchObject({ leftOut: 6, of: 6 })
    expect(v.sentence).toMatch(/^Timed under contention: \d+% of the timed steps of these runs lost the CPU; step time not judged for LSTM against GRU at equal hidden size\. 6 of 6 matched pairs have a run with too few steps that kept the CPU \(10, and 20% of its timed steps, needed\)\. Run the sweep again when the machine is quieter\./)
  })

  it('caveats from the sampled CPU, not the load average, where the CPU was sampled', () => {
    // Load 3.4 on 2 cores, but the threads waited 2% of their step time: nothing to caveat.
    expect(question(verdictReport(sweep(6, [], { waitShare: 0.02 }), noSeries, 'hidden'), 'step-time').verdicts[0].caveat).toBeNull()
    const q = question(verdictReport(sweep(6, [], { waitShare: 0.3, pressure: 0.6 }), noSeries, 'hidden'), 'step-time')
    expect(q.verdicts[0].caveat).toBe('12 of 12 runs were timed under contention (their threads waited for a CPU for over 10% of their step time, up to 30%; CPU pressure up to 60%): the 18% of their steps that lost the CPU are left out of their step times')
    expect(q.caveats).toEqual({ '': q.verdicts[0].caveat })
  })
})
