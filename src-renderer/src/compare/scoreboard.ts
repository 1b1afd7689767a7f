// The scoreboard: the verdicts reduced to one row per question (and per backend for speed), each
// saying who wins, by what factor with its interval, what kind of answer that is, and which cells
// beat each baseline. Plain functions over the verdict report, so that the rule that names a
// winner is unit-tested: a cell wins only when it is significantly better than every other cell
// (or exactly so, for counted quantities); otherwise the row names the cells no other beat, and
// says whether the rest is "no significant difference" or "too few to tell".

import type { BaselineCheck, QuestionVerdicts, Verdict, VerdictReport } from '../../../src-main/model/verdicts'
import { CELLS, type CellKind } from '../../../src-shared/names'

export type RowOutcome = 'significant' | 'exact' | 'no-difference' | 'too-few' | 'contended' | 'mixed' | 'neither-learned' | 'nothing'

export interface ScoreComparison {
  verdict: Verdict
  /** "GRU 1.31× over LSTM". */
  text: string
  /** "98.3% CI 1.06–1.52×", "exact, 1.23–1.25×", or "" when there is no interval. */
  interval: string
}

export interface ScoreRow {
  /** Unique: the question's id, and the backend for a question answered per engine. */
  key: string
  question: QuestionVerdicts
  /** The row's name: "Step time · cpu-native", "adding · MSE at equal steps". */
  label: string
  group: 'tuned' | 'speed' | 'task'
  outcome: RowOutcome
  /** The answer in a few words: "GRU, significantly", "LSTM or GRU (no significant difference between them)". */
  answer: string
  /** The winning cell, when one beat every other. */
  winner: CellKind | null
  comparisons: ScoreComparison[]
  /** Per baseline, which cells' runs beat it: "trivial: GRU 15/20, LSTM 10/20, RNN (tanh) 0/20". */
  baselines: Array<{ which: 'trivial' | 'classical'; cells: Array<{ cell: CellKind; beat: number; runs: number }> }>
  /** What shared the machine while these runs were timed, once for the row (speed rows). */
  caveat: string | null
}

export const cellLabel = (c: CellKind): string => CELLS[c]?.label ?? c

const isTuned = (q: QuestionVerdicts) => q.id.startsWith('tuned-')

/** A factor as the sentences write it: 1.31×, 2.90×, 12.4×. */
export const timesText = (f: number): string => `${f >= 10 ? f.toFixed(1) : f.toFixed(2)}×`

function intervalText(v: Verdict): string {
  if (!v.interval) return ''
  const [lo, hi] = v.interval
  if (v.outcome === 'exact') return timesText(lo) === timesText(hi) ? 'exact' : `exact; ${timesText(lo)}–${timesText(hi)} over settings`
  return `${Number(((v.confidence ?? 0.95) * 100).toPrecision(4))}% CI ${timesText(lo)}–${timesText(hi)}`
}

/** The caveat a sentence carries, taken out: the scoreboard and the panel say it once per backend instead. */
export function withoutCaveat(v: Pick<Verdict, 'sentence' | 'caveat'>): string {
  return v.caveat ? v.sentence.replace(` Caveat: ${v.caveat}.`, '') : v.sentence
}

function rowLabel(q: QuestionVerdicts, backend: string | null): string {
  const on = backend ? ` · ${backend}` : ''
  if (q.task === null) return `${q.id === 'step-time' ? 'Step time' : q.id === 'memory' ? 'Memory' : q.id === 'parameters' ? 'Parameters' : q.measure}${on}`
  // The measure names the task and its metric ("adding MSE (final validation; …)").
  const metric = q.measure.split(' (')[0]
  if (isTuned(q)) return q.id.startsWith('tuned-memory-') ? `${q.task} memory, tuned${on}` : `${metric}, tuned, on test${on}`
  return `${metric} · ${q.id.startsWith('metric-time-') ? 'equal time' : 'equal steps'}${on}`
}

/** The fewest pairs an exact two-sided signed-rank test needs to reach p ≤ alpha at all: its smallest p is 2 / 2ⁿ. */
export const fewestPairs = (alpha: number): number => Math.ceil(1 - Math.log2(alpha))

/** Per cell, its standing against one baseline: the check over the most runs among its verdicts. */
function standings(verdicts: Verdict[], which: 'trivial' | 'classical'): ScoreRow['baselines'][number]['cells'] {
  const best = new Map<CellKind, BaselineCheck['trivial']>()
  for (const v of verdicts) {
    v.baseline?.forEach((check, i) => {
      const s = which === 'trivial' ? check.trivial : check.classical
      if (!s) return
      const cell = v.cells[i], held = best.get(cell)
      if (!held || s.runs > held.runs) best.set(cell, s)
    })
  }
  return [...best].map(([cell, s]) => ({ cell, beat: s.beat, runs: s.runs }))
}

