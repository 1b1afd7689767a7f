// The questions a sweep answers, with statistics and a verdict in plain words: is one cell faster
// per step, lighter, or more accurate than another, compared where everything else is equal
// (same hidden size, or same parameter count), and is the difference more than the seeds' noise?

import type { RunConfig } from '../engine/run-config'
import type { SettingName } from '../engine/sweep/spec'
import type { CellKind } from '../engine/types'
import type { RunRow } from '../store/store'
import { formatBytes, formatValue } from './format'
import { bootstrapGroupsCi, describe, holm, mannWhitney, type Describe } from './stats'

/** Compare cells at the same hidden size, or at about the same parameter count (±25%). */
export type Matching = 'hidden' | 'params'
export const MATCHINGS: readonly Matching[] = ['hidden', 'params']
const PARAMS_TOLERANCE = 0.25
const ALPHA = 0.05

type Done = RunRow & { figures: NonNullable<RunRow['figures']> }

export interface Question {
  id: string
  title: string
  /** What is measured, in words: "step time", "adding MSE (best validation)". */
  measure: string
  lowerIsBetter: boolean
  value: (r: Done) => number
  format: (v: number) => string
}

export interface CellSummary { cell: CellKind; stats: Describe }
export interface ConfigSummary { cell: CellKind; config: string; stats: Describe }

export interface PairResult {
  /** The better cell first. */
  better: CellKind
  worse: CellKind
  /** Geometric mean over matched configurations of median(worse) / median(better) (lower is better), or better/worse. ≥ 1. */
  factor: number
  ci95: [number, number]
  p: number
  /** Holm-adjusted across the pairs of this question. */
  pAdjusted: number
  /** Rank-biserial correlation for "better beats worse": 0 none, 1 always. */
  effect: number
  matchedConfigs: number
  /** Runs compared on each side (the first cell of the pair as found, then the second). */
  runs: [number, number]
  significant: boolean
  verdict: string
}

/** The runs of each cell at each value of one setting that varies (all other settings pooled). */
export interface AxisSummary { axis: SettingName; rows: Array<{ cell: CellKind; value: string; stats: Describe }> }

export interface QuestionResult { question: Question; cells: CellSummary[]; byAxis: AxisSummary[]; configs: ConfigSummary[]; pairs: PairResult[]; excluded: number }

const SHORT: Partial<Record<SettingName, string>> = { hiddenSize: 'H', numLayers: 'layers', seqLen: 'T', batchSize: 'B', bidirectional: 'bidir' }
const CELL_NAMES: Record<CellKind, string> = { lstm: 'LSTM', gru: 'GRU', rnn_tanh: 'RNN (tanh)', rnn_relu: 'RNN (ReLU)' }
export const cellName = (c: CellKind) => CELL_NAMES[c]

/** The questions a sweep's runs can answer: speed and memory overall, accuracy per task. */
export function questionsFor(runs: RunRow[]): Question[] {
  const done = runs.filter(isDone)
  const questions: Question[] = [
    { id: 'step-time', title: 'Which cell trains fastest per step?', measure: 'step time', lowerIsBetter: true, value: (r) => r.figures.stepMs.total.median, format: (v) => `${formatValue(v)} ms` },
    { id: 'memory', title: 'Which cell needs the least memory?', measure: 'memory', lowerIsBetter: true, value: (r) => r.figures.memory.deviceBytes ?? r.figures.memory.analyticTotalBytes, format: formatBytes },
  ]
  for (const task of [...new Set(done.map((r) => r.config.task))]) {
    const metric = done.find((r) => r.config.task === task)!.figures.metric
    questions.push({
      id: `metric-${task}`, title: `Which cell learns ${task} best?`, measure: `${task} ${metric.name.toUpperCase()} (best validation; ${metric.lowerIsBetter ? 'lower' : 'higher'} is better)`,
      lowerIsBetter: metric.lowerIsBetter, value: (r) => (r.config.task === task ? r.figures.bestMetric : NaN), format: formatValue,
    })
  }
  return questions
}

const isDone = (r: RunRow): r is Done => r.status === 'done' && r.figures !== null

/** What identifies a configuration apart from the cell and the seed (and the hidden size, matched by parameters). */
function matchKey(c: RunConfig, matching: Matching): string {
  const { cell: _cell, seed: _seed, ...rest } = c
  if (matching === 'params') delete (rest as Partial<RunConfig>).hiddenSize
  return JSON.stringify(rest)
}

