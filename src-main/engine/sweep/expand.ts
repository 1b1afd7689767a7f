// A validated spec → the list of runs it stands for.

import { Rng } from '../rng'
import type { RunConfig } from '../run-config'
import { isCrossedSetting } from '../../../src-shared/settings'
import { DEFAULT_SETTINGS, INTEGER_SETTINGS, type Range, type SettingName, type Settings, type SweepSpec } from './spec'

type Point = Partial<Settings>

/**
 * How a spec becomes runs. Stored with each sweep (sweeps.expansion), so that a resume or a merge
 * of shards expands an old sweep as it was expanded when it was made.
 * - 1: configurations (every axis, the cell included, grid or random draws) then repeats; every
 *   repeat scored on one validation draw (dataSeed = spec.seed).
 * - 2: matched sets. The configurations are drawn over every axis but the cell (grid or random),
 *   and every cell runs at each, so that random sweeps are paired too; the runs of a set (one
 *   configuration and seed, one run per cell) are next to each other, in a random order drawn
 *   from the sweep's seed, so that no cell is always timed first; repeat r has seed spec.seed + r
 *   and, for the generated tasks, its own validation draw (dataSeed = seed).
 */
export const EXPANSION = 2
export type Expansion = 1 | 2

/**
 * A validated spec → its runs, in order. Repeats are the outer loop, so that a partial sweep
 * already holds every configuration once.
 */
export function expandSweep(spec: SweepSpec, expansion: Expansion = EXPANSION): RunConfig[] {
  if (spec.tune) return expandTrials(spec)
  const runs: RunConfig[] = []
  if (expansion === 1) {
    const points = spec.strategy === 'grid' ? grid(spec) : random(spec)
    for (let r = 0; r < spec.repeats; r++) for (const p of points) runs.push(runOf(spec, p, spec.seed + r, spec.seed))
    return runs
  }
  const cells = cellsOf(spec)
  const others: SweepSpec = { ...spec, axes: { ...spec.axes, cell: undefined } }
  const points = spec.strategy === 'grid' ? grid(others) : random(others)
  const order = new Rng((spec.seed ^ 0x0c3115) >>> 0)
  for (let r = 0; r < spec.repeats; r++) {
    const seed = spec.seed + r
    for (const p of points) for (const cell of order.shuffle([...cells])) runs.push(runOf(spec, { ...p, cell }, seed, seed))
  }
  return runs
}

/**
 * A tuned sweep's first phase (engine/sweep/tune.ts), in order: for each trial, for each
 * combination of the crossed axes (a grid: the task, its data settings, the backend), every cell
 * at that trial's point, in a random order drawn from the sweep's seed. The points are drawn over
 * the other axes; trial j has seed spec.seed + j, and every trial the one data seed spec.seed.
 * The phase that re-runs each cell's best trial is planned from their results (tune.ts).
 */
function expandTrials(spec: SweepSpec): RunConfig[] {
  const tune = spec.tune!
  const all = axes(spec).filter(([k]) => k !== 'cell')
  let groups: Point[] = [{}]
  for (const [k, values] of all.filter(([k]) => isCrossedSetting(k))) groups = groups.flatMap((g) => (values as unknown[]).map((v) => ({ ...g, [k]: v })))
  const searched = all.filter(([k]) => !isCrossedSetting(k))
  const draws = new Rng((spec.seed ^ 0x7a3e5eed) >>> 0)
  const points = Array.from({ length: tune.trials }, () => {
    const p: Point = {}
    for (const [name, values] of searched) (p as Record<string, unknown>)[name] = Array.isArray(values) ? values[draws.int(values.length)] : draw(values, draws, INTEGER_SETTINGS.includes(name))
    return p
  })
  const cells = cellsOf(spec)
  const order = new Rng((spec.seed ^ 0x0c3115) >>> 0)
  const runs: RunConfig[] = []
  points.forEach((p, trial) => {
    for (const g of groups) {
      for (const cell of order.shuffle([...cells])) runs.push({ ...runOf(spec, { ...g, ...p, cell }, spec.seed + trial, spec.seed), tune: { phase: 'trial', trial } })
    }
  })
  return runs
}

/** The cells a spec compares: its cell axis, or its one cell. */
function cellsOf(spec: SweepSpec): Array<Settings['cell']> {
  const axis = spec.axes.cell
  return Array.isArray(axis) ? (axis as Array<Settings['cell']>) : [(spec.settings.cell ?? DEFAULT_SETTINGS.cell) as Settings['cell']]
}

function runOf(spec: SweepSpec, p: Point, seed: number, dataSeed: number): RunConfig {
  const steps = spec.budget.steps, seconds = spec.budget.seconds
  return {
    ...DEFAULT_SETTINGS, ...spec.settings, ...p,
    seed, dataSeed,
    steps, seconds,
    evalEvery: spec.evalEvery ?? (steps > 0 ? Math.max(1, Math.round(steps / 20)) : 50),
    warmupSteps: spec.warmupSteps,
    gradFlowEvery: spec.gradFlowEvery ?? (steps > 0 ? Math.max(1, Math.round(steps / 10)) : 100),
    target: spec.target,
    threads: spec.threads,
  } as RunConfig
}

function axes(spec: SweepSpec): Array<[SettingName, unknown[] | Range]> {
  return (Object.entries(spec.axes) as Array<[SettingName, unknown[] | Range | undefined]>)
    .filter((e): e is [SettingName, unknown[] | Range] => e[1] !== undefined)
    .sort((a, b) => Object.keys(spec.axes).indexOf(a[0]) - Object.keys(spec.axes).indexOf(b[0]))
}

function grid(spec: SweepSpec): Point[] {
  let points: Point[] = [{}]
  for (const [name, values] of axes(spec)) {
    points = points.flatMap((p) => (values as unknown[]).map((v) => ({ ...p, [name]: v })))
  }
  return points
}

function random(spec: SweepSpec): Point[] {
  const rng = new Rng(spec.seed ^ 0x9e3779b9)
  return Array.from({ length: spec.samples! }, () => {
    const p: Point = {}
    for (const [name, values] of axes(spec)) {
      (p as Record<string, unknown>)[name] = Array.isArray(values) ? values[rng.int(values.length)] : draw(values, rng, INTEGER_SETTINGS.includes(name))
    }
    return p
  })
}

/** A value from a range; whole-number settings are drawn as whole numbers, within the bounds. */
export function draw(r: Range, rng: Rng, wholeNumber: boolean): number {
  const u = rng.uniform()
  const v = r.log ? Math.exp(Math.log(r.min) + u * (Math.log(r.max) - Math.log(r.min))) : r.min + u * (r.max - r.min)
  return r.integer || wholeNumber ? Math.min(r.max, Math.max(r.min, Math.round(v))) : Math.min(r.max, Math.max(r.min, v))
}
