// A tuned sweep (the spec's `tune`): each cell tuned with the same budget, then judged on data the
// tuning never saw. Two phases:
// 1. Trials. The search space is every axis but the cell and the axes that say what is learned
//    and where (the task and its data settings, the backend): `trials` points drawn at random
//    over it (log scales where the spec says log), the same points and seeds for every cell. All
//    trials share one data seed, so each cell's trials are ranked on one validation set.
// 2. Re-runs. Each cell's best trial on validation (per task, data settings and backend) is run
//    again with `finalSeeds` fresh seeds, on the same data seed, so its test split is the one no
//    trial was chosen on; the test metric judges it. Planned when every trial has finished,
//    because what it runs depends on them.
// Selection reads only validation figures (finalMetric, finalValLoss), never RunFigures.test.

import { Rng } from '../rng'
import type { RunConfig, TuneRole } from '../run-config'
import type { RunFigures } from '../training'
import { isCrossedSetting, SETTINGS, type SettingName } from '../../../src-shared/settings'
import { crossedCombinations, type SweepSpec } from './spec'
import { FAMILY_ALPHA, FEWEST_USEFUL_SEEDS } from '../../../src-shared/ranges'

export type TuneSpec = NonNullable<SweepSpec['tune']>

export { isCrossedSetting }


/** Trial j's seed is spec.seed + j; re-run i's is spec.seed + trials + i: never a trial's. */
export const finalSeed = (spec: Pick<SweepSpec, 'seed'>, tune: TuneSpec, i: number): number => spec.seed + tune.trials + i

/** What the spec check says of a tune that will run but cannot answer well. */
export function tuneWarnings(spec: SweepSpec): string[] {
  const t = spec.tune
  if (!t) return []
  const out: string[] = []
  if (t.finalSeeds < FEWEST_USEFUL_SEEDS) out.push(`tune.finalSeeds is ${t.finalSeeds}: the tuned verdicts pair seed i of each cell, and fewer than ${FEWEST_USEFUL_SEEDS} pairs can never reach p < 0.05 in an exact two-sided signed-rank test; 8 is the default`)
  const searched = Object.entries(spec.axes).filter(([k, v]) => v !== undefined && k !== 'cell' && !isCrossedSetting(k as SettingName))
  if (!searched.length) out.push('tune has no search space: every axis is the cell, the task, its data settings or the backend, so every trial of a cell is the same configuration (only the seed differs)')
  // Holm's first step asks p ≤ α / m of the family's m tests; K pairs give at best p = 2 / 2^K.
  const tests = familySize(spec)
  const needed = seedsFor(tests)
  if (t.finalSeeds >= FEWEST_USEFUL_SEEDS && t.finalSeeds < needed) {
    out.push(`tune.finalSeeds is ${t.finalSeeds}: the report will test about ${tests} comparisons under Holm's adjustment, and ${t.finalSeeds} pairs give at best p = ${(2 / 2 ** t.finalSeeds).toPrecision(2)}, above ${(FAMILY_ALPHA / tests).toPrecision(2)}, so no tuned verdict could be significant; ${needed} final seeds could`)
  }
  return out
}

/**
 * The tests a tuned sweep's report holds, before any value is known: each pair of cells on each
 * crossed combination's test metric, and on the trials' step time per backend (when the trials
 * give it the 6 pairs a test needs).
 */
export function familySize(spec: SweepSpec): number {
  const count = (k: string) => { const v = (spec.axes as Record<string, unknown>)[k]; return Array.isArray(v) ? v.length : 1 }
  const cells = count('cell'), pairsOfCells = (cells * (cells - 1)) / 2
  const crossed = crossedCombinations(spec)
  const trialPairsPerBackend = spec.tune!.trials * (crossed / count('backend'))
  return pairsOfCells * crossed + (trialPairsPerBackend >= FEWEST_USEFUL_SEEDS ? pairsOfCells * count('backend') : 0)
}