/** A short description of a configuration by the settings that vary in the sweep. */
export function describeConfig(c: RunConfig, varying: SettingName[]): string {
  return varying.filter((k) => k !== 'cell').map((k) => `${SHORT[k] ?? k}=${String(c[k])}`).join(' ') || 'all runs'
}

export function answer(question: Question, runs: RunRow[], matching: Matching, varying: SettingName[], seed = 1): QuestionResult {
  const done = runs.filter(isDone).filter((r) => Number.isFinite(question.value(r)))
  const excluded = runs.filter((r) => r.status !== 'done').length
  const cells = [...new Set(done.map((r) => r.config.cell))]
  const byCell = (cell: CellKind) => done.filter((r) => r.config.cell === cell)
  const configs = [...groupBy(done, (r) => JSON.stringify({ ...r.config, seed: 0 }))].map(([, members]) => ({
    cell: members[0].config.cell, config: describeConfig(members[0].config, varying), stats: describe(members.map(question.value), seed),
  }))

  const byAxis = varying.filter((axis) => axis !== 'cell').map((axis) => ({
    axis,
    rows: [...groupBy(done, (r) => JSON.stringify([r.config.cell, r.config[axis]]))].map(([, members]) => ({
      cell: members[0].config.cell, value: String(members[0].config[axis]), stats: describe(members.map(question.value), seed),
    })),
  }))

  const pairs: Omit<PairResult, 'pAdjusted' | 'significant' | 'verdict'>[] = []
  for (let i = 0; i < cells.length; i++) {
    for (let j = i + 1; j < cells.length; j++) {
      const groups = matchedGroups(byCell(cells[i]), byCell(cells[j]), matching, question)
      if (!groups.length) continue
      pairs.push(comparePair(cells[i], cells[j], groups, question, seed + i * 7 + j))
    }
  }
  const adjusted = holm(pairs.map((p) => p.p))
  return {
    question, excluded,
    cells: cells.map((cell) => ({ cell, stats: describe(byCell(cell).map(question.value), seed) })),
    byAxis,
    configs,
    pairs: pairs.map((p, k) => {
      const significant = adjusted[k] < ALPHA
      return { ...p, pAdjusted: adjusted[k], significant, verdict: verdictText(p, significant, adjusted[k], question, matching, pairs.length) }
    }),
  }
}

/** Runs of two cells in matched groups: the same configuration otherwise, at equal H or about equal parameters. */
function matchedGroups(a: Done[], b: Done[], matching: Matching, q: Question): Array<[number[], number[]]> {
  const values = (rs: Done[]) => rs.map(q.value)
  if (matching === 'hidden') {
    const bByKey = groupBy(b, (r) => matchKey(r.config, 'hidden'))
    return [...groupBy(a, (r) => matchKey(r.config, 'hidden'))].filter(([k]) => bByKey.has(k)).map(([k, rs]) => [values(rs), values(bByKey.get(k)!)])
  }
  // By parameters: within each configuration (H aside), pair each hidden size of the first cell with
  // the hidden size of the second whose parameter count is nearest, when within the tolerance.
  const out: Array<[number[], number[]]> = []
  const bByKey = groupBy(b, (r) => matchKey(r.config, 'params'))
  for (const [k, rs] of groupBy(a, (r) => matchKey(r.config, 'params'))) {
    const others = bByKey.get(k)
    if (!others) continue
    const bySize = groupBy(others, (r) => String(r.config.hiddenSize))
    for (const [, atH] of groupBy(rs, (r) => String(r.config.hiddenSize))) {
      const pa = atH[0].figures.parameterCount
      const nearest = [...bySize.values()].sort((x, y) => Math.abs(x[0].figures.parameterCount - pa) - Math.abs(y[0].figures.parameterCount - pa))[0]
      if (Math.abs(nearest[0].figures.parameterCount / pa - 1) <= PARAMS_TOLERANCE) out.push([values(atH), values(nearest)])
    }
  }
  return out
}

