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
  /**
   * Step time: whether a pair is left out because a run of it had too few steps that kept the CPU
   * to judge its step time (src-shared/lost-cpu.ts). The verdict counts such pairs and says so.
   */
  contended?(pair: MatchedPair): boolean
  /**
   * A tuned sweep's question (reports/tuned.ts): its pairs are seed i of each cell's re-runs of its
   * own best trial, within one combination of the crossed settings, and its metric and baselines
   * are read on the test split. Absent: the matched design at equal settings, on validation.
   */
  tuned?: TunedQuestion
}

export interface TunedQuestion {
  /** The crossed combination (reports/tuned.ts groupOf): only pairs within it are compared. */
  group: string
  /** Each cell's chosen settings, in words ("lr=0.00713, H=64"), for the sentences. */
  chosen: Partial<Record<CellKind, string>>
  trials: number
  seeds: number
}

/** Expected best validation metric against the tuning budget (reports/expected-max.ts), per cell of one tuned group. */
export interface TunedView {
  /** Finished trials per cell; the curve of a cell has one point per trial. */
  trials: Partial<Record<CellKind, number>>
  /** Trials left out of a curve because they diverged. */
  diverged: Partial<Record<CellKind, number>>
  /** Re-runs per cell, each with its own seed, judged on test. */
  seeds: number
  /** Each cell's chosen trial (1-based), its settings in words, its validation metric, and its re-runs' median step time (described, not tested). */
  chosen: Partial<Record<CellKind, { trial: number; settings: string; validation: number; stepMs: number }>>
  /** Expected best validation metric of n = 1 … N trials, per cell (Dodge et al. 2019). */
  expectedMax: Partial<Record<CellKind, number[]>>
  /** Each point's 95% bootstrap band. */
  band: Partial<Record<CellKind, Array<[number, number]>>>
  metric: { name: string; lowerIsBetter: boolean }
  /** The validation baselines the trials were scored against (a range when runs disagree). */
  baselines: { trivial: number | null; classical: number | null }
  /** Where the curves cross, in one sentence (described, not tested). */
  crossing: string
  /** What the views print above the verdicts, in sentences (verdict-text.ts tunedLines). */
  lines: string[]
}

export type VerdictOutcome = 'better' | 'no-difference' | 'too-few' | 'exact'

/** How often a cell's runs beat one baseline, each by its own paired test (engine/baseline-test.ts). */
export interface BaselineStanding {
  /** Runs that beat it, of `runs`. */
  beat: number
  runs: number
  /** The runs that beat it (ids), by the one rule (src-shared/baseline-rule.ts). */
  beatRunIds: number[]
  /** The runs judged (a network trained on several engines is judged once, by the run its pair keeps). */
  judgedRunIds: number[]
  /** Runs with a paired test recorded (older runs have none: they are counted by their metric alone). */
  tested: number
  /** The baseline's metric, one value or a range over the runs' validation sets. */
  value: [number, number]
  /** The bar: the metric a run had to pass for its test to reach one-sided p ≤ 0.05 (range over runs); null without tests. */
  bar: [number, number] | null
  description: string
}

/** A cell's standing against the task's baselines, over its runs in a verdict's pairs. Reported beside the comparison; it never decides what is tested. */
export interface BaselineCheck {
  /** Median of the compared values. */
  median: number
  /** The trivial baseline (the mean, the majority class, seasonal naive). */
  trivial: BaselineStanding
  /** The classical baseline (a linear autoregression, naive Bayes, a bigram model), where the runs recorded one. */
  classical: BaselineStanding | null
  /** Lower-is-better metrics: the share of the trivial baseline's error the median run removes (1 − median / baseline). */
  removed: number | null
  /** How each run was tested: a bootstrap (in moving blocks of `block` items for a time series) over `items` of `unit`; null without tests. */
  method: { kind: 'bootstrap' | 'block-bootstrap'; block: number; items: number; unit: string } | null
}

/** A descriptive view of one setting: the factor at each of its values. Not a test. */
export interface Breakdown {
  setting: PairSetting
  levels: Array<{ value: string; factor: number; pairs: number }>
}

