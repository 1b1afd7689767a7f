// Statistics over repeats (seeds): descriptive figures with a bootstrap confidence interval, the
// Wilcoxon signed-rank test for matched pairs (the verdicts' test), and Holm's correction across the
// comparisons of one question. Descriptive formulas come from simple-statistics; the test's exact
// null distribution and the bootstraps (seeded, so a report is reproducible) are written here,
// because the library has no exact signed-rank distribution with ties and only an unseeded bootstrap.


import { errorFunction, interquartileRange, mean, median, quantile, sampleStandardDeviation } from 'simple-statistics'
import { Rng } from '../engine/rng'
import type { Describe } from '../model/reports'

export type { Describe }

const finite = (xs: number[]) => xs.filter(Number.isFinite)

/** Resamples for bootstrap intervals: enough for a stable 2.5% tail at report precision. */
export const BOOTSTRAP_RESAMPLES = 4000

/** Median, IQR, mean ± std and a bootstrap CI of the median, over the finite values. */
export function describe(values: number[], seed = 1): Describe {
  const xs = finite(values)
  if (!xs.length) return { n: 0, median: NaN, iqr: NaN, mean: NaN, std: NaN, ci95: [NaN, NaN] }
  return {
    n: xs.length,
    median: median(xs),
    iqr: xs.length > 1 ? interquartileRange(xs) : 0,
    mean: mean(xs),
    std: xs.length > 1 ? sampleStandardDeviation(xs) : NaN,
    ci95: bootstrapCi([xs], ([s]) => median(s), seed),
  }
}

/**
 * 95% percentile bootstrap interval of `statistic` over samples resampled independently (each with
 * replacement, at its own size). Seeded: the same data give the same interval.
 */
export function bootstrapCi(samples: number[][], statistic: (resampled: number[][]) => number, seed = 1, resamples = BOOTSTRAP_RESAMPLES): [number, number] {
  if (samples.some((s) => s.length === 0)) return [NaN, NaN]
  const rng = new Rng(seed)
  const stats: number[] = []
  const buffers = samples.map((s) => new Array<number>(s.length))
  for (let b = 0; b < resamples; b++) {
    samples.forEach((s, k) => { for (let i = 0; i < s.length; i++) buffers[k][i] = s[rng.int(s.length)] })
    const v = statistic(buffers)
    if (Number.isFinite(v)) stats.push(v)
  }
  if (!stats.length) return [NaN, NaN]
  return [quantile(stats, 0.025), quantile(stats, 0.975)]
}

/** Standard normal CDF. */
export function normalCdf(z: number): number {
  return 0.5 * (1 + errorFunction(z / Math.SQRT2))
}

/** Sizes of the groups of equal values (only groups of two or more). */
function tieGroups(values: number[]): number[] {
  const counts = new Map<number, number>()
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
  return [...counts.values()].filter((c) => c > 1)
}

/**
 * Holm's step-down adjustment: p-values a family of comparisons can be read against α without
 * their number inflating false positives. Returns adjusted p-values in the input order.
 */
export function holm(pValues: number[]): number[] {
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0])
  const adjusted = new Array<number>(pValues.length)
  let running = 0
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (pValues.length - rank) * p))
    adjusted[i] = Number.isFinite(p) ? running : NaN
  })
  return adjusted
}

export interface SignedRank {
  /** W⁺: the sum of the ranks of the positive differences (ties at their mean rank). */
  wPlus: number
  /** Two-sided p-value: twice the smaller tail of W⁺'s null distribution, at most 1. */
  p: number
  exact: boolean
  /** Differences that were not zero, and so were ranked. */
  n: number
  /** Differences that were exactly zero: left out (SciPy's zero_method "wilcox"). */
  zeros: number
  /**
   * Matched-pairs rank-biserial correlation, (W⁺ − W⁻) / (W⁺ + W⁻), in [−1, 1]: 1 when every
   * difference is positive, 0 when the ranks balance.
   */
  effect: number
}

/** Largest number of non-zero differences whose null distribution is enumerated exactly. */
export const SIGNED_RANK_EXACT_LIMIT = 400

/**
 * The Wilcoxon signed-rank test of "the differences are symmetric about 0", two-sided. Zeros are
 * dropped; tied |differences| share their mean rank. Up to SIGNED_RANK_EXACT_LIMIT differences
 * the null distribution is exact even with ties: every one of the 2ⁿ sign assignments of the
 * observed ranks is counted, by dynamic programming over the doubled ranks (integers). Past that,
 * the normal approximation with the tie correction to the variance, accurate at such sizes.
 */
export function wilcoxonSignedRank(differences: number[]): SignedRank {
  const d = finite(differences)
  const nonzero = d.filter((v) => v !== 0)
  const n = nonzero.length, zeros = d.length - n
  if (n === 0) return { wPlus: 0, p: 1, exact: true, n, zeros, effect: 0 }
  const doubled = doubledMidranks(nonzero.map(Math.abs))
  let wPlus2 = 0
  nonzero.forEach((v, i) => { if (v > 0) wPlus2 += doubled[i] })
  const total2 = doubled.reduce((s, r) => s + r, 0)
  const effect = (2 * wPlus2 - total2) / total2
  if (n <= SIGNED_RANK_EXACT_LIMIT) {
    // prob[s]: probability that the doubled ranks with a + sign sum to s, each sign a fair coin.
    let prob = new Float64Array(total2 + 1)
    prob[0] = 1
    let reach = 0
    for (const r of doubled) {
      const next = new Float64Array(total2 + 1)
      for (let s = 0; s <= reach; s++) {
        const q = prob[s]
        if (q === 0) continue
        next[s] += 0.5 * q
        next[s + r] += 0.5 * q
      }
      reach += r
      prob = next
    }
    let below = 0, above = 0
    for (let s = 0; s <= total2; s++) {
      if (s <= wPlus2) below += prob[s]
      if (s >= wPlus2) above += prob[s]
    }
    return { wPlus: wPlus2 / 2, p: Math.min(1, 2 * Math.min(below, above)), exact: true, n, zeros, effect }
  }
  const ranks = doubled.map((r) => r / 2)
  const mu = (n * (n + 1)) / 4
  const tieTerm = tieGroups(ranks).reduce((s, t) => s + (t ** 3 - t), 0) / 48
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm)
  const z = sigma === 0 ? 0 : Math.abs(wPlus2 / 2 - mu) / sigma
  return { wPlus: wPlus2 / 2, p: Math.min(1, 2 * (1 - normalCdf(z))), exact: false, n, zeros, effect }
}

/**
 * The smallest two-sided p the signed-rank test can give n non-zero differences: every sign
 * alike, 2 / 2ⁿ. At n ≤ 5 it is 0.0625 or more: no pattern of 5 pairs is significant at 0.05.
 */
export function smallestSignedRankP(n: number): number {
  return Math.min(1, 2 / 2 ** n)
}

/**
 * Twice the mid-ranks of `values` (1-based, ties at their mean), as integers: values within a
 * relative 1e-9 of each other count as tied, so that ratios equal up to rounding tie as they should.
 */
function doubledMidranks(values: number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0])
  const out = new Array<number>(values.length)
  let i = 0
  while (i < order.length) {
    let j = i
    while (j + 1 < order.length && order[j + 1][0] - order[i][0] <= 1e-9 * Math.abs(order[i][0])) j++
    const doubledRank = i + j + 2 // 2 × mean of the ranks i+1 … j+1
    for (let k = i; k <= j; k++) out[order[k][1]] = doubledRank
    i = j + 1
  }
  return out
}

/**
 * 95% percentile interval of `statistic` over clusters of values (configurations holding their
 * pairs' log ratios), resampled at both levels: the clusters with replacement, then the values
 * within each. With one pair per configuration the spread between configurations is the
 * uncertainty; with several seeds, both count.
 */
export function bootstrapClustersCi(clusters: number[][], statistic: (clusters: number[][]) => number, seed = 1, resamples = BOOTSTRAP_RESAMPLES): [number, number] {
  if (!clusters.length || clusters.some((c) => !c.length)) return [NaN, NaN]
  const rng = new Rng(seed)
  const stats: number[] = []
  for (let b = 0; b < resamples; b++) {
    const resampled = clusters.map(() => clusters[rng.int(clusters.length)]).map((c) => c.map(() => c[rng.int(c.length)]))
    const v = statistic(resampled)
    if (Number.isFinite(v)) stats.push(v)
  }
  if (!stats.length) return [NaN, NaN]
  return [quantile(stats, 0.025), quantile(stats, 0.975)]
}
