// The verdicts' error rates, measured through the real verdict code on synthetic sweeps whose
// truth is known. Under the null (both cells drawn from one distribution, configurations of very
// different scales, 1 or 3 seeds, values rounded so that ties and zero differences occur), the
// share of sweeps with any "significant" step-time verdict must stay at α = 0.05 within three
// standard errors; with a true 1.3× effect over 8 configurations × 3 seeds, the verdict must find
// it (the right way round) in at least 80% of sweeps. Both rates are printed.

import { describe, expect, it } from 'vitest'
import { Rng } from '../../src-main/engine/rng'
import type { BackendName } from '../../src-main/engine/backend'
import { verdictReport } from '../../src-main/reports/verdicts'
import { fakeRun } from '../helpers/verdict-runs'
import type { FinishedRun } from '../../src-main/reports/matching'

const ALPHA = 0.05

/** One synthetic sweep: LSTM and GRU over `configs` configurations × `seeds` seeds; LSTM `effect`× slower. */
function sweep(rng: Rng, configs: 4 | 8, seeds: number, effect: number, rounded: boolean): FinishedRun[] {
  const runs: FinishedRun[] = []
  // One engine's configurations: step time is answered per backend, so a verdict's pairs are one engine's.
  const backend: BackendName = 'cpu-native'
  const shapes: Array<{ H: number; T: number }> = []
  for (const H of configs === 8 ? [16, 32, 64, 128] : [16, 64]) for (const T of [50, 100]) shapes.push({ H, T })
  for (const { H, T } of shapes) {
    // Configurations differ in scale by orders of magnitude, as real step times do.
    const scale = 1e-4 * H * H * T * Math.exp(0.5 * rng.normal())
    for (let seed = 1; seed <= seeds; seed++) {
      for (const cell of ['lstm', 'gru'] as const) {
        let ms = scale * (cell === 'lstm' ? effect : 1) * Math.exp(0.3 * rng.normal())
        // Timer resolution: values to two significant digits, so equal values (ties, zero differences) happen.
        if (rounded) { const q = 10 ** (Math.floor(Math.log10(ms)) - 1); ms = Math.round(ms / q) * q }
        runs.push(fakeRun({ cell, hiddenSize: H, seqLen: T, backend, seed }, { ms }))
      }
    }
  }
  return runs
}

/** Whether the step-time verdicts call a difference: any significant one, and whether GRU was the faster. */
function called(runs: FinishedRun[]): { any: boolean; gruFaster: boolean } {
  const q = verdictReport(runs, () => undefined, 'hidden', { resamples: 50 }).questions.find((x) => x.id === 'step-time')!
  const significant = q.verdicts.filter((v) => v.outcome === 'better')
  return { any: significant.length > 0, gruFaster: significant.length > 0 && significant.every((v) => v.cells[0] === 'gru') }
}

describe('verdict error rates (simulation through the verdict code)', () => {
  it('keeps false positives at α = 0.05 under the null, with and without ties, over 2,400 sweeps', () => {
    const rng = new Rng(20261202)
    const scenarios = [[4, 1], [8, 1], [4, 3], [8, 3]] as const
    const perScenario = 600
    let positives = 0, total = 0
    const lines: string[] = []
    for (const [configs, seeds] of scenarios) {
      let hits = 0
      for (let i = 0; i < perScenario; i++) if (called(sweep(rng, configs, seeds, 1, i % 2 === 0)).any) hits++
      positives += hits
      total += perScenario
      lines.push(`${configs} configurations × ${seeds} seed${seeds > 1 ? 's' : ''}: ${(hits / perScenario * 100).toFixed(1)}%`)
      const se = Math.sqrt((ALPHA * (1 - ALPHA)) / perScenario)
      expect(hits / perScenario, lines.at(-1)).toBeLessThanOrEqual(ALPHA + 3 * se)
    }
    const rate = positives / total, se = Math.sqrt((ALPHA * (1 - ALPHA)) / total)
    console.log(`[verdicts] false-positive rate under the null: ${(rate * 100).toFixed(2)}% of ${total} sweeps (limit ${((ALPHA + 3 * se) * 100).toFixed(2)}%); ${lines.join('; ')}`)
    expect(rate).toBeLessThanOrEqual(ALPHA + 3 * se)
  }, 120_000)

  it('detects a true 1.3× effect over 8 configurations × 3 seeds in at least 80% of sweeps', () => {
    const rng = new Rng(7)
    const n = 400
    let found = 0
    for (let i = 0; i < n; i++) if (called(sweep(rng, 8, 3, 1.3, i % 2 === 0)).gruFaster) found++
    console.log(`[verdicts] power: a 1.3× effect (per-run noise 30%) found, GRU faster, in ${(found / n * 100).toFixed(1)}% of ${n} sweeps of 8 configurations × 3 seeds`)
    expect(found / n).toBeGreaterThanOrEqual(0.8)
  }, 120_000)
})
