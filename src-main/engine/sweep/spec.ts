// The sweep spec: what a user writes (or a preset provides) to compare cells. Validated with zod;
// every error names the field and what would be valid. Documented in docs/SWEEP-SPEC.md.

import { basename } from 'node:path'
import { z } from 'zod'
import { InputError, listed, quoted } from '../errors'
import {
  DEFAULT_SETTINGS, INTEGER_SETTINGS, isCrossedSetting, RANGE_SETTINGS, SETTING_NAMES, SETTINGS,
  type SettingDef, type SettingName, type SettingValues,
} from '../../../src-shared/settings'
import { SPEC_RANGES, type NumericRange } from '../../../src-shared/ranges'

const int = (min: number, max: number) => z.number().int().min(min).max(max)

/** A validator for a numeric range of the registry or of src-shared/ranges.ts, the tables the builder checks against too. */
function ranged(r: NumericRange) {
  let v = r.integer ? z.number().int() : z.number()
  v = r.minExclusive ? v.gt(r.min) : v.min(r.min)
  if (r.max !== Infinity) v = r.maxExclusive ? v.lt(r.max) : v.max(r.max)
  return v
}

/** The validator of one setting, read from its entry in the settings registry. */
function schemaOf(d: SettingDef): z.ZodType {
  switch (d.kind) {
    case 'choice': return z.enum(d.choices as [string, ...string[]])
    case 'integer': case 'number': return ranged(d.range)
    case 'boolean': return z.boolean()
    case 'text': return z.string().min(1).max(d.maxLength)
    case 'text-list': return z.array(z.string().min(1).max(d.maxLength)).min(1).max(d.maxItems)
  }
}

/** Every setting of a run that a sweep may fix or vary, and the values each accepts (typed by the registry's value types). */
export const SETTING_SCHEMAS = Object.fromEntries(SETTING_NAMES.map((k) => [k, schemaOf(SETTINGS[k])])) as { [K in SettingName]: z.ZodType<SettingValues[K]> }

export { DEFAULT_SETTINGS, INTEGER_SETTINGS, SETTING_NAMES, type SettingName }

/** Settings a range {min, max} may be drawn for (random strategy). */
export const NUMERIC_SETTINGS = RANGE_SETTINGS

/** Runs one sweep may hold unless the user raises the limit (`--max-runs`). */
export const DEFAULT_MAX_RUNS = 100_000
export type Settings = SettingValues

/** A numeric range to sample from (random strategy only). */
const rangeSchema = z.strictObject({ min: z.number(), max: z.number(), log: z.boolean().optional(), integer: z.boolean().optional() })
  .refine((r) => r.max >= r.min, { message: 'max must be at least min' })
  .refine((r) => !r.log || r.min > 0, { message: 'a log range needs min > 0' })
export type Range = z.infer<typeof rangeSchema>

const settingsSchema = z.strictObject(
  Object.fromEntries(SETTING_NAMES.map((k) => [k, SETTING_SCHEMAS[k].optional()])) as { [K in SettingName]: z.ZodOptional<z.ZodType<SettingValues[K]>> },
)
const axesSchema = z.strictObject(
  Object.fromEntries(SETTING_NAMES.map((k) => [k, z.union([z.array(SETTING_SCHEMAS[k]).min(1), rangeSchema]).optional()])) as {
    [K in SettingName]: z.ZodOptional<z.ZodUnion<[z.ZodArray<z.ZodType<SettingValues[K]>>, typeof rangeSchema]>>
  },
)

const TOP_LEVEL_FIELDS = ['name', 'strategy', 'samples', 'repeats', 'seed', 'settings', 'axes', 'budget', 'evalEvery', 'warmupSteps', 'gradFlowEvery', 'target', 'threads', 'workers', 'tune']

/** A tuned sweep (engine/sweep/tune.ts): each cell's best of `trials` on validation, re-run with `finalSeeds` seeds and judged on test. */
const tuneSchema = z.strictObject({
  trials: ranged(SPEC_RANGES.trials),
  finalSeeds: ranged(SPEC_RANGES.finalSeeds).default(8),
  /** What ranks the trials: the task's metric on validation, or the validation loss. Never the test split. */
  metric: z.enum(['validation', 'validation-loss']).default('validation'),
})

/** A sweep's name: what lists and reports show it by, so never blank, and short enough for one line. */
const sweepNameSchema = z.string().max(200, 'must be at most 200 characters').refine((s) => s.trim().length > 0, 'must not be empty or blank')

