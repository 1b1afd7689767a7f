// The verdicts' thresholds, in one place: the tests' level, when a setting splits a verdict, and
// what "beat the baseline" must clear. Read by verdicts.ts, which applies them, and verdict-text.ts,
// which says them.

export const ALPHA = 0.05
/** A setting splits or qualifies a verdict when it explains at least this share of the spread of the configurations' ratios… */
export const SPLIT_SHARE = 0.5
/** …and a permutation test says that share is more than chance at this level. */
export const SPLIT_ALPHA = 0.01
/** A cell beats the baseline when its median run does by more than this many standard errors of the baseline. */
export const BASELINE_Z = 1.96
/** Runs recorded before baselines kept their standard error: a margin of this share of the baseline instead. */
export const BASELINE_FALLBACK_SHARE = 0.01
