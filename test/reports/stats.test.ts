// Statistics against values computed independently: SciPy's Wilcoxon signed-rank test (scipy 1.10.1: `wilcoxon`
// exact without ties; with ties and zeros, `permutation_test` over every sign flip of the
// observed ranks, zeros dropped; `wilcoxon(method approx, correction=False)` for large samples),
// brute-force enumerations of the exact null distributions, and bootstrap intervals against the
// known sampling distribution of a median.

import { describe, expect, it } from 'vitest'
import { Rng } from '../../src-main/engine/rng'
import { bootstrapCi, bootstrapClustersCi, describe as describeValues, holm, normalCdf, smallestSignedRankP, SIGNED_RANK_EXACT_LIMIT, wilcoxonSignedRank } from '../../src-main/reports/stats'

describe('Wilcoxon signed-rank', () => {
  it.each([
    // differences, W⁺, p as SciPy gives them; exact
    [[0.3, -0.1, 0.5, 0.8, 0.2, 0.9, -0.4, 0.6], 31, 0.078125],
    [[1.2, 2.3, -0.7, 3.1, 0.4, -1.8, 2.2, 1.1, 0.9, -0.3, 1.7, 2.8], 66, 0.0341796875],
    [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], 36, 0.0078125],
    // ties and zeros: the exact permutation distribution of W⁺ given the mid-ranks
    [[1, -1, 2, 2, -2, 3, 3, 3, 4, 0, 0], 39.5, 0.05078125],
    [[0.5, 0.5, 0.5, -0.5, 1.5, 1.5, 2, 2, 2, 2], 52.5, 0.009765625],
    [[1, 1, 1, 1, 1, 1], 21, 0.03125],
  ])('W⁺ and the exact p as SciPy computes them: %j', (d, wPlus, p) => {
    const r = wilcoxonSignedRank(d)
    expect(r.exact).toBe(true)
    expect(r.wPlus).toBe(wPlus)
    expect(r.p).toBeCloseTo(p, 12)
    expect(r.zeros).toBe(d.filter((v) => v === 0).length)
  })

  it('uses the normal approximation with the tie correction past the exact limit, as SciPy does', () => {
    const d = Array.from({ length: 500 }, (_, i) => ((i * 37) % 23) - 10) // 22 zeros, many ties
    const r = wilcoxonSignedRank(d)
    expect(r.n).toBeGreaterThan(SIGNED_RANK_EXACT_LIMIT)
    expect(r.exact).toBe(false)
    expect(r.zeros).toBe(22)
    expect(r.p).toBeCloseTo(0.0012077908517546445, 8)
  })

  it('matches a brute-force enumeration of every sign assignment, ties included', () => {
    const rng = new Rng(5)
    for (const n of [3, 5, 7, 9, 11]) {
      // rounded to one decimal so that equal magnitudes occur
      const d = Array.from({ length: n }, () => Math.round(rng.normal() * 10) / 10 || 0.1)
      const abs = d.map(Math.abs), sorted = [...abs].sort((a, b) => a - b)
      const rank = (v: number) => { const first = sorted.indexOf(v), last = sorted.lastIndexOf(v); return (first + last + 2) / 2 }
      const w = (signs: number[]) => abs.reduce((s, v, i) => s + (signs[i] > 0 ? rank(v) : 0), 0)
      const observed = w(d)
      let below = 0, above = 0
      for (let mask = 0; mask < 1 << n; mask++) {
        const stat = w(d.map((_, i) => (mask & (1 << i) ? 1 : -1)))
        if (stat <= observed + 1e-9) below++
        if (stat >= observed - 1e-9) above++
      }
      expect(wilcoxonSignedRank(d).p, `n=${n}`).toBeCloseTo(Math.min(1, (2 * Math.min(below, above)) / 2 ** n), 12)
    }
  })

  it('keeps its size at α on symmetric data and says what the smallest attainable p is', () => {
    const rng = new Rng(5)
    for (const [n, size] of [[6, 0.03125], [8, 0.0390625]] as const) {
      let rejected = 0
      const N = 20_000
      for (let i = 0; i < N; i++) if (wilcoxonSignedRank(Array.from({ length: n }, () => rng.normal())).p < 0.05) rejected++
      expect(rejected / N).toBeCloseTo(size, 2)
    }
    expect(smallestSignedRankP(5)).toBe(0.0625)
    expect(smallestSignedRankP(6)).toBe(0.03125)
    expect(wilcoxonSignedRank([0, 0, 0]).p).toBe(1)
    expect(wilcoxonSignedRank([1, 2, 3, 4, 5, 6, 7, 8]).effect).toBe(1)
    expect(wilcoxonSignedRank([-1, -2, -3, -4]).effect).toBe(-1)
  })
})

describe('bootstrap and descriptive figures', () => {
  it('resamples clusters and then their members: one cluster of spread values gives that spread, many clusters of one value the spread between them', () => {
    const mean = (cs: number[][]) => cs.reduce((s, c) => s + c.reduce((t, v) => t + v, 0) / c.length, 0) / cs.length
    const [lo1, hi1] = bootstrapClustersCi([[-1, 1, -1, 1, -1, 1, -1, 1]], mean, 3, 2000)
    expect(lo1).toBeLessThan(-0.3)
    expect(hi1).toBeGreaterThan(0.3)
    const [lo2, hi2] = bootstrapClustersCi([[1, 1], [1, 1], [1, 1]], mean, 3, 2000)
    expect([lo2, hi2]).toEqual([1, 1])
    expect(bootstrapClustersCi([[1], []], mean)).toEqual([NaN, NaN])
  })

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

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }
