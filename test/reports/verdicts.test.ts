// Verdicts from runs whose truth is known: a cell made 1.31× slower per step is found 1.31× slower
// by a paired test over matched pairs; the order the cells are listed in changes nothing;
// parameter matching is symmetric; exact quantities carry no p-value; accuracy is compared at equal
// steps when a time budget gave the runs unequal training; cells at the baseline are not ranked;
// opposite effects along a setting are split by it; runs of two machines are never paired.

import { describe, expect, it } from 'vitest'
import { Rng } from '../../src-main/engine/rng'
import type { RunConfig } from '../../src-main/engine/run-config'
import type { SeriesColumns } from '../../src-main/ipc/contract'
import { matchPairs, type FinishedRun } from '../../src-main/reports/matching'
import { machinesNote, verdictReport, type VerdictReport } from '../../src-main/reports/verdicts'
import { fakeRun, type FakeFigures } from '../helpers/verdict-runs'

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
    expect(v.ci95![0]).toBeLessThan(v.factor!)
    expect(v.ci95![1]).toBeGreaterThan(v.factor!)
    expect(v.ci95![0]).toBeGreaterThan(1.25)
    expect(v.ci95![1]).toBeLessThan(1.37)
    // 18 pairs all one way: the exact two-sided signed-rank p is 2 / 2¹⁸
    expect(v.p).toBeCloseTo(2 / 2 ** 18, 12)
    expect(v.sentence).toMatch(/^GRU trains 1\.[23]\d× faster per step than LSTM at equal hidden size \(95% CI 1\.\d\d–1\.\d\d; p < 0\.001, 18 matched pairs in 3 configurations\)\.$/)
    expect(v.runIds).toHaveLength(36)
  })

  it('gives the exact p of a paired test: 8 pairs all one way is p = 0.0078, not p < 0.001', () => {
    const runs = [16, 32, 64, 128].flatMap((H) => [1, 2].flatMap((seed) => [fakeRun({ cell: 'gru', hiddenSize: H, seed }, { ms: H }), fakeRun({ cell: 'lstm', hiddenSize: H, seed }, { ms: 1.5 * H * (1 + seed / 100) })]))
    const [v] = question(verdictReport(runs, noSeries, 'hidden'), 'step-time').verdicts
    expect(v.pairs).toBe(8)
    expect(v.p).toBeCloseTo(0.0078125, 10)
    expect(v.sentence).toContain('p = 0.008, 8 matched pairs in 4 configurations')
  })

  it('says "too few matched pairs to tell" when no pattern of the pairs could reach p < 0.05', () => {
    const runs = speedSweep(3, 1) // 3 pairs: the smallest attainable p is 0.25
    const [v] = question(verdictReport(runs, noSeries, 'hidden'), 'step-time').verdicts
    expect(v.outcome).toBe('too-few')
    expect(v.p).toBeNull()
    expect(v.sentence).toBe('Too few matched pairs to tell GRU and LSTM apart on step time at equal hidden size: n = 3, and the smallest p that 3 pairs can give is 0.25; add repeats or configurations.')
  })

  it('says "no significant difference" when the cells are alike, with the factor and its interval', () => {
    const [v] = question(verdictReport(speedSweep(1), noSeries, 'hidden'), 'step-time').verdicts
    expect(v.outcome).toBe('no-difference')
    expect(v.factor).toBeLessThan(1.02)
    expect(v.ci95![0]).toBeLessThan(1.01)
    expect(v.pAdjusted).toBeGreaterThan(0.05)
    expect(v.sentence).toMatch(/^No significant difference in step time between (GRU|LSTM) and (GRU|LSTM) at equal hidden size: factor 1\.0\d×, 95% CI \d\.\d\d–1\.\d\d; p = 0\.\d+, 18 matched pairs in 3 configurations\.$/)
  })

  it('gives the same verdicts whichever order the sweep lists the cells in, at equal hidden size and by parameters', () => {
    for (const matching of ['hidden', 'params'] as const) {
      const a = verdictReport(speedSweep(1.2, 4, ['gru', 'lstm']), noSeries, matching)
      const b = verdictReport(speedSweep(1.2, 4, ['lstm', 'gru']).reverse(), noSeries, matching)
      const strip = (r: VerdictReport) => r.questions.map((q) => q.verdicts.map(({ runIds: _ids, ...v }) => v))
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

  it('tests a quantity that should be exact but varies from seed to seed, instead of calling it exact', () => {
    const rng = new Rng(9)
    const runs = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((seed) => [
      fakeRun({ cell: 'lstm', seed }, { bytes: 6e5 * (1 + 0.05 * rng.normal()) }), fakeRun({ cell: 'gru', seed }, { bytes: 5e5 * (1 + 0.05 * rng.normal()) }),
    ])
    const [v] = question(verdictReport(runs, noSeries, 'hidden'), 'memory').verdicts
    expect(v.outcome).toBe('better')
    expect(v.p).not.toBeNull()
    expect(v.sentence).toMatch(/^GRU needs 1\.\d\d× less memory than LSTM at equal hidden size \(measured; it varies from seed to seed: 95% CI .*; p = 0\.0\d\d, 8 matched pairs in 1 configuration\)\.$/)
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

  it('reports two cells at the baseline as not learned, and does not rank them', () => {
    // RNN 0.166 and LSTM 0.165 against a baseline of 0.165 ± 0.005: neither learned anything
    const runs = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((seed) => [
      fakeRun({ cell: 'rnn_tanh', seed, hiddenSize: 16 + seed }, { metric: 0.166 + 0.0001 * seed }),
      fakeRun({ cell: 'lstm', seed, hiddenSize: 16 + seed }, { metric: 0.165 * (1 - 0.002 * seed) }),
    ])
    const [v] = question(verdictReport(runs, noSeries, 'hidden'), 'metric-adding').verdicts
    expect(v.outcome).toBe('not-learned')
    expect(v.p).toBeNull()
    expect(v.baseline!.map((b) => b.learned)).toEqual([false, false])
    expect(v.sentence).toMatch(/^Neither (LSTM|RNN \(tanh\)) nor (LSTM|RNN \(tanh\)) beat the baseline on adding \(predict the mean target, MSE 0\.165\): .* not ranked\.$/)
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
    expect(v.baseline!.map((b) => b.classical?.beat)).toEqual([true, false])
    expect(v.sentence).toMatch(/ Only LSTM beat the classical baseline \(linear regression, MSE 0\.0500\)\.$/)
    // the same sweep where every run beats it, and where none does
    const better = runs.map((r) => ({ ...r, figures: { ...r.figures, classical: { ...r.figures.classical!, metric: 0.2 } } }))
    expect(question(verdictReport(better, noSeries, 'hidden'), 'metric-adding').verdicts[0].sentence).toMatch(/ Both beat the classical baseline/)
    const worse = runs.map((r) => ({ ...r, figures: { ...r.figures, classical: { ...r.figures.classical!, metric: 0.001 } } }))
    expect(question(verdictReport(worse, noSeries, 'hidden'), 'metric-adding').verdicts[0].sentence).toMatch(/ Neither beat the classical baseline/)
  })

  it('splits by sequence length where a cell learns at one T and not at another', () => {
    // T=100: LSTM learns (MSE 0.0003), RNN does not; T=200: both sit at the baseline.
    const runs = [100, 200].flatMap((T) => [16, 32, 64].flatMap((H) => [1, 2, 3].flatMap((seed) => [
      fakeRun({ cell: 'lstm', seqLen: T, hiddenSize: H, seed }, { metric: T === 100 ? 0.0003 * (1 + seed / 10) : 0.165 }),
      fakeRun({ cell: 'rnn_tanh', seqLen: T, hiddenSize: H, seed }, { metric: 0.166 }),
    ])))
    const verdicts = question(verdictReport(runs, noSeries, 'hidden'), 'metric-adding').verdicts
    expect(verdicts.map((v) => [v.stratum?.setting, v.stratum?.value, v.outcome])).toEqual([['seqLen', '100', 'better'], ['seqLen', '200', 'not-learned']])
    expect(verdicts[0].sentence).toMatch(/^At T=100: LSTM reaches a lower adding MSE than RNN \(tanh\) after 100 steps each, by a factor of [\d,]+ .* RNN \(tanh\) did not/)
    expect(verdicts[1].sentence).toMatch(/^At T=200: Neither/)
  })
})

describe('verdicts: splits and caveats', () => {
  it('splits a speed verdict by the setting along which the ratios point opposite ways', () => {
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

  it('keeps one verdict where the ratios agree in direction, and gives the factor at each value of the setting that explains them', () => {
    // GRU 1.2× faster at T=50 and 2× at T=100, over 8 configurations each
    const rng = new Rng(6)
    const runs = [50, 100].flatMap((seqLen) => [8, 16, 32, 64, 128, 256, 512, 1024].flatMap((H) => [1, 2].flatMap((seed) => [
      fakeRun({ cell: 'gru', seqLen, hiddenSize: H, seed }, { ms: H * (1 + 0.02 * rng.normal()) }),
      fakeRun({ cell: 'lstm', seqLen, hiddenSize: H, seed }, { ms: H * (seqLen === 50 ? 1.2 : 2) * (1 + 0.02 * rng.normal()) }),
    ])))
    const verdicts = question(verdictReport(runs, noSeries, 'hidden'), 'step-time').verdicts
    expect(verdicts).toHaveLength(1)
    expect(verdicts[0].breakdown!.setting).toBe('seqLen')
    expect(verdicts[0].breakdown!.share).toBeGreaterThan(0.9)
    expect(verdicts[0].sentence).toMatch(/^GRU trains 1\.5\d× faster per step than LSTM at equal hidden size \(.*\); by seqLen, 1\.2\d× at T=50, 2\.0\d× at T=100\.$/)
  })

  it('answers step time per backend even where the engines agree in direction: each engine is its own question', () => {
    // GRU 1.2× faster on cpu-js and 2× on cpu-native: no average of the two engines is either's answer.
    const rng = new Rng(6)
    const runs = (['cpu-js', 'cpu-native'] as const).flatMap((backend) => [8, 16, 32, 64].flatMap((H) => [1, 2].flatMap((seed) => [
      fakeRun({ cell: 'gru', backend, hiddenSize: H, seed }, { ms: H * (1 + 0.02 * rng.normal()) }),
      fakeRun({ cell: 'lstm', backend, hiddenSize: H, seed }, { ms: H * (backend === 'cpu-js' ? 1.2 : 2) * (1 + 0.02 * rng.normal()) }),
    ])))
    const verdicts = question(verdictReport(runs, noSeries, 'hidden'), 'step-time').verdicts
    expect(verdicts.map((v) => [v.stratum?.value, v.cells[0], v.outcome, v.pairs, v.family])).toEqual([['cpu-js', 'gru', 'better', 8, 2], ['cpu-native', 'gru', 'better', 8, 2]])
    expect(verdicts[0].sentence).toMatch(/^On cpu-js: GRU trains 1\.[12]\d× faster per step than LSTM at equal hidden size \(95% CI [\d.–]+; p = 0\.0\d+, 8 matched pairs in 4 configurations\)\.$/)
    expect(verdicts[1].sentence).toMatch(/^On cpu-native: GRU trains 2\.0\d× faster per step/)
  })

  it('counts a network trained on two engines once for what it learns: its runs are one observation, not two', () => {
    // The same 6 seeds on cpu-native and torch-cpu: the same weights, batches and (to float32) losses.
    const runs = (['cpu-native', 'torch-cpu'] as const).flatMap((backend) => [1, 2, 3, 4, 5, 6].flatMap((seed) => [
      fakeRun({ cell: 'gru', backend, seed }, { metric: 0.01 * (1 + seed / 10) * (backend === 'torch-cpu' ? 1.0001 : 1) }),
      fakeRun({ cell: 'lstm', backend, seed }, { metric: 0.02 * (1 + seed / 10) }),
    ]))
    const [v] = question(verdictReport(runs, noSeries, 'hidden'), 'metric-adding').verdicts
    expect([v.outcome, v.pairs, v.configurations, v.runIds.length]).toEqual(['better', 6, 1, 24])
    // 6 pairs all one way: p = 2/2⁶ = 0.031; counted twice (12 pairs) it would have read 0.00049.
    expect(v.p).toBeCloseTo(2 / 2 ** 6, 10)
    expect(v.pooledBackends).toEqual(['cpu-native', 'torch-cpu'])
    expect(v.sentence).toContain('p = 0.031, 6 matched pairs in 1 configuration, one per network and seed (its runs on cpu-native and torch-cpu count once)')
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
