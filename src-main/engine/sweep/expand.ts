// A validated spec → the list of runs it stands for.

import { Rng } from '../rng'
import type { RunConfig } from '../run-config'
import { DEFAULT_SETTINGS, INTEGER_SETTINGS, type Range, type SettingName, type Settings, type SweepSpec } from './spec'

type Point = Partial<Settings>

/**
 * Configurations (grid: the cartesian product of the axes in the order written; random: `samples`
 * draws), then repeats: run r of every configuration has seed spec.seed + r, so that cells are
 * compared on the same seeds, and repeats are the outer loop, so that a partial sweep already
 * holds every configuration once.
 */
export function expandSweep(spec: SweepSpec): RunConfig[] {
  const points = spec.strategy === 'grid' ? grid(spec) : random(spec)
  const steps = spec.budget.steps, seconds = spec.budget.seconds
  const runs: RunConfig[] = []
  for (let r = 0; r < spec.repeats; r++) {
    for (const p of points) {
      const s = { ...DEFAULT_SETTINGS, ...spec.settings, ...p }
      runs.push({
        ...s,
        seed: spec.seed + r,
        dataSeed: spec.seed,
        steps, seconds,
        evalEvery: spec.evalEvery ?? (steps > 0 ? Math.max(1, Math.round(steps / 20)) : 50),
        warmupSteps: spec.warmupSteps,
        gradFlowEvery: spec.gradFlowEvery ?? (steps > 0 ? Math.max(1, Math.round(steps / 10)) : 100),
        target: spec.target,
        threads: spec.threads,
      })
    }
  }
  return runs
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
function draw(r: Range, rng: Rng, wholeNumber: boolean): number {
  const u = rng.uniform()
  const v = r.log ? Math.exp(Math.log(r.min) + u * (Math.log(r.max) - Math.log(r.min))) : r.min + u * (r.max - r.min)
  return r.integer || wholeNumber ? Math.min(r.max, Math.max(r.min, Math.round(v))) : Math.min(r.max, Math.max(r.min, v))
}
