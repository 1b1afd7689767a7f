// Expected best performance against the tuning budget (Dodge, Gururangan, Card, Schwartz & Smith
// 2019, "Show Your Work: Improved Reporting of Experimental Results", EMNLP): from N observed trials
// of one model, the expected best validation metric that n = 1 … N trials would find, drawing the
// n trials with replacement from the N observed. Exact, not simulated: with the trials sorted from
// worst to best, v₍₁₎ … v₍N₎, the best of n draws is v₍ᵢ₎ with probability (i/N)ⁿ − ((i−1)/N)ⁿ.
// Which model is ahead can depend on the budget; the curves show where. A seeded bootstrap over
// the trials gives each point a band.

import { quantile } from 'simple-statistics'
import { Rng } from '../engine/rng'

/** The expected best of n = 1 … N draws from `trials` (finite values only); better is lower when `lowerIsBetter`. */
export function expectedBest(trials: number[], lowerIsBetter: boolean): number[] {
  const v = trials.filter(Number.isFinite).sort((a, b) => (lowerIsBetter ? b - a : a - b)) // worst first
  const N = v.length
  return Array.from({ length: N }, (_, k) => {
    const n = k + 1
    let e = 0
    for (let i = 1; i <= N; i++) e += v[i - 1] * ((i / N) ** n - ((i - 1) / N) ** n)
    return e
  })
}

export interface ExpectedBestCurve {
  /** Expected best of n trials, n = 1 … N. */
  values: number[]
  /** 95% bootstrap band of each point (the trials resampled with replacement). */
  band: Array<[number, number]>
}

/** The curve with its band; `seed` makes the band reproducible. */
export function expectedBestCurve(trials: number[], lowerIsBetter: boolean, seed = 1, resamples = 2000): ExpectedBestCurve {
  const v = trials.filter(Number.isFinite)
  const values = expectedBest(v, lowerIsBetter)
  if (v.length < 2) return { values, band: values.map((x) => [x, x]) }
  const rng = new Rng(seed)
  const curves = Array.from({ length: resamples }, () => expectedBest(v.map(() => v[rng.int(v.length)]), lowerIsBetter))
  const band = values.map((_, k): [number, number] => {
    const at = curves.map((c) => c[k])
    return [quantile(at, 0.025), quantile(at, 0.975)]
  })
  return { values, band }
}
