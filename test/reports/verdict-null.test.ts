// The verdicts' error rates, measured through the real verdict code. The null is made the way an
// auditor makes it: a sweep whose cells differ a great deal (step time, what they learn, whether
// they beat the baseline) has its cell labels permuted at random within every matched set, so that
// in each copy no cell differs from another by construction. The design is the one the issue names
// at a size that fits in `npm test`: three cells × two tasks × three hidden sizes × two learning
// rates × three seeds, with step time, each task's metric at equal steps and at equal wall time,
// and the per-run baseline tests. Under the null:
// - each question calls a difference in at most α of the copies (within three standard errors);
// - the share of copies with any "X is better" sentence stays at α (Holm over the whole report);
// - no "no significant difference" carries an interval that excludes 1, and no significant one an
//   interval that includes it (the interval inverts the test at Holm's level: exact, not a rate);
// - the family is the same size in every copy: whether a cell learned never decides what is tested.
// bench/verdict-null.mjs runs the same count through `rnnbench verdicts --json` on a real sweep;
// docs/REPORTS.md quotes it. With the labels left alone, the real differences are found.

import { describe, expect, it } from 'vitest'
import { Rng } from '../../src-main/engine/rng'
import type { RunConfig } from '../../src-main/engine/run-config'
import type { SeriesColumns } from '../../src-main/ipc/contract'
import { verdictReport, type VerdictReport } from '../../src-main/reports/verdicts'
import type { FinishedRun } from '../../src-main/reports/matching'
import { fakeRun } from '../helpers/verdict-runs'

const ALPHA = 0.05
const CELLS = ['lstm', 'gru', 'rnn_tanh'] as const

interface Sweep { runs: FinishedRun[]; series: Map<number, SeriesColumns> }

/**
 * A sweep with real differences: per step LSTM 1.3× and GRU 1.15× the tanh RNN's time; on adding
 * GRU and LSTM learn (GRU best) and the RNN does not; on airline they all sit near the baseline.
 * Every run has a val_metric series every 30 steps, so that the equal-time question is asked too.
 */
function realisticSweep(rng: Rng): Sweep {
  const runs: FinishedRun[] = [], series = new Map<number, SeriesColumns>()
  const speed = { lstm: 1.3, gru: 1.15, rnn_tanh: 1 }
  const learned = { adding: { lstm: 0.02, gru: 0.004, rnn_tanh: 0.17 }, airline: { lstm: 48, gru: 46, rnn_tanh: 55 } }
  for (const task of ['adding', 'airline'] as const) {
    const baseline = task === 'adding' ? 0.165 : 50
    for (const H of [16, 32, 64]) {
      for (const lr of [0.01, 0.003]) {
        for (let seed = 1; seed <= 3; seed++) {
          for (const cell of CELLS) {
            const ms = 1e-3 * H * H * (task === 'adding' ? 50 : 12) / 16 * speed[cell] * Math.exp(0.08 * rng.normal())
            // Metrics rounded to 3 digits: equal values (ties) happen, as in real sweeps that converge.
            const metric = Number((learned[task][cell] * (lr === 0.003 ? 1.4 : 1) * Math.exp(0.25 * rng.normal())).toPrecision(3))
            const r = fakeRun({ cell, task, hiddenSize: H, lr, seed, dataSeed: seed, backend: 'cpu-native' } as Partial<RunConfig>, { ms, metric, baseline, steps: 300, wallSeconds: (300 * ms) / 1000 })
            runs.push(r)
            const step = Array.from({ length: 11 }, (_, k) => 30 * k)
            series.set(r.id, { step, wallMs: step.map((s) => s * ms), value: step.map((s) => baseline + (metric - baseline) * (1 - Math.exp(-s / 60))) })
          }
        }
      }
    }
  }
  return { runs, series }
}

