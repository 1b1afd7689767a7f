// The matched design behind every verdict: a pair is two finished runs that differ only in the
// cell. Same task and task settings, backend, machine, sequence length, batch, optimizer and every
// other setting, and the same seed (so the same training batches and validation set); the hidden
// size equal, or with parameter matching the closest sizes within a parameter ratio of 1.25. Each
// run is used at most once per pair of cells, and nothing depends on the order the cells are
// listed in. docs/REPORTS.md explains why.

import { groupBy } from '../../src-shared/collections'
import { COMPARED_SETTING, DATA_SETTINGS, MATCHED_SETTINGS, SPEED_ONLY_SETTINGS } from '../../src-shared/settings'
import { machineId } from '../engine/environment'
import type { RunConfig } from '../engine/run-config'
import type { CellKind } from '../engine/types'
import type { FinishedRun, VerdictRun } from '../model/runs'
import type { MatchedPair, Matching, PairSetting } from '../model/verdicts'

export type { FinishedRun, MatchedPair, Matching, PairSetting, VerdictRun }

export const MATCHINGS: readonly Matching[] = ['hidden', 'params']

/** Parameter matching pairs hidden sizes whose parameter counts differ by at most this ratio (max / min). */
export const PARAMS_RATIO_LIMIT = 1.25

export const isFinishedRun = (r: VerdictRun): r is FinishedRun => r.status === 'done' && r.figures !== null

/** Settings a pair's configuration is described by, and that a verdict may be split by. */
/**
 * The registry's settings that pairs share (all but the compared cell, and but the data file's
 * reading, which the task already names), then the machine and the threads, which decide only how fast.
 */
export const PAIR_SETTINGS: readonly PairSetting[] = [
  ...(MATCHED_SETTINGS.filter((k) => !DATA_SETTINGS.includes(k)) as PairSetting[]), 'machine', 'threads',
]
/** What changes only how fast a pair runs, not what it computes: the registry's `speed` settings, the threads and the machine. */
const SPEED_ONLY: readonly string[] = [...SPEED_ONLY_SETTINGS, 'threads']

/** The setting values that describe a pair; the hidden size as "64" or, matched by parameters, "64~56". */
export function pairSettings(a: FinishedRun, b: FinishedRun): Record<PairSetting, string> {
  const out = {} as Record<PairSetting, string>
  for (const k of PAIR_SETTINGS) {
    if (k === 'machine') out[k] = machineId(a.environment)
    else if (k === 'seqLen') out[k] = String(a.figures.task.seqLen)
    else if (k === 'hiddenSize') out[k] = a.config.hiddenSize === b.config.hiddenSize ? String(a.config.hiddenSize) : `${a.config.hiddenSize}~${b.config.hiddenSize}`
    else out[k] = String(a.config[k as keyof RunConfig] ?? '')
  }
  return out
}

/**
 * Everything about a run that its partner must share, but the cell, the seed and its validation
 * draw (paired apart: see matchPairs) and (by parameters) the hidden size: a configuration.
 */
function sharedKey(r: FinishedRun, matching: Matching): string {
  const { [COMPARED_SETTING]: _cell, seed: _seed, dataSeed: _data, hiddenSize, ...rest } = r.config
  return JSON.stringify([sortedSettings(rest), machineId(r.environment), matching === 'hidden' ? hiddenSize : null])
}

/** The settings that decide what a run computes (the engine, its threads and the machine decide only how fast). */
function computationKey(r: FinishedRun, ha: number, hb: number): string {
  const { [COMPARED_SETTING]: _cell, seed: _seed, dataSeed: _data, hiddenSize: _h, ...rest } = r.config
  const computed = Object.fromEntries(Object.entries(rest).filter(([k]) => !SPEED_ONLY.includes(k)))
  return JSON.stringify([sortedSettings(computed), ha, hb])
}

function sortedSettings(settings: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined).sort(([x], [y]) => (x < y ? -1 : 1)))
}

/**
 * The matched pairs of cells `a` and `b` among `runs` (finished runs only). Pairs come back with
 * `a`'s run first; the set of pairs is the same whichever cell is named first.
 */
export function matchPairs(runs: FinishedRun[], a: CellKind, b: CellKind, matching: Matching): MatchedPair[] {
  const byKey = (cell: CellKind) => groupBy(runs.filter((r) => r.config.cell === cell), (r) => sharedKey(r, matching))
  const aByKey = byKey(a), bByKey = byKey(b)
  const pairs: MatchedPair[] = []
  for (const [key, aRuns] of aByKey) {
    const bRuns = bByKey.get(key)
    if (!bRuns) continue
    for (const [ha, hb] of matchSizes(aRuns, bRuns, matching)) {
      const configuration = `${key}|${ha}|${hb}`
      // A pair shares its seed and its validation draw: the same batches, weights and items.
      const seedKey = (r: FinishedRun) => `${r.config.seed}|${r.config.dataSeed}`
      const aBySeed = groupBy(aRuns.filter((r) => r.config.hiddenSize === ha), seedKey)
      const bBySeed = groupBy(bRuns.filter((r) => r.config.hiddenSize === hb), seedKey)
      for (const [seed, as] of aBySeed) {
        const bs = bBySeed.get(seed)
        if (!bs) continue
        // Duplicates of one configuration and seed (an import, a random draw twice): in order, each once.
        const byIdx = (x: FinishedRun, y: FinishedRun) => x.idx - y.idx || x.id - y.id
        as.sort(byIdx); bs.sort(byIdx)
        for (let i = 0; i < Math.min(as.length, bs.length); i++) {
          pairs.push({ a: as[i], b: bs[i], configuration, computation: computationKey(as[i], ha, hb), settings: pairSettings(as[i], bs[i]) })
        }
      }
    }
  }
  return pairs
}

/**
 * Which hidden size of one cell goes with which of the other. At equal hidden size, the same.
 * By parameters: every pair of sizes within the ratio limit, closest first (ties broken by the
 * smaller, then the larger count, both symmetric in the cells), each size used once.
 */
function matchSizes(aRuns: FinishedRun[], bRuns: FinishedRun[], matching: Matching): Array<[number, number]> {
  const sizes = (rs: FinishedRun[]) => new Map(rs.map((r) => [r.config.hiddenSize, r.figures.parameterCount]))
  const aSizes = sizes(aRuns), bSizes = sizes(bRuns)
  if (matching === 'hidden') return [...aSizes.keys()].filter((h) => bSizes.has(h)).map((h) => [h, h])
  const candidates: Array<{ ha: number; hb: number; distance: number; lo: number; hi: number }> = []
  for (const [ha, pa] of aSizes) {
    for (const [hb, pb] of bSizes) {
      const lo = Math.min(pa, pb), hi = Math.max(pa, pb)
      if (lo > 0 && hi / lo <= PARAMS_RATIO_LIMIT) candidates.push({ ha, hb, distance: Math.log(hi / lo), lo, hi })
    }
  }
  // Every key is symmetric in the two cells, down to the last tie-break (sizes with equal counts).
  candidates.sort((x, y) => x.distance - y.distance || x.lo - y.lo || x.hi - y.hi || Math.abs(x.ha - x.hb) - Math.abs(y.ha - y.hb) || Math.min(x.ha, x.hb) - Math.min(y.ha, y.hb))
  const usedA = new Set<number>(), usedB = new Set<number>(), out: Array<[number, number]> = []
  for (const c of candidates) {
    if (usedA.has(c.ha) || usedB.has(c.hb)) continue
    usedA.add(c.ha); usedB.add(c.hb)
    out.push([c.ha, c.hb])
  }
  return out
}
