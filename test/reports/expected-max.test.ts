// Expected best performance against the budget (Dodge et al. 2019), against a brute-force
// enumeration of every draw with replacement, and the properties a reader relies on: the first
// point is the mean of the trials, the curve only moves toward better, and no point passes the
// best trial.

import { describe, expect, it } from 'vitest'
import { Rng } from '../../src-main/engine/rng'
import { expectedBest, expectedBestCurve } from '../../src-main/reports/expected-max'

/** The mean, over all Nⁿ ordered draws with replacement, of the best of the n drawn. */
function bruteForce(trials: number[], n: number, lowerIsBetter: boolean): number {
  const N = trials.length
  let total = 0, count = 0
  const draw = (depth: number, best: number) => {
    if (depth === n) { total += best; count++; return }
    for (const v of trials) draw(depth + 1, depth === 0 ? v : lowerIsBetter ? Math.min(best, v) : Math.max(best, v))
  }
  draw(0, NaN)
  expect(count).toBe(N ** n)
  return total / count
}

describe('expected best performance against the number of trials', () => {
  it('equals a brute-force enumeration of every draw, ties included, for a loss and for an accuracy', () => {
    const rng = new Rng(9)
    for (let trial = 0; trial < 30; trial++) {
      const N = 1 + (trial % 5)
      const values = Array.from({ length: N }, () => Math.round(rng.uniform() * 6) / 6)
      for (const lower of [true, false]) {
        const curve = expectedBest(values, lower)
        expect(curve).toHaveLength(N)
        for (let n = 1; n <= Math.min(N, 4); n++) expect(curve[n - 1], `${values} n=${n}`).toBeCloseTo(bruteForce(values, n, lower), 12)
      }
    }
  })

  it('starts at the mean, moves only toward better, and stays between the mean and the best trial', () => {
    const rng = new Rng(10)
    for (let trial = 0; trial < 50; trial++) {
      const values = Array.from({ length: 3 + (trial % 20) }, () => Math.exp(rng.normal()))
      const mean = values.reduce((a, b) => a + b, 0) / values.length
      for (const lower of [true, false]) {
        const c = expectedBest(values, lower)
        const best = lower ? Math.min(...values) : Math.max(...values)
        expect(c[0]).toBeCloseTo(mean, 12)
        for (let k = 1; k < c.length; k++) expect(lower ? c[k] <= c[k - 1] + 1e-12 : c[k] >= c[k - 1] - 1e-12).toBe(true)
        for (const x of c) expect(lower ? x >= best - 1e-12 && x <= mean + 1e-12 : x <= best + 1e-12 && x >= mean - 1e-12).toBe(true)
      }
    }
  })

  it('gives each point a reproducible bootstrap band around it', () => {
    const values = [0.8, 0.82, 0.85, 0.9, 0.91, 0.95, 0.7, 0.88]
    const a = expectedBestCurve(values, false, 3, 500), b = expectedBestCurve(values, false, 3, 500)
    expect(a).toEqual(b)
    a.values.forEach((v, k) => { expect(a.band[k][0]).toBeLessThanOrEqual(v + 1e-9); expect(a.band[k][1]).toBeGreaterThanOrEqual(v - 1e-9) })
    expect(expectedBestCurve([0.5], true).band).toEqual([[0.5, 0.5]])
  })
})
