// What a design can answer before it runs: the matched pairs each comparison of cells will have,
// and the smallest p an exact two-sided signed-rank test of that many pairs can give (2 / 2ⁿ, all
// pairs on one side). When that is above the level, no verdict of the sweep can be significant,
// whatever the runs show, and the builder and `rnnbench sweep` say so before anything runs.

import { SPEED_ONLY_SETTINGS } from '../../../src-shared/settings'
import { FAMILY_ALPHA } from '../../../src-shared/ranges'
import type { RunConfig } from '../run-config'
import type { SweepSpec } from './spec'

/** The smallest two-sided p of an exact signed-rank test of n pairs. */
export const smallestP = (n: number): number => (n > 0 ? Math.min(1, 2 / 2 ** n) : 1)

export interface DesignPower {
  /** Matched pairs per comparison of two cells on what is learned, per task (engines that compute alike count once). */
  metricPairs: number
  /** Matched pairs per comparison of two cells on step time, per backend. */
  speedPairs: number
  /** About how many comparisons the report will test under one Holm family. */
  tests: number
}

/**
 * Pairs per comparison, counted from the expanded runs: a cell's runs that differ in anything but
 * the engine (for what is learned) or in anything at all (for speed, within a backend), the
 * fewest over the cells, since a pair needs both.
 */
export function designPower(configs: RunConfig[]): DesignPower | null {
  const cells = [...new Set(configs.map((c) => c.cell))]
  if (cells.length < 2) return null
  const key = (c: RunConfig, drop: readonly string[]) => JSON.stringify(Object.entries(c).filter(([k]) => k !== 'cell' && !drop.includes(k)).sort(([a], [b]) => (a < b ? -1 : 1)))
  const fewest = (drop: readonly string[], within: (c: RunConfig) => string) => Math.min(...cells.flatMap((cell) => {
    const mine = configs.filter((c) => c.cell === cell)
    return [...new Set(mine.map(within))].map((w) => new Set(mine.filter((c) => within(c) === w).map((c) => key(c, drop))).size)
  }))
  const backends = new Set(configs.map((c) => c.backend)).size
  const tasks = new Set(configs.map((c) => c.task)).size
  const pairsOfCells = (cells.length * (cells.length - 1)) / 2
  const metricPairs = fewest([...SPEED_ONLY_SETTINGS, 'threads'], (c) => c.task)
  const speedPairs = fewest([], (c) => c.backend)
  // Only comparisons whose pairs can reach the level join the family (Tarone; reports/verdicts.ts):
  // per pair of cells, step time per backend, and each task at equal steps and in equal time (per backend).
  const testable = (n: number) => (smallestP(n) <= FAMILY_ALPHA ? 1 : 0)
  return { metricPairs, speedPairs, tests: Math.max(1, pairsOfCells * (backends * testable(speedPairs) + tasks * (1 + backends) * testable(metricPairs))) }
}

/** The warnings a design earns: comparisons whose pairs can never reach significance, alone or under Holm. */
export function powerWarnings(spec: SweepSpec, configs: RunConfig[]): string[] {
  if (spec.tune) return [] // a tuned sweep's re-runs are judged apart (tuneWarnings)
  const power = designPower(configs)
  if (!power) return []
  const out: string[] = []
  const say = (what: string, n: number) => {
    const p = smallestP(n)
    if (p > FAMILY_ALPHA) out.push(`${what}: each comparison of two cells will have ${n} matched pair${n === 1 ? '' : 's'}, and the smallest p a signed-rank test of ${n} can give is ${p.toPrecision(2)}, above ${FAMILY_ALPHA}, so no such verdict can be significant; add repeats or values`)
    else if (p > FAMILY_ALPHA / power.tests) out.push(`${what}: ${n} matched pairs give at best p = ${p.toPrecision(2)}, and Holm's first step over about ${power.tests} tests asks ${(FAMILY_ALPHA / power.tests).toPrecision(2)}, so a verdict can be significant only if others are too; add repeats for a sure answer`)
  }
  say('what is learned', power.metricPairs)
  say('step time (per backend)', power.speedPairs)
  return out
}
