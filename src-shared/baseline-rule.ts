// The one rule for "this run beat the baseline", read by the verdicts, the Pareto front, the runs
// table and the reports alike: the run's own paired test against the baseline on the same items
// (engine/baseline-test.ts, recorded with its figures), one-sided p ≤ 0.05. A run recorded before
// that test existed is judged by its final metric against the baseline's alone, and says so.
// Structural types only: src-shared imports nothing from the main process.

/** A recorded paired test, as far as the rule reads it. */
interface RecordedTest { beat: unknown; bar: unknown; items: unknown; block: unknown }

/** What the rule reads of a run's figures: the final metric, the baselines and their tests on the same split. */
export interface BaselineFigures {
  finalMetric: number
  metric: { lowerIsBetter: boolean }
  baseline: { metric: number }
  classical?: { metric: number }
  baselineTest?: RecordedTest
  classicalTest?: RecordedTest
}

export type BaselineKind = 'trivial' | 'classical'

/** A test read back from a database, when it is whole (an import may bring anything). */
export function wholeTest<T extends RecordedTest>(t: T | undefined): (T & { beat: boolean; bar: number }) | undefined {
  return t && typeof t.beat === 'boolean' && Number.isFinite(t.bar) && Number.isInteger(t.items) && Number.isInteger(t.block) ? (t as T & { beat: boolean; bar: number }) : undefined
}

export interface BaselineJudgement {
  beat: boolean
  /** 'test': the run's paired test decided; 'metric': no test was recorded, its final metric against the baseline's decided. */
  by: 'test' | 'metric'
}

/** Whether the run beat the baseline, and by what; null when the run has no such baseline (no classical one for the task). */
export function judgeBaseline(f: BaselineFigures, which: BaselineKind = 'trivial'): BaselineJudgement | null {
  const baseline = which === 'trivial' ? f.baseline : f.classical
  if (!baseline || !Number.isFinite(baseline.metric)) return null
  const test = wholeTest(which === 'trivial' ? f.baselineTest : f.classicalTest)
  if (test) return { beat: test.beat, by: 'test' }
  if (!Number.isFinite(f.finalMetric)) return { beat: false, by: 'metric' }
  return { beat: f.metric.lowerIsBetter ? f.finalMetric < baseline.metric : f.finalMetric > baseline.metric, by: 'metric' }
}

/** The rule itself: did the run beat this baseline? A run without the baseline (no classical one here) did not. */
export const beatsBaseline = (f: BaselineFigures, which: BaselineKind = 'trivial'): boolean => judgeBaseline(f, which)?.beat ?? false