/** The fewest pairs whose exact two-sided signed-rank test can pass Holm's first step among `tests`. */
export const seedsFor = (tests: number): number => Math.max(FEWEST_USEFUL_SEEDS, Math.ceil(Math.log2((2 * tests) / FAMILY_ALPHA)))

/** A trial as selection sees it: its configuration, status and validation figures only. */
export interface TrialResult {
  config: RunConfig
  status: string
  figures: Pick<RunFigures, 'finalMetric' | 'finalValLoss' | 'metric'> | null
}

/** The crossed combination a run belongs to (its task and data settings, its backend): each is tuned on its own. */
export function crossedKey(c: RunConfig): string {
  return JSON.stringify(Object.fromEntries(Object.entries(c).filter(([k, v]) => v !== undefined && k in SETTINGS && isCrossedSetting(k as SettingName)).sort(([x], [y]) => (x < y ? -1 : 1))))
}

/** The crossed combination and cell a run belongs to: the unit a choice is made in. */
export const tuneGroupKey = (c: RunConfig): string => JSON.stringify([crossedKey(c), c.cell])

/** The value a trial is ranked by (lower is better), NaN when it has none (diverged, or not finished). */
export function selectionValue(r: TrialResult, tune: TuneSpec): number {
  if (r.status !== 'done' || !r.figures) return NaN
  if (tune.metric === 'validation-loss') return r.figures.finalValLoss
  return r.figures.metric.lowerIsBetter ? r.figures.finalMetric : -r.figures.finalMetric
}

export interface TunedChoice {
  group: string
  /** The chosen trial's index and configuration; null when every trial of the group diverged. */
  trial: number | null
  config: RunConfig | null
  /** Trials of the group that diverged or ended without a finite validation figure. */
  unusable: number
}

/**
 * Each cell's best trial per crossed combination, by validation alone: the lowest selection value,
 * the earliest trial on a tie. Trials that diverged are never chosen.
 */
export function chooseTrials(trials: TrialResult[], tune: TuneSpec): TunedChoice[] {
  const groups = new Map<string, TrialResult[]>()
  for (const t of trials) {
    if (t.config.tune?.phase !== 'trial') continue
    const key = tuneGroupKey(t.config)
    groups.set(key, [...(groups.get(key) ?? []), t])
  }
  return [...groups].map(([group, ts]) => {
    let best: TrialResult | null = null, bestValue = Infinity, unusable = 0
    for (const t of [...ts].sort((x, y) => trialOf(x) - trialOf(y))) {
      const v = selectionValue(t, tune)
      if (!Number.isFinite(v)) { unusable++; continue }
      if (v < bestValue) { best = t; bestValue = v }
    }
    return { group, trial: best ? trialOf(best) : null, config: best?.config ?? null, unusable }
  })
}

const trialOf = (t: TrialResult) => (t.config.tune as Extract<TuneRole, { phase: 'trial' }>).trial

/**
 * Phase 2: each chosen configuration with the final seeds, in the order of phase 1's groups and
 * a random cell order per seed. Same data seed as the trials: the test split stays the one that
 * no trial was ranked on.
 */
export function finalConfigs(spec: SweepSpec, choices: TunedChoice[]): RunConfig[] {
  const tune = spec.tune!
  const order = new Rng((spec.seed ^ 0x5eedf17a) >>> 0)
  const chosen = choices.filter((c): c is TunedChoice & { config: RunConfig; trial: number } => c.config !== null)
  const byCrossed = new Map<string, typeof chosen>()
  for (const c of chosen) {
    const key = crossedKey(c.config)
    byCrossed.set(key, [...(byCrossed.get(key) ?? []), c])
  }
  const runs: RunConfig[] = []
  for (let i = 0; i < tune.finalSeeds; i++) {
    const seed = finalSeed(spec, tune, i)
    for (const group of byCrossed.values()) {
      for (const c of order.shuffle([...group])) runs.push({ ...c.config, seed, dataSeed: c.config.dataSeed, tune: { phase: 'final', trial: c.trial, seedIndex: i } })
    }
  }
  return runs
}
