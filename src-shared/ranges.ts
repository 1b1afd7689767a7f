// Numeric ranges: how one is stated, checked and said in words. The settings' own ranges live in
// the settings registry (settings.ts); the spec's own numeric fields (how many runs, each run's
// budget) are here. spec.ts builds its zod validators from both, and the builder checks what is
// typed against them and says the range in the UI's words ("Layers: 1 to 16") without asking the
// main process.

export interface NumericRange {
  min: number
  max: number
  /** The bound itself is not allowed (a learning rate above 0, a dropout below 1). */
  minExclusive?: boolean
  maxExclusive?: boolean
  integer: boolean
}

const whole = (min: number, max: number): NumericRange => ({ min, max, integer: true })

/** The spec's own numeric fields: how many runs, and each run's budget. */
export const SPEC_RANGES = {
  samples: whole(1, 100_000),
  repeats: whole(1, 1000),
  trials: whole(2, 10_000),
  finalSeeds: whole(1, 1000),
  steps: whole(0, 10_000_000),
  seconds: { min: 0, max: Infinity, integer: false },
} satisfies Record<string, NumericRange>

/**
 * A tuned sweep's final seeds below this cannot give an exact two-sided signed-rank test p < 0.05
 * (its smallest p at 5 pairs is 0.0625): the spec check and the builder warn.
 */
export const FEWEST_USEFUL_SEEDS = 6

/** The family-wise error rate of a report's tests (every measured comparison, under one Holm correction). */
export const FAMILY_ALPHA = 0.05

export function inRange(v: number, r: NumericRange): boolean {
  if (!Number.isFinite(v) || (r.integer && !Number.isInteger(v))) return false
  if (r.minExclusive ? v <= r.min : v < r.min) return false
  return r.maxExclusive ? v < r.max : v <= r.max
}

const n = (v: number) => v.toLocaleString('en-US')

/** The range as a person says it: "1 to 16", "above 0, at most 10", "0 up to but not including 1", "0 or more". */
export function rangeText(r: NumericRange): string {
  const kind = r.integer ? 'a whole number ' : ''
  if (r.max === Infinity) return `${kind}${r.minExclusive ? `above ${n(r.min)}` : `${n(r.min)} or more`}`
  if (r.minExclusive && r.maxExclusive) return `${kind}between ${n(r.min)} and ${n(r.max)}, not including either`
  if (r.minExclusive) return `${kind}above ${n(r.min)}, at most ${n(r.max)}`
  if (r.maxExclusive) return `${kind}from ${n(r.min)} up to but not including ${n(r.max)}`
  return `${kind}from ${n(r.min)} to ${n(r.max)}`
}
