// Statistics against values computed independently: SciPy's exact Wilcoxon signed-rank test
// (scipy 1.10.1 `wilcoxon`, without ties), brute-force enumerations of the Walsh averages and of
// the exact null distribution, the duality of the test and its interval, and bootstrap intervals
// against the known sampling distribution of a median.

import { describe, expect, it } from 'vitest'
import { Rng } from '../../src-main/engine/rng'
import { bootstrapCi, describe as describeValues, holm, holmDecisions, normalCdf, pairedSignedRank, SIGNED_RANK_EXACT_PAIRS, signedRankInterval, signedRankNullCdf, smallestPairedP } from '../../src-main/reports/stats'

/** Every Walsh average (dᵢ + dⱼ)/2, i ≤ j, sorted: the brute force the counting code must agree with. */
const walsh = (d: number[]) => d.flatMap((x, i) => d.slice(i).map((y) => (x + y) / 2)).sort((a, b) => a - b)

describe('Wilcoxon signed-rank, Hodges–Lehmann and the interval that inverts the test', () => {
  it.each([
    // differences and p as SciPy's exact `wilcoxon` gives them (no ties, no zeros)
    [[0.3, -0.1, 0.5, 0.8, 0.2, 0.9, -0.4, 0.6], 0.078125],
    [[1.2, 2.3, -0.7, 3.1, 0.4, -1.8, 2.2, 1.1, 0.9, -0.3, 1.7, 2.8], 0.0341796875],
    [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], 0.0078125],
  ])('gives the exact p SciPy computes where nothing ties: %j', (d, p) => {
    const r = pairedSignedRank(d)
    expect(r.exact).toBe(true)
    expect(r.p).toBeCloseTo(p, 12)
    expect([r.positive, r.negative, r.zeros]).toEqual([d.filter((v) => v > 0).length, d.filter((v) => v < 0).length, 0])
  })

  it('gives the Hodges–Lehmann estimate and interval of a brute-force enumeration of the Walsh averages, ties and zeros included', () => {
    const rng = new Rng(11)
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + (trial % 14)
      const d = Array.from({ length: n }, () => Math.round(rng.normal() * 4) / 4 + (trial % 3 === 0 ? 0.5 : 0))
      const w = walsh(d), M = w.length
      const hl = M % 2 ? w[(M - 1) / 2] : (w[M / 2 - 1] + w[M / 2]) / 2
      expect(pairedSignedRank(d).estimate, JSON.stringify(d)).toBeCloseTo(hl, 12)
      for (const alpha of [0.05, 0.01]) {
        const ci = signedRankInterval(d, alpha)
        // k: the largest with P(W ≤ k − 1) ≤ α/2 under the null of n untied pairs, by enumerating all 2ⁿ sign patterns
        const counts = new Array(M + 1).fill(0)
        for (let mask = 0; mask < 1 << n; mask++) { let s = 0; for (let r = 1; r <= n; r++) if (mask & (1 << (r - 1))) s += r; counts[s]++ }
        let k = 0, cum = 0
        for (let w0 = 0; w0 <= M; w0++) { cum += counts[w0] / 2 ** n; if (cum <= alpha / 2) k = w0 + 1; else break }
        if (k === 0) expect(ci).toBeNull()
        else expect(ci, JSON.stringify(d)).toEqual([w[k - 1], w[M - k]])
      }
    }
  })

  it('agrees with itself: the 1 − α interval excludes 0 exactly when p ≤ α, ties and zeros included', () => {
    const rng = new Rng(12)
    let checked = 0
    for (let trial = 0; trial < 3000; trial++) {
      const n = 6 + (trial % 30)
      const shift = (trial % 5) * 0.15
      const d = Array.from({ length: n }, () => Math.round((rng.normal() + shift) * 3) / 3)
      const { p } = pairedSignedRank(d)
      for (const alpha of [0.05, 0.025, 0.05 / 7, 0.001]) {
        const ci = signedRankInterval(d, alpha)
        if (!ci) continue
        checked++
        expect(ci[0] > 0 || ci[1] < 0, `${JSON.stringify(d)} at ${alpha}: p = ${p}, CI ${ci}`).toBe(p <= alpha)
      }
    }
    expect(checked).toBeGreaterThan(10_000)
  })

  it('keeps its size at α on symmetric data, and its interval covers the true shift', () => {
    const rng = new Rng(5)
    for (const [n, size] of [[6, 0.03125], [8, 0.0390625]] as const) {
      let rejected = 0
      const N = 20_000
      for (let i = 0; i < N; i++) if (pairedSignedRank(Array.from({ length: n }, () => rng.normal())).p <= 0.05) rejected++
      expect(rejected / N).toBeCloseTo(size, 2)
    }
    let covered = 0
    const N = 4000
    for (let i = 0; i < N; i++) {
      const ci = signedRankInterval(Array.from({ length: 12 }, () => 0.7 + rng.normal()), 0.05)!
      if (ci[0] <= 0.7 && 0.7 <= ci[1]) covered++
    }
    expect(covered / N).toBeGreaterThanOrEqual(0.94)
    expect(smallestPairedP(5)).toBe(0.0625)
    expect(smallestPairedP(6)).toBe(0.03125)
    expect(pairedSignedRank([0, 0, 0]).p).toBe(1)
    expect(signedRankInterval([1, 2, 3, 4, 5], 0.05)).toBeNull() // 2⁻⁵ > 0.025: no bounded 95% interval from 5 pairs
  })

  it('counts ties against the effect: never a smaller p than the test that drops the zeros', () => {
    // Six equal pairs and six all one way: dropping the zeros would give 2/2⁶ = 0.031; counted, they give more.
    const d = [0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6]
    expect(pairedSignedRank(d).p).toBeGreaterThan(0.031)
    expect(pairedSignedRank(d).zeros).toBe(6)
  })

  it('passes from the exact distribution to the normal approximation past 400 pairs without a jump', () => {
    const n = SIGNED_RANK_EXACT_PAIRS, M = (n * (n + 1)) / 2
    const mu = M / 2, sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24)
    for (const z of [2.58, 1.96, 0.67]) {
      const w = Math.round(mu - z * sigma)
      expect(Math.abs(signedRankNullCdf(n, w) - normalCdf((w + 0.5 - mu) / sigma))).toBeLessThan(5e-4)
    }
    const big = Array.from({ length: 1200 }, (_, i) => ((i * 37) % 23) - 10.5 + 0.3)
    const r = pairedSignedRank(big)
    expect(r.exact).toBe(false)
    const ci = signedRankInterval(big, 0.05)!
    expect(ci[0] > 0 || ci[1] < 0).toBe(r.p <= 0.05)
    expect(ci[0]).toBeLessThan(r.estimate)
    expect(ci[1]).toBeGreaterThan(r.estimate)
  })
})

describe("Holm's step-down procedure", () => {
  it('rejects in order while p₍ⱼ₎ ≤ α/(m − j + 1), and gives each hypothesis the level it was decided at', () => {
    const p = [0.01, 0.04, 0.001, 0.03, 0.2]
    const d = holmDecisions(p, 0.05)
    // sorted: 0.001 (≤ 0.01), 0.01 (≤ 0.0125), 0.03 (> 0.0167): stop
    expect(d.rejected).toEqual([true, false, true, false, false])
    expect(d.level).toEqual([0.05 / 4, 0.05 / 3, 0.05 / 5, 0.05 / 3, 0.05 / 3])
    expect(d.adjusted.map((x) => Math.round(x * 1e6) / 1e6)).toEqual([0.04, 0.09, 0.005, 0.09, 0.2])
    for (let i = 0; i < p.length; i++) expect(d.rejected[i]).toBe(d.adjusted[i] <= 0.05)
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

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }
