// Statistics over repeats (seeds): descriptive figures with a bootstrap confidence interval, the
// Wilcoxon signed-rank test for matched pairs with its Hodges–Lehmann estimate and the interval
// that inverts it (the verdicts' inference), and Holm's step-down correction across a family. Descriptive formulas come from simple-statistics; the test's exact
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

// ─── The verdicts' inference: Walsh averages ────────────────────────────────────────────────────
// For n paired differences d, the Walsh averages are (dᵢ + dⱼ)/2 over i ≤ j: M = n(n+1)/2 of them.
// Their median is the Hodges–Lehmann estimate of the shift; the count of positive ones is the
// Wilcoxon statistic W⁺ (Tukey); and the interval between the k-th smallest and the k-th largest is
// the exact confidence interval that inverts the signed-rank test (Hollander, Wolfe & Chicken,
// Nonparametric Statistical Methods, 3rd ed., §3.2). The p-value below is defined from the same
// counts, so that "significant at level α" and "the 1 − α interval excludes 0" are one statement,
// even with ties: a Walsh average of exactly 0 counts against the effect (conservative).

/** Largest n whose null distribution of W is enumerated exactly; past it, the normal approximation. */
export const SIGNED_RANK_EXACT_PAIRS = 400

const cdfCache = new Map<number, Float64Array>()

/** P(W ≤ w) for the signed-rank statistic of n untied pairs under the null, for w = 0 … n(n+1)/2. */
function signedRankCdf(n: number): Float64Array {
  const cached = cdfCache.get(n)
  if (cached) return cached
  const M = (n * (n + 1)) / 2
  const prob = new Float64Array(M + 1)
  prob[0] = 1
  let reach = 0
  for (let r = 1; r <= n; r++) {
    // Each rank r takes a + sign with probability ½: prob'[s] = ½ prob[s] + ½ prob[s − r].
    for (let s = reach + r; s >= 0; s--) prob[s] = 0.5 * prob[s] + (s >= r ? 0.5 * prob[s - r] : 0)
    reach += r
  }
  for (let s = 1; s <= M; s++) prob[s] += prob[s - 1]
  cdfCache.set(n, prob)
  return prob
}

/** P(W ≤ w) for n pairs: exact up to SIGNED_RANK_EXACT_PAIRS, then normal with a continuity correction. */
export function signedRankNullCdf(n: number, w: number): number {
  if (w < 0) return 0
  const M = (n * (n + 1)) / 2
  if (w >= M) return 1
  if (n <= SIGNED_RANK_EXACT_PAIRS) return Math.min(1, signedRankCdf(n)[Math.floor(w)])
  const mu = M / 2, sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24)
  return normalCdf((Math.floor(w) + 0.5 - mu) / sigma)
}

/** #{i ≤ j : dᵢ + dⱼ < s} (strict) or ≤ s, over d sorted ascending: two pointers, O(n). */
function countSums(d: Float64Array, s: number, inclusive: boolean): number {
  const n = d.length
  let count = 0, hi = n // hi: the first j with d_i + d_j past s, for the current i (it only moves left as i grows)
  for (let i = 0; i < n; i++) {
    while (hi > 0 && (inclusive ? d[i] + d[hi - 1] > s : d[i] + d[hi - 1] >= s)) hi--
    if (hi <= i) break
    count += hi - i
  }
  return count
}

/** The k-th smallest Walsh average (1-based), by bisection on the pair sums, then the exact sum. */
function kthWalsh(d: Float64Array, k: number): number {
  const n = d.length
  let lo = 2 * d[0], hi = 2 * d[n - 1]
  if (countSums(d, lo, true) >= k) return lo / 2
  for (let it = 0; it < 2000; it++) {
    const mid = lo + (hi - lo) / 2
    if (mid <= lo || mid >= hi) break
    if (countSums(d, mid, true) >= k) hi = mid
    else lo = mid
  }
  // The largest pair sum not above hi is the k-th: no sum lies in (lo, hi) once they are adjacent.
  let best = -Infinity, j = n - 1
  for (let i = 0; i < n; i++) {
    while (j >= i && d[i] + d[j] > hi) j--
    if (j < i) break
    best = Math.max(best, d[i] + d[j])
  }
  return best / 2
}