/** The row for one question's verdicts (one backend's, for a question answered per engine). */
function rowOf(q: QuestionVerdicts, verdicts: Verdict[], backend: string | null): ScoreRow {
  const group: ScoreRow['group'] = isTuned(q) ? 'tuned' : q.task === null ? 'speed' : 'task'
  const comparisons = verdicts.map((v): ScoreComparison => ({
    verdict: v,
    text: v.factor === null ? `${cellLabel(v.cells[0])} against ${cellLabel(v.cells[1])}` : `${cellLabel(v.cells[0])} ${timesText(v.factor)} over ${cellLabel(v.cells[1])}`,
    interval: intervalText(v),
  }))
  const baselines = (['trivial', 'classical'] as const).map((which) => ({ which, cells: standings(verdicts, which) })).filter((b) => b.cells.length)
  const base = { key: backend ? `${q.id}|${backend}` : q.id, question: q, label: rowLabel(q, backend), group, comparisons, baselines, caveat: q.caveats?.[backend ?? ''] ?? null }
  if (!verdicts.length) return { ...base, outcome: 'nothing', answer: q.note ?? 'nothing to compare', winner: null }
  const cells = [...new Set(verdicts.flatMap((v) => v.cells))]
  const decisive = (v: Verdict) => v.outcome === 'better' || v.outcome === 'exact'
  const beaten = new Set(verdicts.filter(decisive).map((v) => v.cells[1]))
  const top = cells.filter((c) => !beaten.has(c))
  const trivial = baselines.find((b) => b.which === 'trivial')
  // Nobody learned: every cell's runs failed the baseline test, whatever the comparisons say.
  if (trivial && trivial.cells.length === cells.length && trivial.cells.every((c) => c.beat === 0)) {
    return { ...base, outcome: 'neither-learned', answer: `no cell beat the baseline (${q.measure.split(' (')[0]})`, winner: null }
  }
  const exact = verdicts.every((v) => v.outcome === 'exact')
  const winsAll = (c: CellKind) => verdicts.filter((v) => v.cells.includes(c)).every((v) => decisive(v) && v.cells[0] === c)
  if (top.length === 1 && winsAll(top[0])) {
    return { ...base, outcome: exact ? 'exact' : 'significant', answer: `${cellLabel(top[0])}${exact ? ', exactly' : ', significantly'}`, winner: top[0] }
  }
  const outcomes = new Set(verdicts.map((v) => v.outcome))
  const among = top.map(cellLabel).join(top.length === 2 ? ' or ' : ', ')
  const within = verdicts.filter((v) => top.includes(v.cells[0]) && top.includes(v.cells[1]))
  const why = within.every((v) => v.outcome === 'too-few') ? 'too few pairs to tell them apart' : within.every((v) => v.outcome === 'no-difference') ? 'no significant difference between them' : 'not separated by the tests'
  if (top.length === cells.length) {
    // Step time too contended to judge: said with how much of the timing lost the CPU.
    const contended = verdicts.filter((v) => v.contention?.leftOut)
    if (outcomes.size === 1 && outcomes.has('too-few') && contended.length) {
      const lost = Math.max(...contended.map((v) => v.contention!.lostShare ?? 0))
      const left = contended.reduce((s, v) => s + v.contention!.leftOut, 0), of = contended.reduce((s, v) => s + v.contention!.of, 0)
      return { ...base, outcome: 'contended', answer: `${Math.round(100 * lost)}% of steps lost the CPU; step time not judged (${left} of ${of} pairs left out)`, winner: null }
    }
    if (outcomes.size === 1 && outcomes.has('too-few')) {
      const most = Math.max(...verdicts.map((v) => v.pairs))
      return { ...base, outcome: 'too-few', answer: `too few pairs to tell (${most === Math.min(...verdicts.map((v) => v.pairs)) ? '' : 'at most '}${most}; ${fewestPairs(0.05)} needed)${learnedText(trivial)}`, winner: null }
    }
    if (outcomes.size === 1 && outcomes.has('no-difference')) return { ...base, outcome: 'no-difference', answer: `no significant difference${learnedText(trivial)}`, winner: null }
    return { ...base, outcome: 'mixed', answer: `${among}: ${why}${learnedText(trivial)}`, winner: null }
  }
  const behind = cells.filter((c) => !top.includes(c)).map(cellLabel).join(' and ')
  return { ...base, outcome: 'mixed', answer: `${among} (${why}), ahead of ${behind}${learnedText(trivial)}`, winner: null }
}

/**
 * When the comparison between cells is undecided but the baseline tests split them: which cells'
 * runs mostly beat the trivial baseline, and which did not. Empty when all or none did.
 */
function learnedText(trivial: ScoreRow['baselines'][number] | undefined): string {
  if (!trivial) return ''
  const learned = trivial.cells.filter((c) => c.beat * 2 > c.runs)
  if (!learned.length || learned.length === trivial.cells.length) return ''
  return `; ${learned.length === 1 ? 'only ' : ''}${learned.map((c) => cellLabel(c.cell)).join(' and ')} beat the baseline in most runs`
}

/**
 * The rows, in the order a reader asks: a tuned sweep's questions first, then each task's, then
 * speed (one row per backend), memory and parameters.
 */
export function scoreRows(report: VerdictReport): ScoreRow[] {
  const rows: ScoreRow[] = []
  for (const q of report.questions) {
    const backends = [...new Set(q.verdicts.map((v) => (v.stratum?.setting === 'backend' ? v.stratum.value : null)))]
    if (backends.length > 1 || backends[0] !== null) {
      for (const b of backends) rows.push(rowOf(q, q.verdicts.filter((v) => (v.stratum?.value ?? null) === b), b))
    } else rows.push(rowOf(q, q.verdicts, null))
  }
  const order = { tuned: 0, task: 1, speed: 2 } as const
  return rows.map((r, i) => ({ r, i })).sort((a, b) => order[a.r.group] - order[b.r.group] || a.i - b.i).map((x) => x.r)
}

export const OUTCOME_LABELS: Record<RowOutcome, string> = {
  significant: 'significant', exact: 'exact', 'no-difference': 'no significant difference', 'too-few': 'too few to tell', contended: 'timed under contention', mixed: 'partly decided', 'neither-learned': 'neither learned', nothing: 'nothing to compare',
}

/** A comparison's own outcome, in the words the verdicts use. */
export const VERDICT_LABELS: Record<Verdict['outcome'], string> = {
  better: 'significant', 'no-difference': 'no significant difference', 'too-few': 'too few to tell', exact: 'exact',
}