function comparePair(a: CellKind, b: CellKind, groups: Array<[number[], number[]]>, q: Question, seed: number) {
  // Ratio of medians per matched group, combined by geometric mean (the groups differ in scale:
  // step times at H = 16 and at H = 256 are not comparable, their ratios are).
  const ratio = (gs: Array<[number[], number[]]>) => Math.exp(gs.reduce((s, [x, y]) => s + Math.log(medianOf(x) / medianOf(y)), 0) / gs.length)
  const r = ratio(groups) // a / b
  const ci = bootstrapGroupsCi(groups, ratio, seed)
  // The test: each run relative to its group's pooled median, so that groups of different scale pool.
  const norm = groups.map(([x, y]) => { const m = medianOf([...x, ...y]); return [x.map((v) => v / m), y.map((v) => v / m)] })
  const test = mannWhitney(norm.flatMap(([x]) => x), norm.flatMap(([, y]) => y))
  const aBetter = q.lowerIsBetter ? r <= 1 : r >= 1
  const [better, worse] = aBetter ? [a, b] : [b, a]
  // The factor by which the better cell is better (≥ 1), and its interval on the same scale: the
  // interval of a/b, inverted as a whole when a is the better one (so it may reach below 1).
  const flipped = aBetter === q.lowerIsBetter
  const factor = flipped ? 1 / r : r
  const interval: [number, number] = flipped ? [1 / ci[1], 1 / ci[0]] : [ci[0], ci[1]]
  return {
    better, worse, factor, ci95: interval, p: test.p,
    // effect of "better beats worse", whichever direction the measure prefers
    effect: Math.abs(test.effect), matchedConfigs: groups.length, runs: [test.n1, test.n2] as [number, number],
  }
}

/**
 * The smallest p-value the test could give these sample sizes, after Holm's adjustment over
 * `pairs` comparisons: 2 / C(n₁+n₂, n₁) for the exact test, times the number of comparisons.
 */
function smallestPossibleP(n1: number, n2: number, pairs: number): number {
  let arrangements = 1
  for (let k = 1; k <= n1; k++) arrangements = (arrangements * (n2 + k)) / k
  return Math.min(1, (2 / arrangements) * pairs)
}

function verdictText(p: Omit<PairResult, 'pAdjusted' | 'significant' | 'verdict'>, significant: boolean, pAdjusted: number, q: Question, matching: Matching, pairs: number): string {
  const where = matching === 'hidden' ? 'at equal hidden size' : `at about equal parameter count (±${PARAMS_TOLERANCE * 100}%)`
  const pText = `${pEquals(pAdjusted)}${p.matchedConfigs > 1 ? `, ${p.matchedConfigs} matched configurations` : ''}`
  const [b, w] = [cellName(p.better), cellName(p.worse)]
  if (!significant) {
    const powerless = smallestPossibleP(p.runs[0], p.runs[1], pairs) >= ALPHA
    return `No significant difference in ${q.measure} between ${b} and ${w} ${where} (${pText})${powerless ? `; with ${Math.min(...p.runs)} run${Math.min(...p.runs) === 1 ? '' : 's'} a cell this test cannot reach p < ${ALPHA} at all: add repeats` : ''}.`
  }
  const ci = `95% CI ${p.ci95[0].toFixed(2)}–${p.ci95[1].toFixed(2)}`
  if (q.id === 'step-time') return `${b} trains ${p.factor.toFixed(2)}× faster per step than ${w} (${ci}) ${where} (${pText}).`
  if (q.id === 'memory') return `${b} needs ${p.factor.toFixed(2)}× less memory than ${w} (${ci}) ${where} (${pText}).`
  return `${b} reaches a ${q.lowerIsBetter ? 'lower' : 'higher'} ${q.measure.split(' (')[0]} than ${w}, by a factor of ${p.factor.toFixed(2)} (${ci}) ${where} (${pText}, effect ${p.effect.toFixed(2)}).`
}

/** "p = 0.41", "p < 0.001". */
export function pEquals(p: number): string {
  const text = formatP(p)
  return text.startsWith('<') ? `p ${text}` : `p = ${text}`
}

export function formatP(p: number): string {
  if (!Number.isFinite(p)) return 'n/a'
  return p < 0.001 ? '< 0.001' : p.toFixed(p < 0.1 ? 3 : 2)
}

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>()
  for (const it of items) { const k = key(it); const l = m.get(k); if (l) l.push(it); else m.set(k, [it]) }
  return m
}
