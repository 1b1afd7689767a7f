// The questions a tuned sweep answers (engine/sweep/tune.ts): for each combination of the crossed
// settings (the task and its data, the backend), which cell does best when each runs at its own
// best trial on validation, judged on the test split; and the memory those chosen settings cost
// (exact). Their step times are described beside it (each cell's median at its own settings), not
// tested: the trials' step-time verdict at equal settings answers which cell is faster, and each
// test more in Holm's family raises the bar for the tuned verdicts. The pairs are seed i of each cell's re-runs: every pair shares its seed index,
// its data seed and so its test items. Beside them, per cell, the expected best validation metric
// against the number of trials (Dodge et al. 2019), which shows whether the answer depends on the
// budget. The tests, intervals and Holm's family are the other verdicts' (verdicts.ts).

import { stepTimeShown } from '../../src-shared/lost-cpu'
import { groupBy, median } from '../../src-shared/collections'
import { formatValue } from '../../src-shared/format'
import { CELL_KINDS, type CellKind } from '../../src-shared/names'
import { SETTING_NAMES, SETTINGS, type SettingName } from '../../src-shared/settings'
import { crossedKey, isCrossedSetting } from '../engine/sweep/tune'
import type { RunConfig } from '../engine/run-config'
import type { FinishedRun, VerdictRun } from '../model/runs'
import type { MatchedPair, PairValues, Question, TunedView } from '../model/verdicts'
import { expectedBestCurve } from './expected-max'
import { isFinishedRun, pairSettings } from './matching'
import { cellName, levelName, tunedLines } from './verdict-text'

export const isTunedRerun = (r: VerdictRun): boolean => r.config.tune?.phase === 'final'
const isTrial = (r: VerdictRun): boolean => r.config.tune?.phase === 'trial'

/** One tuned question with its budget curves: what verdicts.ts drafts and the views draw. */
export interface TunedQuestionDraft { question: Question; view: TunedView | null }

/**
 * The questions of every crossed combination that has re-runs, in the order their runs first
 * appear: its metric on test first, then the step time and the memory of the chosen settings.
 */
export function tunedQuestions(runs: VerdictRun[]): TunedQuestionDraft[] {
  const reruns = runs.filter((r): r is FinishedRun => isTunedRerun(r) && isFinishedRun(r))
  const groups = groupBy(reruns, (r) => crossedKey(r.config))
  const perTask = groupBy([...groups.values()], (rs) => rs[0].config.task)
  return [...groups].flatMap(([group, rs]): TunedQuestionDraft[] => {
    const first = rs[0]
    const trials = runs.filter((r) => isTrial(r) && crossedKey(r.config) === group)
    const searched = searchedSettings(trials)
    const chosen: Partial<Record<CellKind, string>> = {}
    for (const r of rs) chosen[r.config.cell] ??= settingsText(r.config, searched)
    const trialCount = Math.max(0, ...[...groupBy(trials, (r) => r.config.cell).values()].map((t) => t.length))
    const seeds = new Set(rs.map((r) => (r.config.tune as { seedIndex: number }).seedIndex)).size
    const tuned = { group, chosen, trials: trialCount, seeds }
    const where = (perTask.get(first.config.task)?.length ?? 1) > 1 ? ` (${crossedText(first.config)})` : ''
    const metric = first.figures.metric
    const name = `${first.config.task} ${metric.name.toUpperCase()}`
    const direction = metric.lowerIsBetter ? 'lower' : 'higher'
    const slug = `${first.config.task}${where ? `-${[...groups.keys()].indexOf(group) + 1}` : ''}`
    const inGroup = (p: MatchedPair) => p.configuration === group
    const finals = (p: MatchedPair, value: (r: FinishedRun) => number | undefined): PairValues | null => {
      const a = value(p.a), b = value(p.b)
      return inGroup(p) && a !== undefined && b !== undefined ? { a, b, basis: 'final', steps: [p.a.figures.steps, p.b.figures.steps] } : null
    }
    const memoryOf = (r: FinishedRun) => r.figures.memory.deviceBytes ?? r.figures.memory.analyticTotalBytes
    const budget = `${trialCount} trials each, chosen on validation, judged on test over ${seeds} seeds`
    const questions: Question[] = [
      {
        id: `tuned-${slug}`, title: `Which cell learns ${first.config.task}${where} best when each is tuned (${budget})?`,
        measure: `${name} (test, each cell at its own best trial; ${direction} is better)`, kind: 'measured', lowerIsBetter: metric.lowerIsBetter,
        task: first.config.task, unit: 'metric', checksBaseline: true, engineBound: true, tuned,
        runValue: (r) => (isTunedRerun(r) && crossedKey(r.config) === group ? r.figures.test?.metric ?? NaN : NaN),
        pairValues: (p) => finals(p, (r) => r.figures.test?.metric),
      },
      {
        id: `tuned-memory-${slug}`, title: `Which cell's tuned settings need the least memory on ${first.config.task}${where}?`,
        measure: 'memory (each cell at its own best trial)', kind: 'exact', lowerIsBetter: true, task: first.config.task, unit: 'bytes', checksBaseline: false, engineBound: true, tuned,
        runValue: () => NaN, pairValues: (p) => finals(p, memoryOf),
      },
    ]
    const view = budgetView(trials, rs, searched, seeds)
    return questions.map((question, i) => ({ question, view: i === 0 ? view : null }))
  })
}

/**
 * The pairs of a tuned group: seed i of cell a's re-runs with seed i of cell b's, each cell at its
 * own chosen settings. The configuration is the crossed combination, the same for every pair.
 */
