// The questions a sweep answers, and what each compares within a matched pair: step time (a
// measurement, tested), memory, parameter count (exact quantities, stated as exact ratios), and per
// task the validation metric at equal training steps and, separately, at equal wall time.

import type { FinishedRun, VerdictRun } from '../model/runs'
import type { MatchedPair, PairValues, Question, SeriesLookup } from '../model/verdicts'

export type { PairValues, Question, SeriesLookup }
import { isFinishedRun } from './matching'
import { stepTimeOf } from '../../src-shared/lost-cpu'

/** Step counts that differ by more than this ratio are not "equal training": compare at a common step. */
export const EQUAL_STEPS_TOLERANCE = 1.1

const finals = (pair: MatchedPair, value: (r: FinishedRun) => number): PairValues => ({ a: value(pair.a), b: value(pair.b), basis: 'final' })

export function questionsFor(runs: VerdictRun[]): Question[] {
  const done = runs.filter(isFinishedRun)
  const memoryOf = (r: FinishedRun) => r.figures.memory.deviceBytes ?? r.figures.memory.analyticTotalBytes
  const questions: Question[] = [
    {
      id: 'step-time', title: 'Which cell trains fastest per step?', measure: 'step time', kind: 'measured', lowerIsBetter: true, task: null, unit: 'ms', checksBaseline: false, engineBound: true,
      // The clean-step figure (src-shared/lost-cpu.ts); a pair with a run too contended to judge is left out and counted.
      runValue: (r) => stepTimeOf(r.figures) ?? NaN,
      pairValues: (p) => { const a = stepTimeOf(p.a.figures), b = stepTimeOf(p.b.figures); return a === null || b === null ? null : { a, b, basis: 'final' } },
      contended: (p) => stepTimeOf(p.a.figures) === null || stepTimeOf(p.b.figures) === null,
    },
    {
      id: 'memory', title: 'Which cell needs the least memory?', measure: 'memory', kind: 'exact', lowerIsBetter: true, task: null, unit: 'bytes', checksBaseline: false, engineBound: true,
      runValue: memoryOf, pairValues: (p) => finals(p, memoryOf),
    },
    {
      id: 'parameters', title: 'Which cell has the fewest parameters?', measure: 'parameter count', kind: 'exact', lowerIsBetter: true, task: null, unit: 'count', checksBaseline: false, engineBound: false,
      runValue: (r) => r.figures.parameterCount, pairValues: (p) => finals(p, (r) => r.figures.parameterCount),
    },
  ]
  for (const task of [...new Set(done.map((r) => r.config.task))]) {
    const metric = done.find((r) => r.config.task === task)!.figures.metric
    const name = `${task} ${metric.name.toUpperCase()}`
    const direction = metric.lowerIsBetter ? 'lower' : 'higher'
    questions.push({
      id: `metric-${task}`, title: `Which cell learns ${task} best?`, measure: `${name} (final validation; ${direction} is better)`,
      kind: 'measured', lowerIsBetter: metric.lowerIsBetter, task, unit: 'metric', checksBaseline: true, engineBound: false,
      runValue: (r) => (r.config.task === task ? r.figures.finalMetric : NaN),
      pairValues: (p, series) => (p.a.config.task === task ? metricAtEqualSteps(p, series) : null),
    }, {
      id: `metric-time-${task}`, title: `Which cell learns ${task} best in equal wall time?`, measure: `${name} (validation at equal wall time; ${direction} is better)`,
      kind: 'measured', lowerIsBetter: metric.lowerIsBetter, task, unit: 'metric', checksBaseline: true, engineBound: true,
      runValue: () => NaN,
      pairValues: (p, series) => (p.a.config.task === task ? metricAtEqualTime(p, series) : null),
    })
  }
  return questions
}

/**
 * The final validation metric of both runs when they trained for about as many steps (within
 * 10%); else the metric at the last evaluation step both reached, read from the stored series.
 * Null when the series are missing or the only common evaluation is the untrained network's.
 */
export function metricAtEqualSteps(pair: MatchedPair, series: SeriesLookup): PairValues | null {
  const sa = pair.a.figures.steps, sb = pair.b.figures.steps
  if (Math.max(sa, sb) <= EQUAL_STEPS_TOLERANCE * Math.min(sa, sb)) {
    return { a: pair.a.figures.finalMetric, b: pair.b.figures.finalMetric, basis: 'final', steps: [sa, sb] }
  }
  const xa = series(pair.a.id), xb = series(pair.b.id)
  if (!xa || !xb) return null
  const atStep = new Map<number, number>()
  xb.step.forEach((s, i) => { const v = xb.value[i]; if (v !== null && Number.isFinite(v)) atStep.set(s, v) })
  let best: { step: number; a: number; b: number } | null = null
  xa.step.forEach((s, i) => {
    const v = xa.value[i], w = atStep.get(s)
    if (s > 0 && v !== null && Number.isFinite(v) && w !== undefined && (!best || s > best.step)) best = { step: s, a: v, b: w }
  })
  const found = best as { step: number; a: number; b: number } | null
  return found ? { a: found.a, b: found.b, basis: 'common-step', steps: [found.step, found.step] } : null
}

/**
 * Each run's validation metric at the last evaluation it reached within the shorter run's wall
 * time: which cell learns more in the same number of seconds. Null without the series.
 */
export function metricAtEqualTime(pair: MatchedPair, series: SeriesLookup): PairValues | null {
  const xa = series(pair.a.id), xb = series(pair.b.id)
  if (!xa || !xb) return null
  const limitMs = Math.min(pair.a.figures.wallSeconds, pair.b.figures.wallSeconds) * 1000
  const last = (x: typeof xa) => {
    let found: { step: number; value: number; ms: number } | null = null
    x.step.forEach((s, i) => {
      const v = x.value[i]
      if (s > 0 && x.wallMs[i] <= limitMs && v !== null && Number.isFinite(v) && (!found || s > found.step)) found = { step: s, value: v, ms: x.wallMs[i] }
    })
    return found as { step: number; value: number; ms: number } | null
  }
  const la = last(xa), lb = last(xb)
  if (!la || !lb) return null
  return { a: la.value, b: lb.value, basis: 'equal-time', steps: [la.step, lb.step], seconds: [la.ms / 1000, lb.ms / 1000] }
}