export interface PairedInference {
  /** Pairs, zeros included. */
  n: number
  /** Differences of exactly 0. */
  zeros: number
  positive: number
  negative: number
  /** The Hodges–Lehmann estimate: the median of the Walsh averages. */
  estimate: number
  /** Two-sided p of the signed-rank test, from the Walsh-average counts (ties count against the effect). */
  p: number
  /** Whether p comes from the exact null distribution (n ≤ SIGNED_RANK_EXACT_PAIRS). */
  exact: boolean
}

const sortedFinite = (differences: number[]) => Float64Array.from(finite(differences)).sort()

/**
 * The signed-rank test of "the differences are symmetric about 0" with its Hodges–Lehmann
 * estimate. p = 2·P(W ≤ min(N⁻, N⁺) + N⁰), where N⁻, N⁰, N⁺ count the Walsh averages below, at and
 * above 0: the exact Wilcoxon test when nothing ties, and never below it when something does.
 */
export function pairedSignedRank(differences: number[]): PairedInference {
  const d = sortedFinite(differences)
  const n = d.length
  if (n === 0) return { n, zeros: 0, positive: 0, negative: 0, estimate: NaN, p: 1, exact: true }
  const M = (n * (n + 1)) / 2
  const below = countSums(d, 0, false), atOrBelow = countSums(d, 0, true)
  const zeros = atOrBelow - below, above = M - atOrBelow
  const p = Math.min(1, 2 * signedRankNullCdf(n, Math.min(below, above) + zeros))
  const estimate = M % 2 === 1 ? kthWalsh(d, (M + 1) / 2) : (kthWalsh(d, M / 2) + kthWalsh(d, M / 2 + 1)) / 2
  let positive = 0, negative = 0
  for (const v of d) { if (v > 0) positive++; else if (v < 0) negative++ }
  return { n, zeros: n - positive - negative, positive, negative, estimate, p, exact: n <= SIGNED_RANK_EXACT_PAIRS }
}

/**
 * The 1 − α confidence interval of the shift that inverts pairedSignedRank: the k-th smallest and
 * k-th largest Walsh averages, k the largest with P(W ≤ k − 1) ≤ α/2. It excludes 0 exactly when
 * the test's p ≤ α. Null when n pairs are too few for any bounded interval at this level (2⁻ⁿ > α/2).
 */
export function signedRankInterval(differences: number[], alpha: number): [number, number] | null {
  const d = sortedFinite(differences)
  const n = d.length
  if (n === 0 || signedRankNullCdf(n, 0) > alpha / 2) return null
  const M = (n * (n + 1)) / 2
  // Largest k with cdf(k − 1) ≤ α/2, by bisection on the monotone cdf.
  let lo = 1, hi = Math.floor((M + 1) / 2)
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (signedRankNullCdf(n, mid - 1) <= alpha / 2) lo = mid
    else hi = mid - 1
  }
  return [kthWalsh(d, lo), kthWalsh(d, M + 1 - lo)]
}

/** The smallest two-sided p that n pairs can give (every sign alike): 2 / 2ⁿ. */
export const smallestPairedP = (n: number): number => Math.min(1, 2 / 2 ** n)

export interface HolmDecision {
  /** Holm-adjusted p, in the input order. */
  adjusted: number[]
  /** Rejected by the step-down procedure: p₍ⱼ₎ ≤ α / (m − j + 1) for every j up to its rank. */
  rejected: boolean[]
  /**
   * The level each hypothesis was decided at: α / (m − r + 1) at its rank r, or at the rank of the
   * first hypothesis not rejected for those from there on. An interval at this level excludes the
   * null value exactly when the hypothesis is rejected (the test and the interval agree).
   */
  level: number[]
}

/** Holm's step-down procedure at α over a family of p-values (any dependence between them). */
export function holmDecisions(pValues: number[], alpha: number): HolmDecision {
  const m = pValues.length
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const adjusted = holm(pValues)
  const rejected = new Array<boolean>(m).fill(false)
  const level = new Array<number>(m).fill(alpha)
  let stopped = -1 // rank (0-based) of the first hypothesis not rejected
  order.forEach(([p, i], rank) => {
    if (stopped < 0 && p <= alpha / (m - rank)) rejected[i] = true
    else if (stopped < 0) stopped = rank
    level[i] = alpha / (m - (stopped < 0 ? rank : stopped))
  })
  return { adjusted, rejected, level }
}
