// The verdicts' vocabulary and shapes: what a matched pair is, what a question compares, and what
// a verdict says. Types only (the model layer: docs/ARCHITECTURE.md); the code that computes them is
// src-main/reports/ (matching.ts, questions.ts, verdicts.ts).

import type { CellKind } from '../../src-shared/names'
import type { DataSettingName, SettingName } from '../../src-shared/settings'
import type { FinishedRun, SeriesColumns } from './runs'

/** Compare cells at the same hidden size, or at about the same parameter count. */
export type Matching = 'hidden' | 'params'
export type PairSetting = Exclude<SettingName, 'cell' | DataSettingName> | 'machine' | 'threads'

export interface MatchedPair {
  a: FinishedRun
  b: FinishedRun
  /** The configuration the pair belongs to (everything but the seed): pairs of one configuration are its repeats. */
  configuration: string
  /**
   * What the pair computes: its configuration without the settings that change only how fast
   * (backend, threads, machine). Pairs that share it and the seed train the same networks on the
   * same batches from the same weights: for what they learn, one observation, not several.
   */
  computation: string
  /** Each setting's value, as text: what strata are cut by. */
  settings: Record<PairSetting, string>
}

/** The val_metric series of a run (every evaluation), when the caller has it. */
export type SeriesLookup = (runId: number) => SeriesColumns | undefined

/**
 * A pair's two values, and how they were taken: the runs' final figures, the metric at the last
 * evaluation step both runs reached (their step counts differed by more than 10%), or at the last
 * evaluation both reached in wall time.
 */
export interface PairValues {
  a: number
  b: number
  basis: 'final' | 'common-step' | 'equal-time'
  /** Training steps behind each value (metric questions). */
  steps?: [number, number]
  /** Wall-clock seconds behind each value (equal-time questions). */
  seconds?: [number, number]
}

export interface Question {
  id: string
  title: string
  /** What is compared, in words: "step time", "adding MSE (final validation)". */
  measure: string
  /** measured: varies from seed to seed, so it is tested; exact: the same for every seed, so it is stated. */
  kind: 'measured' | 'exact'
  lowerIsBetter: boolean
  task: string | null
  unit: 'ms' | 'bytes' | 'metric' | 'count'
  /** Metric questions: each cell is first checked against the task's baseline. */
  checksBaseline: boolean
  /**
   * Whether the answer depends on the engine that ran it (step time, memory, what is learned in
   * equal wall time): then it is given per backend. Otherwise (parameters, what is learned in equal
   * steps) every backend computes the same thing, and its runs on several backends count once.
   */
  engineBound: boolean
  /** The value of one run on its own, for the descriptive tables (NaN where the question has none). */
  runValue(r: FinishedRun): number
  /** The two runs' values within a pair, or null when they cannot be compared. */
  pairValues(pair: MatchedPair, series: SeriesLookup): PairValues | null
}

export type VerdictOutcome = 'better' | 'no-difference' | 'too-few' | 'not-learned' | 'exact'

/** A cell's standing against the task's baseline, over its runs in a verdict's pairs. */
export interface BaselineCheck {
  learned: boolean
  /** Runs that beat their baseline, of `runs`. */
  beat: number
  runs: number
  /** Median of the compared values, and the baselines (one value, or a range over settings). */
  median: number
  baseline: [number, number]
  baselineDescription: string
  /**
   * The same test against the task's classical baseline (a linear autoregression, naive Bayes, a
   * bigram model): whether a recurrent network was worth it. Null where the runs recorded none.
   */
  classical: { beat: boolean; value: [number, number]; description: string } | null
}

/** A setting that explains most of the spread of the ratios: the factor at each of its values. */
export interface Breakdown {
  setting: PairSetting
  /** Share of the spread of the configurations' log ratios between the setting's values (η²). */
  share: number
  p: number
  levels: Array<{ value: string; factor: number; configurations: number }>
}

export interface Verdict {
  questionId: string
  /** The two cells; for "better" and "exact", the better one first. */
  cells: [CellKind, CellKind]
  /** The setting and value this verdict is restricted to, when the comparison was split. */
  stratum: { setting: PairSetting; value: string } | null
  outcome: VerdictOutcome
  sentence: string
  /**
   * How many times better the first cell is (≥ 1): the geometric mean of the pairs' ratios.
   * Exact questions: the ratio, or its smallest value over configurations when it varies.
   */
  factor: number | null
  /** Bootstrap 95% interval of the factor; exact questions: the range over configurations. */
  ci95: [number, number] | null
  p: number | null
  /** Holm-adjusted over the tests of the question. */
  pAdjusted: number | null
  /** How many tests the question's Holm correction covered. */
  family: number
  /** Matched pairs compared, and the configurations they fall in (a configuration's pairs are its seeds). */
  pairs: number
  configurations: number
  /** Pairs whose two values were equal: left out of the test. */
  ties: number
  /** The runs compared, for the UI to highlight. */
  runIds: number[]
  /** Metric questions: each cell against the baseline, in the order of `cells`. */
  baseline: [BaselineCheck, BaselineCheck] | null
  /** How the metric values were taken, and after how many steps or seconds. */
  basis: { kind: PairValues['basis'] | 'mixed'; steps: [number, number] | null; seconds: [number, number] | null } | null
  breakdown: Breakdown | null
  /** Exact questions: a fact behind the ratio ("6 against 5 floats per step and row"). */
  reason: string | null
  /** Step-time verdicts: what shared the machine while the steps were timed, when it matters. */
  caveat: string | null
  /**
   * Questions every engine answers alike (what is learned in equal steps, parameters): the backends
   * whose runs of one network and seed were averaged into one pair; null when there was one.
   */
  pooledBackends: string[] | null
}

export interface QuestionVerdicts {
  id: string
  title: string
  measure: string
  kind: Question['kind']
  task: string | null
  verdicts: Verdict[]
  /** Said when there is nothing to compare. */
  note: string | null
}

export interface VerdictReport {
  matching: Matching
  questions: QuestionVerdicts[]
  finishedRuns: number
  /** Runs that did not finish (failed, diverged, cancelled, pending): in no pair. */
  unfinishedRuns: number
  /** The machines the finished runs ran on (host, CPU, cores): a pair is never split across two. */
  machines: number
}