export interface Verdict {
  questionId: string
  /** The two cells; for "better" and "exact", the better one first (for the others, the one the estimate favours). */
  cells: [CellKind, CellKind]
  /** The backend this verdict is restricted to, when the question is answered per engine (set by the design, not by the data). */
  stratum: { setting: PairSetting; value: string } | null
  outcome: VerdictOutcome
  sentence: string
  /**
   * How many times better the first cell is (≥ 1): the Hodges–Lehmann estimate on the pairs' log
   * ratios, exponentiated. Exact questions: the ratio, or its smallest value over configurations.
   */
  factor: number | null
  /**
   * The interval that inverts the signed-rank test at the level Holm's procedure decided this
   * comparison at (`confidence`); exact questions: the range over configurations. Null when the
   * pairs are too few for a bounded interval at that level.
   */
  interval: [number, number] | null
  /** The interval's confidence: 1 − the level Holm's procedure used for this comparison (0.95 for a family of one). */
  confidence: number | null
  /** The signed-rank test's two-sided p, alone. */
  p: number | null
  /** Holm-adjusted over every test of the report. */
  pAdjusted: number | null
  /** Whether p is from the exact null distribution (false past 400 pairs: the normal approximation). */
  exact: boolean
  /** Matched pairs compared, and the configurations they fall in (a configuration's pairs are its seeds). */
  pairs: number
  configurations: number
  /** Pairs favouring the first cell, the second, and ties (equal values). */
  favour: [number, number]
  ties: number
  /** The runs compared, for the UI to highlight: two a pair, the first cell's run first (a pair run on several engines lists each engine's two). */
  runIds: number[]
  /**
   * Each matched pair: its runs (the first cell's, then the second's; a pair pooled over engines
   * lists each engine's two in turn) and the two values it was compared by, first cell's first.
   */
  pairList: Array<{ ids: number[]; values: [number, number] }>
  /**
   * Where the runs compare sweeps (History: compare several): how many pairs came from which
   * sweeps, the first cell's sweep first; null when every run is of one sweep.
   */
  pairSweeps: Array<{ sweeps: [number, number]; pairs: number }> | null
  /** Metric questions: each cell against the baselines, in the order of `cells`. */
  baseline: [BaselineCheck, BaselineCheck] | null
  /** How the metric values were taken, and after how many steps or seconds. */
  basis: { kind: PairValues['basis'] | 'mixed'; steps: [number, number] | null; seconds: [number, number] | null } | null
  /** Descriptive: the factor at each value of the settings that vary among the pairs. */
  breakdowns: Breakdown[]
  /** Exact questions: a fact behind the ratio ("6 against 5 floats per step and row"). */
  reason: string | null
  /** Step-time verdicts: what shared the machine while the steps were timed, when it matters. */
  caveat: string | null
  /**
   * Step-time verdicts: the matched pairs left out because a run of each had too few steps that
   * kept the CPU, of all the pairs; the share of the timed steps of every run of those pairs that
   * lost the CPU; and the runs left out. Null when the question is not step time.
   */
  contention: { leftOut: number; of: number; lostShare: number | null; runIds: number[] } | null
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
  /** Step time: what shared the machine while its runs were timed, per backend ('' when answered once) over all its verdicts' runs; null when nothing did. */
  caveats: Record<string, string> | null
  /** A tuned question: the budget curves and each cell's choice. */
  tuned?: TunedView
}

/** The report's family of tests: every measured question's comparisons, under one Holm correction. */
export interface VerdictFamily {
  /** Comparisons tested (those with enough pairs to reach p ≤ α). */
  tests: number
  /** The questions (per backend where a question is answered per engine) those tests belong to. */
  questions: number
  alpha: number
}

export interface VerdictReport {
  matching: Matching
  family: VerdictFamily
  questions: QuestionVerdicts[]
  finishedRuns: number
  /** Runs that did not finish (failed, diverged, cancelled, pending): in no pair. */
  unfinishedRuns: number
  /** The machines the finished runs ran on (host, CPU, cores): a pair is never split across two. */
  machines: number
  /** The sweeps the runs come from, when more than one. */
  sweeps: number[] | null
}