/** An InputError on `field` when `name` could not be a sweep's name (--name, the builder's Name). */
export function checkSweepName(name: string, field: string): string {
  const r = sweepNameSchema.safeParse(name)
  if (!r.success) throw new InputError(field, `${r.error.issues[0].message}; got ${quoted(name)}`)
  return name
}

/**
 * The name of a sweep whose spec file gives none: the file's name without its `.json`, so that the
 * same spec run from two directories (two shards on two machines) has one name. docs/SWEEP-SPEC.md
 * quotes this; test/docs/quoted-defaults.test.ts holds them together.
 */
export function defaultSweepName(specFile: string): string {
  const file = basename(specFile)
  return (file.replace(/\.json$/i, '').trim() || file).slice(0, 200)
}

export const sweepSpecSchema = z.strictObject({
  name: sweepNameSchema.optional(),
  /** grid: every combination of the axes; random: `samples` draws. */
  strategy: z.enum(['grid', 'random']).default('grid'),
  samples: ranged(SPEC_RANGES.samples).optional(),
  /** Runs per configuration, each with its own seed (seed, seed+1, …), the same across configurations. */
  repeats: ranged(SPEC_RANGES.repeats).default(1),
  seed: int(0, 2 ** 31 - 1).default(1),
  settings: settingsSchema.default({}),
  axes: axesSchema.default({}),
  budget: z.strictObject({ steps: ranged(SPEC_RANGES.steps).default(0), seconds: ranged(SPEC_RANGES.seconds).default(0) })
    .refine((b) => b.steps > 0 || b.seconds > 0, { message: 'set steps or seconds (or both) above 0' })
    .default({ steps: 500, seconds: 0 }),
  /** Steps between evaluations on the validation set; default: 20 evaluations over a step budget, else 50. */
  evalEvery: int(1, 10_000_000).optional(),
  warmupSteps: int(0, 10_000).default(3),
  /** Steps between gradient-flow snapshots; 0: never. Default: 10 over a step budget, else 100. */
  gradFlowEvery: int(0, 10_000_000).optional(),
  /** Validation metric to reach (time-to-target). */
  target: z.number().nullable().default(null),
  threads: int(1, 256).default(1),
  /**
   * Runs at once (worker threads); default: one per core. 1 times every step alone on the machine,
   * as the scaling preset does: step times taken beside other runs include their contention.
   */
  workers: int(1, 256).optional(),
  tune: tuneSchema.optional(),
}).superRefine((spec, ctx) => {
  if (spec.tune) {
    // A tuned sweep draws its trials at random over the search axes whatever the strategy says.
    if (spec.samples !== undefined) ctx.addIssue({ code: 'custom', path: ['samples'], message: 'a tuned sweep draws tune.trials points; leave samples out' })
    if (spec.repeats !== 1) ctx.addIssue({ code: 'custom', path: ['repeats'], message: 'a tuned sweep re-runs each cell\'s chosen settings tune.finalSeeds times; leave repeats out (or 1)' })
    for (const [k, v] of Object.entries(spec.axes)) {
      if (v !== undefined && !Array.isArray(v) && isCrossedSetting(k as SettingName)) ctx.addIssue({ code: 'custom', path: ['axes', k], message: `${k} is crossed, not searched, in a tuned sweep (each value tuned on its own): give a list of values` })
    }
  }
  if (spec.strategy === 'random' && spec.samples === undefined && !spec.tune) ctx.addIssue({ code: 'custom', path: ['samples'], message: 'the random strategy needs samples (how many configurations to draw)' })
  if (spec.strategy === 'grid' && !spec.tune) {
    for (const [k, v] of Object.entries(spec.axes)) {
      if (v !== undefined && !Array.isArray(v)) ctx.addIssue({ code: 'custom', path: ['axes', k], message: 'a range {min, max} needs strategy "random"; a grid takes a list of values' })
    }
  }
  for (const k of Object.keys(spec.axes)) {
    if (k in spec.settings) ctx.addIssue({ code: 'custom', path: ['settings', k], message: `is also an axis; set it in one place only` })
  }
  // A range goes through the same checks as a value in `settings` or in a list: only numeric
  // settings, bounds the setting accepts, whole numbers for whole-number settings.
  for (const [k, v] of Object.entries(spec.axes) as Array<[SettingName, unknown]>) {
    if (v === undefined || Array.isArray(v)) continue
    const range = v as Range
    if (!NUMERIC_SETTINGS.includes(k)) {
      ctx.addIssue({ code: 'custom', path: ['axes', k], message: `a range {min, max} is only for numeric settings (${NUMERIC_SETTINGS.join(', ')}); give ${k} a list of values` })
      continue
    }
    for (const bound of ['min', 'max'] as const) {
      const check = SETTING_SCHEMAS[k].safeParse(range[bound])
      if (!check.success) ctx.addIssue({ code: 'custom', path: ['axes', k, bound], message: `${check.error.issues[0].message} (the values ${k} takes)` })
    }
    if (range.integer === false && INTEGER_SETTINGS.includes(k)) ctx.addIssue({ code: 'custom', path: ['axes', k, 'integer'], message: `${k} is a whole number: leave integer out or set it true` })
  }
})

