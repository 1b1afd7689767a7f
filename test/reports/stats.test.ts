// Statistics against values computed independently: SciPy's Mann-Whitney U (scipy 1.17.1,
// `scipy.stats.mannwhitneyu`, two-sided), a brute-force enumeration of the exact null
// distribution, and bootstrap intervals against the known sampling distribution of a median.

import { describe, expect, it } from 'vitest'
import { Rng } from '../../src-main/engine/rng'
import { bootstrapCi, describe as describeValues, holm, mannWhitney, normalCdf } from '../../src-main/reports/stats'

describe('Mann-Whitney U', () => {
  it.each([
    // x, y, U, p as SciPy gives them (method='exact' for the first three, 'asymptotic' with continuity after)
    [[1, 2, 3], [4, 5, 6, 7], 0, 0.05714285714285714, true],
    [[1, 3, 5, 7, 9], [2, 4, 6, 8, 10], 10, 0.6904761904761905, true],
    [[1.1, 2.2, 3.3, 4.4, 5.5, 6.6], [0.5, 1.7, 2.1, 8.8, 9.9, 10.1, 12.2], 16, 0.5337995337995338, true],
    [[1, 2, 2, 3, 4, 5, 6, 7, 8, 9], [2, 3, 5, 5, 6, 7, 8, 9, 10, 11, 12], 31.5, 0.10384528346082904, false],
  ])('U and p as SciPy computes them: %j vs %j', (x, y, u, p, exact) => {
    const r = mannWhitney(x, y)
    expect(r.u).toBe(u)
    expect(r.exact).toBe(exact)
    expect(r.p).toBeCloseTo(p, 5)
  })

  it('matches a brute-force enumeration of every arrangement for small samples', () => {
    const rng = new Rng(3)
    for (const [n1, n2] of [[2, 3], [4, 4], [3, 6], [5, 5]]) {
      const x = Array.from({ length: n1 }, () => rng.normal()), y = Array.from({ length: n2 }, () => rng.normal())
      const all = [...x, ...y]
      const u = (xs: number[], ys: number[]) => xs.reduce((s, a) => s + ys.filter((b) => a > b).length, 0)
      const observed = u(x, y), lo = Math.min(observed, n1 * n2 - observed)
      let atMost = 0, total = 0
      // every way of choosing which n1 of the pooled values are "x"
      for (let mask = 0; mask < 1 << all.length; mask++) {
        if (popcount(mask) !== n1) continue
        const xs = all.filter((_, i) => mask & (1 << i)), ys = all.filter((_, i) => !(mask & (1 << i)))
        total++
        if (u(xs, ys) <= lo) atMost++
      }
      expect(mannWhitney(x, y).p, `${n1}×${n2}`).toBeCloseTo(Math.min(1, (2 * atMost) / total), 12)
    }
  })

  it('gives a large p and an effect near 0 for samples from one distribution, a tiny p and effect ±1 for separated ones', () => {
    const rng = new Rng(11)
    const a = Array.from({ length: 30 }, () => rng.normal()), b = Array.from({ length: 30 }, () => rng.normal())
    const same = mannWhitney(a, b)
    expect(same.p).toBeGreaterThan(0.05)
    expect(Math.abs(same.effect)).toBeLessThan(0.3)
    const apart = mannWhitney(a.map((v) => v + 10), b)
    expect(apart.p).toBeLessThan(1e-9)
    expect(apart.effect).toBe(1)
    expect(mannWhitney(b, a.map((v) => v + 10)).effect).toBe(-1)
  })

  it('answers p = 1 when every value is equal', () => {
    expect(mannWhitney([2, 2, 2], [2, 2, 2, 2]).p).toBe(1)
  })
})

describe('bootstrap and descriptive figures', () => {
  it('covers the true median with an interval as wide as the median\'s sampling distribution', () => {
    const rng = new Rng(5)
    const xs = Array.from({ length: 400 }, () => 10 + rng.normal())
    const d = describeValues(xs, 1)
    expect(d.ci95[0]).toBeLessThan(10)
    expect(d.ci95[1]).toBeGreaterThan(10)
    // the median of n normal draws has standard error ≈ 1.2533·σ/√n; a 95% interval ≈ ±1.96 of it
    const expected = 2 * 1.96 * 1.2533 / Math.sqrt(400)
    const width = d.ci95[1] - d.ci95[0]
    expect(width).toBeGreaterThan(0.6 * expected)
    expect(width).toBeLessThan(1.5 * expected)
    expect(d.mean).toBeCloseTo(10, 0)
    expect(d.std).toBeGreaterThan(0.85)
    expect(d.std).toBeLessThan(1.15)
    expect(d.iqr).toBeGreaterThan(1.1) // 1.349·σ for a normal
    expect(d.iqr).toBeLessThan(1.6)
  })

  it('is reproducible for a seed, and bootstraps a ratio of two samples', () => {
    const a = [1.3, 1.31, 1.29, 1.33, 1.28, 1.3], b = [1, 1.01, 0.99, 1.02, 0.98, 1]
    const ratio = (s: number[][]) => median(s[0]) / median(s[1])
    const ci = bootstrapCi([a, b], ratio, 7)
    expect(bootstrapCi([a, b], ratio, 7)).toEqual(ci)
    expect(ci[0]).toBeGreaterThan(1.25)
    expect(ci[1]).toBeLessThan(1.36)
  })

  it('describes one value without inventing a spread', () => {
    expect(describeValues([3])).toMatchObject({ n: 1, median: 3, iqr: 0, mean: 3, ci95: [3, 3] })
    expect(Number.isNaN(describeValues([3]).std)).toBe(true)
    expect(describeValues([NaN, Infinity]).n).toBe(0)
  })
})

describe('Holm and the normal CDF', () => {
  it('adjusts p-values step-down and keeps them monotone', () => {
    // by hand: sorted 0.01, 0.02, 0.04 → 3·0.01 = 0.03, 2·0.02 = 0.04, 1·0.04 = 0.04
    expect(holm([0.04, 0.01, 0.02])).toEqual([0.04, 0.03, 0.04])
    expect(holm([0.5, 0.9])).toEqual([1, 1])
  })

  it('has the normal CDF at its table values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7)
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6)
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6)
  })
})

function popcount(n: number): number { let c = 0; while (n) { c += n & 1; n >>= 1 } return c }
function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }
