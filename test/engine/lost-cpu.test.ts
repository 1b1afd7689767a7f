// The classifier of steps that lost the CPU, and the clean-step figure, on step records taken by
// real sweeps (test/fixtures/timing/step-records.json: the same LSTM and GRU runs on a quiet
// machine, beside one core busy in bursts, and with both cores bursting) and on records built to
// hit each rule's edge. No timing happens here: the records are data.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  CLEAN_QUANTILE, cleanSteps, cleanStepsText, LOST_FLOOR_MS, LOST_SHARE, lostCpu, MIN_CLEAN_SHARE, MIN_CLEAN_STEPS, quantileOfSorted, stepTimeLine, stepTimeOf, type StepRecord,
} from '../../src-shared/lost-cpu'

const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'timing', 'step-records.json'), 'utf8')) as { runs: Record<string, Array<[number, number]>> }
const records = (name: string): StepRecord[] => fixture.runs[name].map(([wallMs, waitMs]) => ({ wallMs, waitMs }))
const median = (xs: number[]) => quantileOfSorted([...xs].sort((a, b) => a - b), 0.5)
const estimate = (name: string) => cleanSteps(records(name)).estimateMs!

describe('which steps lost the CPU', () => {
  it('is a step whose threads waited for a CPU over 1% of its wall time, and over the kernel\'s own wake-up latency', () => {
    expect(lostCpu({ wallMs: 10, waitMs: 0 })).toBe(false)
    expect(lostCpu({ wallMs: 10, waitMs: LOST_SHARE * 10 })).toBe(false) // at the share: kept
    expect(lostCpu({ wallMs: 10, waitMs: LOST_SHARE * 10 + 1e-6 })).toBe(true)
    // a 1 ms step that waited 15 µs: over 1%, but under the floor of a wake-up
    expect(lostCpu({ wallMs: 1, waitMs: LOST_FLOOR_MS * 0.75 })).toBe(false)
    expect(lostCpu({ wallMs: 1, waitMs: LOST_FLOOR_MS * 1.5 })).toBe(true)
  })

  it('marks the recorded contended steps and leaves most quiet ones', () => {
    const lostShare = (name: string) => records(name).filter(lostCpu).length / records(name).length
    expect(lostShare('quiet/gru-256')).toBeLessThan(0.1)
    expect(lostShare('bothCoresBursting/lstm-256')).toBeGreaterThan(0.5)
    expect(lostShare('bothCoresBursting/gru-256')).toBeGreaterThan(0.5)
    // every step it marks waited; the steps it keeps were overstated by at most 1% (and the floor)
    for (const name of Object.keys(fixture.runs)) {
      for (const r of records(name)) {
        if (lostCpu(r)) expect(r.waitMs).toBeGreaterThan(LOST_FLOOR_MS)
        else expect(r.waitMs).toBeLessThanOrEqual(Math.max(LOST_FLOOR_MS, LOST_SHARE * r.wallMs))
      }
    }
  })
})