/**
 * How many runs a spec expands to, counted without expanding it (a grid of 10⁹ points must be
 * refused before it is built).
 */
export function sweepSize(spec: SweepSpec): number {
  // A random sweep draws its samples over the other axes and runs every cell at each (expand.ts).
  const cells = Array.isArray(spec.axes.cell) ? spec.axes.cell.length : 1
  // A tuned one: its trials, then each cell's re-runs, for every combination of the crossed axes.
  if (spec.tune) { const runs = tunedRuns(spec); return runs.trials + runs.final }
  const points = spec.strategy === 'random' ? (spec.samples ?? 0) * cells : Object.values(spec.axes).reduce((n, v) => n * (Array.isArray(v) ? v.length : 1), 1)
  return points * spec.repeats
}

/** A tuned sweep's runs in each phase: trials × cells × crossed combinations, and finalSeeds × cells × crossed combinations. */
export function tunedRuns(spec: SweepSpec): { trials: number; final: number } {
  const cells = Array.isArray(spec.axes.cell) ? spec.axes.cell.length : 1
  const crossed = crossedCombinations(spec)
  return { trials: spec.tune!.trials * cells * crossed, final: spec.tune!.finalSeeds * cells * crossed }
}

/** How many combinations of the crossed axes (the task and its data settings, the backend) a tuned sweep tunes apart. */
export function crossedCombinations(spec: SweepSpec): number {
  return Object.entries(spec.axes).reduce((n, [k, v]) => n * (k !== 'cell' && Array.isArray(v) && isCrossedSetting(k as SettingName) ? v.length : 1), 1)
}

/** An InputError when the spec holds more runs than `maxRuns`. */
export function checkSweepSize(spec: SweepSpec, maxRuns = DEFAULT_MAX_RUNS): void {
  const n = sweepSize(spec)
  if (n > maxRuns) {
    throw new InputError('spec', `the sweep expands to ${n.toLocaleString('en-US')} runs, over the limit of ${maxRuns.toLocaleString('en-US')}; fewer axis values, samples or repeats, or raise the limit with --max-runs`)
  }
}

export type SweepSpec = z.infer<typeof sweepSpecSchema>

/**
 * Worker threads for a sweep: the user's --workers, else the spec's own `workers` (at most `cap`,
 * the cores here unless the user oversubscribes), else the default.
 */
export function workersFor(spec: { workers?: number }, requested: number | undefined, fallback: number, cap = Infinity): number {
  return requested ?? Math.min(spec.workers ?? fallback, cap)
}

/** Validate a parsed spec; InputError naming the first bad field and the valid values. */
export function parseSweepSpec(value: unknown, field = 'spec'): SweepSpec {
  const r = sweepSpecSchema.safeParse(value)
  if (r.success) return r.data
  let issue: z.core.$ZodIssue = r.error.issues[0]
  let path: PropertyKey[] = issue.path
  // A bad value inside an axis list: report the list branch's own issue (axes.cell[1]: must be one of …).
  while (issue.code === 'invalid_union' && issue.errors[0]?.[0]) {
    const inner: z.core.$ZodIssue = issue.errors[0][0]
    path = [...path, ...inner.path]
    issue = inner
  }
  const name = path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '')
  throw new InputError(name || field, describeIssue(issue, path))
}

function describeIssue(issue: z.core.$ZodIssue, path: PropertyKey[]): string {
  switch (issue.code) {
    case 'unrecognized_keys': {
      const where = path.at(-1)
      const valid = where === 'settings' || where === 'axes' ? SETTING_NAMES : TOP_LEVEL_FIELDS
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${listed(issue.keys.map((k) => quoted(k, 40)), 5)}; valid: ${valid.join(', ')}`
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
    case 'invalid_union':
      return 'must be a list of values, or a range {min, max, log?, integer?} with strategy "random"'
    default:
      return issue.message
  }
}