/** The same runs with their cell labels shuffled within each matched set (task, H, lr, seed). */
function permuted(sweep: Sweep, rng: Rng): FinishedRun[] {
  const sets = new Map<string, FinishedRun[]>()
  for (const r of sweep.runs) {
    const key = JSON.stringify({ ...r.config, cell: undefined })
    sets.set(key, [...(sets.get(key) ?? []), r])
  }
  return [...sets.values()].flatMap((set) => {
    const labels = rng.shuffle(set.map((r) => r.config.cell))
    return set.map((r, i) => ({ ...r, config: { ...r.config, cell: labels[i] } }))
  })
}

const report = (runs: FinishedRun[], sweep: Sweep): VerdictReport => verdictReport(runs, (id) => sweep.series.get(id), 'hidden')
const excludesOne = (i: [number, number]) => i[0] > 1 || i[1] < 1

describe('verdict error rates under the null (labels permuted within matched sets)', () => {
  it('keeps every question, and the whole report, at α; intervals always agree with the verdict; the family never depends on the outcome', () => {
    const rng = new Rng(38)
    const sweep = realisticSweep(rng)
    const copies = 600
    const byQuestion = new Map<string, number>()
    let anyBetter = 0, disagreements = 0, intervals = 0
    const families = new Set<number>()
    for (let c = 0; c < copies; c++) {
      const r = report(permuted(sweep, rng), sweep)
      families.add(r.family.tests)
      let better = false
      for (const q of r.questions) {
        const called = q.verdicts.some((v) => v.outcome === 'better')
        if (q.kind === 'measured') byQuestion.set(q.id, (byQuestion.get(q.id) ?? 0) + (called ? 1 : 0))
        better ||= called && q.kind === 'measured'
        for (const v of q.verdicts) {
          if (v.outcome !== 'better' && v.outcome !== 'no-difference' || !v.interval) continue
          intervals++
          if (excludesOne(v.interval) !== (v.outcome === 'better')) disagreements++
        }
      }
      if (better) anyBetter++
    }
    const se = Math.sqrt((ALPHA * (1 - ALPHA)) / copies), limit = ALPHA + 3 * se
    const rates = [...byQuestion].map(([id, n]) => `${id} ${(100 * n / copies).toFixed(1)}%`)
    console.log(`[verdicts] null, ${copies} permutations of a 108-run sweep (3 cells × 2 tasks × 3 H × 2 lr × 3 seeds): any false "better" in ${(100 * anyBetter / copies).toFixed(1)}% of copies; per question ${rates.join(', ')}; ${disagreements} of ${intervals} intervals disagreed with their verdict; family of ${[...families].join('/')} tests`)
    expect([...byQuestion.keys()].sort()).toEqual(['metric-adding', 'metric-airline', 'metric-time-adding', 'metric-time-airline', 'step-time'])
    for (const [id, n] of byQuestion) expect(n / copies, id).toBeLessThanOrEqual(limit)
    expect(anyBetter / copies).toBeLessThanOrEqual(limit)
    expect(disagreements).toBe(0)
    expect(intervals).toBeGreaterThan(copies * 5)
    expect([...families]).toEqual([15]) // 5 questions × 3 pairs of cells, in every copy
  }, 300_000)

  it('finds the real differences when the labels are left alone', () => {
    const rng = new Rng(39)
    let found = 0
    const n = 20
    for (let i = 0; i < n; i++) {
      const sweep = realisticSweep(rng)
      const r = report(sweep.runs, sweep)
      const step = r.questions.find((q) => q.id === 'step-time')!.verdicts
      const adding = r.questions.find((q) => q.id === 'metric-adding')!.verdicts
      const gruOverLstm = (vs: typeof step) => vs.some((v) => v.outcome === 'better' && v.cells[0] === 'gru' && v.cells[1] === 'lstm')
      if (gruOverLstm(step) && gruOverLstm(adding)) found++
    }
    console.log(`[verdicts] power: GRU found faster per step than LSTM (1.13×, 8% noise) and better on adding (5×, 25% noise), each inside the 15-test family, in ${found} of ${n} sweeps`)
    expect(found / n).toBeGreaterThanOrEqual(0.9)
  }, 120_000)
})