describe('the clean-step figure', () => {
  it('is the 25th percentile of the steps that kept the CPU, with the count left out and the wait kept', () => {
    const rs = records('bothCoresBursting/lstm-256')
    const c = cleanSteps(rs)
    const kept = rs.filter((r) => !lostCpu(r)).map((r) => r.wallMs).sort((a, b) => a - b)
    expect(c.steps).toBe(57)
    expect(c.lost).toBe(57 - kept.length)
    expect(c.estimateMs).toBeCloseTo(quantileOfSorted(kept, CLEAN_QUANTILE), 12)
    expect(c.waitMs).toBeCloseTo(rs.reduce((s, r) => s + r.waitMs, 0), 9)
    expect(c.wallMs).toBeCloseTo(rs.reduce((s, r) => s + r.wallMs, 0), 9)
  })

  it('holds beside bursts of other work where the plain median does not', () => {
    for (const cell of ['lstm', 'gru']) {
      const quiet = estimate(`quiet/${cell}-256`)
      // Recorded: within 7% of the quiet run in either busy run (runs differ by a few % between processes even when quiet)
      for (const busy of ['oneCoreBursts', 'bothCoresBursting']) expect(Math.abs(estimate(`${busy}/${cell}-256`) / quiet - 1)).toBeLessThan(0.07)
      // while the median of every step with both cores bursting is over 10% slower than the quiet run's
      const plain = (name: string) => median(records(name).map((r) => r.wallMs))
      expect(plain(`bothCoresBursting/${cell}-256`) / plain(`quiet/${cell}-256`)).toBeGreaterThan(1.1)
    }
    // and the GRU/LSTM factor agrees within 10% across the three machines' states
    const factor = (state: string) => estimate(`${state}/lstm-256`) / estimate(`${state}/gru-256`)
    for (const state of ['oneCoreBursts', 'bothCoresBursting']) expect(Math.abs(factor(state) / factor('quiet') - 1)).toBeLessThan(0.1)
  })

  it('does not move when other work takes the CPU from some of the steps', () => {
    // The quiet run's clean steps, then the same with a third of them preempted: each such step
    // waited w ms and took w ms longer. They are left out, and the figure is that of the rest.
    const clean = records('quiet/gru-256').filter((r) => !lostCpu(r))
    const hit = clean.map((r, i) => (i % 3 === 0 ? { wallMs: r.wallMs + 2 + i, waitMs: 2 + i } : r))
    const kept = clean.filter((_, i) => i % 3 !== 0).map((r) => r.wallMs).sort((a, b) => a - b)
    const c = cleanSteps(hit)
    expect(c.lost).toBe(Math.ceil(clean.length / 3))
    expect(c.estimateMs).toBe(quantileOfSorted(kept, CLEAN_QUANTILE))
    // the plain median of the same steps moves with the preemptions
    expect(median(hit.map((r) => r.wallMs))).toBeGreaterThan(median(clean.map((r) => r.wallMs)))
  })

  it('is not judged when fewer than 10 steps, or fewer than a fifth of the timed steps, kept the CPU, and says so', () => {
    const step = (lost: boolean): StepRecord => ({ wallMs: 5, waitMs: lost ? 1 : 0 })
    const run = (clean: number, lost: number) => cleanSteps([...Array.from({ length: clean }, () => step(false)), ...Array.from({ length: lost }, () => step(true))])
    expect(MIN_CLEAN_STEPS).toBe(10)
    expect(MIN_CLEAN_SHARE).toBe(0.2)
    expect(run(10, 40).estimateMs).toBe(5) // 10 clean, 20% of 50
    expect(run(9, 10).estimateMs).toBeNull() // under 10
    expect(run(9, 10).tooFew).toBe('10 of 19 steps lost the CPU (9 clean; 10 needed)')
    expect(run(20, 81).estimateMs).toBeNull() // 20 clean < 21 = a fifth of 101
    expect(run(20, 81).tooFew).toBe('81 of 101 steps lost the CPU (20 clean; 21 needed)')
    expect(run(14, 43).estimateMs).toBe(5) // the recorded run a quarter left out: 14 of 57
    // A run of fewer timed steps than 10 is judged when every one kept the CPU
    expect(run(4, 0).estimateMs).toBe(5)
    expect(run(4, 1).estimateMs).toBeNull()
    expect(cleanSteps([]).estimateMs).toBeNull()
  })

  it('is what verdicts read: the clean figure where the CPU was sampled, else the median of every step', () => {
    const stepMs = { total: { median: 7 } }
    const sampled = { signal: 'run-queue wait' as const, steps: 57, lost: 40, estimateMs: 6, tooFew: undefined }
    expect(stepTimeOf({ stepMs })).toBe(7) // recorded before the CPU was sampled
    expect(stepTimeOf({ stepMs, cpu: { signal: null } })).toBe(7) // torch, GPU, other systems
    expect(stepTimeOf({ stepMs, cpu: sampled })).toBe(6)
    expect(stepTimeOf({ stepMs, cpu: { ...sampled, estimateMs: null } })).toBeNull()
    expect(cleanStepsText({ cpu: sampled })).toBe('17/57')
    expect(cleanStepsText({ cpu: { signal: null } })).toBe('-')
    expect(stepTimeLine({ stepMs, cpu: sampled })).toBe('6.00 ms/step (40 of 57 steps lost the CPU, left out)')
    expect(stepTimeLine({ stepMs, cpu: { ...sampled, estimateMs: null, tooFew: '50 of 57 steps lost the CPU (7 clean; 12 needed)' } }))
      .toBe('7.00 ms/step (median; not judged: 50 of 57 steps lost the CPU (7 clean; 12 needed))')
  })
})