export function tunedPairs(runs: FinishedRun[], a: CellKind, b: CellKind, group: string): MatchedPair[] {
  const of = (cell: CellKind) => new Map(runs.filter((r) => isTunedRerun(r) && r.config.cell === cell && crossedKey(r.config) === group).map((r) => [(r.config.tune as { seedIndex: number }).seedIndex, r]))
  const as = of(a), bs = of(b)
  return [...as].flatMap(([i, ra]) => {
    const rb = bs.get(i)
    return rb ? [{ a: ra, b: rb, configuration: group, computation: `${group}|${ra.config.seed}`, settings: pairSettings(ra, rb) }] : []
  })
}

/** The settings the trials searched: those that vary among them, but the cell and the crossed ones. */
function searchedSettings(trials: VerdictRun[]): SettingName[] {
  return SETTING_NAMES.filter((k) => k !== 'cell' && !isCrossedSetting(k) && new Set(trials.map((r) => JSON.stringify(r.config[k]))).size > 1)
}

/** "lr=0.00713, H=64": a configuration's searched settings, as levelName writes them. */
function settingsText(c: RunConfig, searched: SettingName[]): string {
  if (!searched.length) return 'the one configuration searched'
  return searched.map((k) => {
    const v = c[k]
    return levelName(k as never, typeof v === 'number' && !Number.isInteger(v) ? formatValue(v) : String(v))
  }).join(', ')
}

/** "cpu-native, horizon 3": what tells one crossed combination of a task from another. */
function crossedText(c: RunConfig): string {
  return SETTING_NAMES.filter((k) => k !== 'task' && isCrossedSetting(k) && c[k] !== undefined && SETTINGS[k].group !== 'task').map((k) => (k === 'backend' ? String(c[k]) : `${k} ${String(c[k])}`)).join(', ') || String(c.seqLen ?? '')
}

/** Each cell's expected best validation metric against the number of trials, with the choice it made. */
function budgetView(trials: VerdictRun[], reruns: FinishedRun[], searched: SettingName[], seeds: number): TunedView | null {
  const metric = reruns[0].figures.metric
  const cells = CELL_KINDS.filter((c) => reruns.some((r) => r.config.cell === c))
  const view: TunedView = { trials: {}, diverged: {}, seeds, chosen: {}, expectedMax: {}, band: {}, metric: { name: metric.name, lowerIsBetter: metric.lowerIsBetter }, baselines: { trivial: null, classical: null }, crossing: '', lines: [] }
  for (const cell of cells) {
    const own = trials.filter((r) => r.config.cell === cell)
    const finished = own.filter(isFinishedRun)
    const values = finished.map((r) => r.figures.finalMetric).filter(Number.isFinite)
    view.trials[cell] = values.length
    view.diverged[cell] = own.length - values.length
    const curve = expectedBestCurve(values, metric.lowerIsBetter, 0x7e5ed + cells.indexOf(cell))
    view.expectedMax[cell] = curve.values
    view.band[cell] = curve.band
    const rerun = reruns.find((r) => r.config.cell === cell)!
    const chosenTrial = (rerun.config.tune as { trial: number }).trial
    const trial = finished.find((r) => (r.config.tune as { trial: number }).trial === chosenTrial)
    const ownReruns = reruns.filter((r) => r.config.cell === cell)
    view.chosen[cell] = { trial: chosenTrial + 1, settings: settingsText(rerun.config, searched), validation: trial?.figures.finalMetric ?? NaN, stepMs: median(ownReruns.map((r) => stepTimeShown(r.figures))) }
  }
  const scored = trials.filter(isFinishedRun)
  view.baselines = { trivial: scored[0]?.figures.baseline.metric ?? null, classical: scored[0]?.figures.classical?.metric ?? null }
  view.crossing = crossingText(view, cells)
  view.lines = tunedLines(view)
  return view
}

/**
 * Which cell's curve is ahead at each budget, in one sentence: "With up to 4 trials LSTM is ahead;
 * from 5 on GRU is." A description of expected values over the observed trials, not a test.
 */
export function crossingText(view: Pick<TunedView, 'expectedMax' | 'metric'>, cells: CellKind[]): string {
  const curves = cells.filter((c) => view.expectedMax[c]?.length)
  const name = `expected best validation ${view.metric.name.toUpperCase()}`
  if (curves.length < 2) return curves.length ? `One cell only: its ${name} over ${view.expectedMax[curves[0]]!.length} trials is drawn, with nothing to cross.` : ''
  const N = Math.min(...curves.map((c) => view.expectedMax[c]!.length))
  const better = (x: number, y: number) => (view.metric.lowerIsBetter ? x < y : x > y)
  const leaders = Array.from({ length: N }, (_, k) => curves.reduce((best, c) => (better(view.expectedMax[c]![k], view.expectedMax[best]![k]) ? c : best)))
  const runs: Array<{ cell: CellKind; from: number; to: number }> = []
  leaders.forEach((cell, k) => {
    const last = runs.at(-1)
    if (last && last.cell === cell) last.to = k + 1
    else runs.push({ cell, from: k + 1, to: k + 1 })
  })
  const note = ` (the ${name} of n trials drawn from each cell's ${N}, Dodge et al. 2019; described, not tested)`
  if (runs.length === 1) return `${cellName(runs[0].cell)} is ahead at every budget from 1 to ${N} trials: the lines never cross${note}.`
  if (runs.length === 2) return `With up to ${runs[0].to} trial${runs[0].to === 1 ? '' : 's'} ${cellName(runs[0].cell)} is ahead; from ${runs[1].from} on ${cellName(runs[1].cell)} is${note}.`
  return `The lead changes ${runs.length - 1} times: ${runs.map((r) => `${cellName(r.cell)} ${r.from === r.to ? `at ${r.from}` : `from ${r.from} to ${r.to}`}`).join(', ')} trials${note}.`
}
