// The runs table's order, search and filters as plain functions: sort by any column (numbers as
// numbers, missing values last, ties kept in run order); keep the rows whose text has every plain
// term typed and whose values pass every comparison (`H=64`, `lr<0.01`, `T=50..200`,
// `accuracy>=0.9`, `ms<2`); one metric column per task, named with its metric, since an MSE and
// an RMSE in one column would sort as if they were one measure.

import { stepTimeShown } from '../../../src-shared/lost-cpu'
import { beatsBaseline, judgeBaseline } from '../../../src-shared/baseline-rule'
import { formatBytes, formatValue } from '../../../src-shared/format'
import { SETTING_LABELS, SETTING_NAMES, type SettingName } from '../../../src-shared/settings'
import { settingText, type FinishedRun } from './analysis'

export type FigureColumn = 'seed' | 'stepMs' | 'clean' | 'memory' | 'steps' | 'beatTrivial' | 'beatClassical' | 'status'
/** A task's final validation metric: `metric:adding`. */
export type MetricColumn = `metric:${string}`
export type RunSortKey = 'number' | SettingName | FigureColumn | MetricColumn
export interface RunSort { key: RunSortKey; descending: boolean }

export const FIGURE_COLUMNS: Array<{ key: FigureColumn; label: string }> = [
  { key: 'seed', label: 'seed' }, { key: 'stepMs', label: 'ms/step' }, { key: 'clean', label: 'kept CPU' }, { key: 'memory', label: 'memory' }, { key: 'steps', label: 'steps' },
  { key: 'beatTrivial', label: 'beat baseline' }, { key: 'beatClassical', label: 'beat classical' }, { key: 'status', label: 'status' },
]

/** One column per task, in first-seen order: the final validation metric, labelled with the task and the metric's name and direction. */
export function metricColumns(runs: FinishedRun[]): Array<{ key: MetricColumn; label: string; title: string }> {
  const seen = new Map<string, { key: MetricColumn; label: string; title: string }>()
  for (const r of runs) {
    const t = r.config.task
    if (seen.has(t)) continue
    const m = r.figures.metric
    seen.set(t, { key: `metric:${t}`, label: `${t} ${m.name} ${m.lowerIsBetter ? '↓' : '↑'}`, title: `final validation ${m.description ?? m.name} on ${t} (${m.lowerIsBetter ? 'lower' : 'higher'} is better)` })
  }
  return [...seen.values()]
}

/** Yes / no by the one rule (src-shared/baseline-rule.ts); "yes*" where no paired test was recorded and the metric alone decided; "–" without that baseline. */
export function baselineText(r: FinishedRun, which: 'trivial' | 'classical'): string {
  const j = judgeBaseline(r.figures, which)
  return j === null ? '–' : `${j.beat ? 'yes' : 'no'}${j.by === 'metric' ? '*' : ''}`
}

/** A column's value of a run, as sorted: a number where the column is numeric, else its text. */
export function sortValue(r: FinishedRun, key: RunSortKey): number | string {
  switch (key) {
    case 'number': return r.idx + 1
    case 'seed': return r.config.seed
    case 'stepMs': return stepTimeShown(r.figures)
    // The share of its timed steps that kept the CPU; NaN where not sampled.
    case 'clean': { const c = r.figures.cpu; return c?.signal === 'run-queue wait' && c.steps ? (c.steps - c.lost) / c.steps : NaN }
    case 'memory': return r.figures.memory.deviceBytes ?? r.figures.memory.analyticTotalBytes
    case 'steps': return r.figures.steps
    case 'beatTrivial': return beatsBaseline(r.figures, 'trivial') ? 1 : 0
    case 'beatClassical': return r.figures.classical ? (beatsBaseline(r.figures, 'classical') ? 1 : 0) : NaN
    case 'status': return r.status
    default: {
      if (key.startsWith('metric:')) return r.config.task === key.slice(7) ? r.figures.finalMetric : NaN
      const text = settingText(r, key as SettingName)
      return text !== '' && Number.isFinite(Number(text)) ? Number(text) : text
    }
  }
}

export function sortRuns(runs: FinishedRun[], sort: RunSort): FinishedRun[] {
  const keyed = runs.map((r) => ({ r, v: sortValue(r, sort.key) }))
  const missing = (v: number | string) => typeof v === 'number' && !Number.isFinite(v)
  keyed.sort((a, b) => {
    if (missing(a.v) || missing(b.v)) return missing(a.v) === missing(b.v) ? a.r.idx - b.r.idx : missing(a.v) ? 1 : -1 // missing last, either way
    const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v))
    return (sort.descending ? -c : c) || a.r.idx - b.r.idx
  })
  return keyed.map((k) => k.r)
}

/** What a row says, for the search: "#3 lstm cpu-js hiddenSize=64 seed=2 …", lower case. */
export function rowText(r: FinishedRun, settings: SettingName[]): string {
  const parts = [`#${r.idx + 1}`, r.status, `seed=${r.config.seed}`, formatBytes(r.figures.memory.analyticTotalBytes), formatValue(r.figures.finalMetric)]
  for (const k of settings) parts.push(settingText(r, k), `${k}=${settingText(r, k)}`, ...(SETTING_LABELS[k] ? [`${SETTING_LABELS[k]}=${settingText(r, k)}`] : []))
  return parts.join(' ').toLowerCase()
}

/** A comparison typed in the search: `H=64`, `lr<0.01`, `T=50..200`, `accuracy>=0.9`. */
export interface Comparison { term: string; key: FilterKey; op: '=' | '<' | '<=' | '>' | '>=' | '..'; value: number | string; to?: number }
/** What a comparison may name: a setting (by name or short label), a task's metric name, or a figure. */
export type FilterKey = { setting: SettingName } | { metric: string } | { figure: 'stepMs' | 'seed' | 'steps' | 'memory' }

const FIGURE_ALIASES: Record<string, 'stepMs' | 'seed' | 'steps' | 'memory'> = { ms: 'stepMs', 'ms/step': 'stepMs', stepms: 'stepMs', seed: 'seed', steps: 'steps', memory: 'memory', mib: 'memory' }

/** Resolves the name before an operator; null when it names nothing these runs have. */
function filterKey(name: string, metricNames: Set<string>): FilterKey | null {
  const n = name.toLowerCase()
  const setting = SETTING_NAMES.find((k) => k.toLowerCase() === n || SETTING_LABELS[k]?.toLowerCase() === n)
  if (setting) return { setting }
  if (FIGURE_ALIASES[n]) return { figure: FIGURE_ALIASES[n] }
  if (metricNames.has(n)) return { metric: n }
  return null
}

export interface ParsedSearch { words: string[]; comparisons: Comparison[]; error: string | null }

/**
 * The search, read: plain words must appear in a row's text; `name op value` terms compare. An
 * unknown name or a number that is not one gives a one-line error naming the term and what would
 * be valid, and the term is left out rather than hiding every row.
 */
export function parseSearch(search: string, runs: FinishedRun[]): ParsedSearch {
  const metricNames = new Set(runs.map((r) => r.figures.metric.name.toLowerCase()))
  const out: ParsedSearch = { words: [], comparisons: [], error: null }
  for (const term of search.trim().split(/\s+/).filter(Boolean)) {
    const m = /^([A-Za-z][\w/]*)(<=|>=|=|<|>)(.+)$/.exec(term)
    if (!m) { out.words.push(term.toLowerCase()); continue }
    const [, name, op, raw] = m
    const key = filterKey(name, metricNames)
    if (!key) {
      out.error ??= `"${term}": no column "${name}"; compare a setting (H, T, lr, hiddenSize, …), a metric (${[...metricNames].join(', ') || 'none here'}), ms, memory, seed or steps`
      continue
    }
    const range = /^(-?[\d.eE+-]+)\.\.(-?[\d.eE+-]+)$/.exec(raw)
    if (range && op === '=') {
      const [a, b] = [Number(range[1]), Number(range[2])]
      if (Number.isFinite(a) && Number.isFinite(b)) { out.comparisons.push({ term, key, op: '..', value: Math.min(a, b), to: Math.max(a, b) }); continue }
    }
    const num = Number(raw)
    if (op !== '=' && !Number.isFinite(num)) {
      out.error ??= `"${term}": ${op} needs a number after it, as in ${name}${op}0.01`
      continue
    }
    out.comparisons.push({ term, key, op: op as Comparison['op'], value: Number.isFinite(num) ? num : raw.toLowerCase() })
  }
  return out
}

/** A run's value for a comparison's name; NaN where the run has none (another task's metric). */
function valueFor(r: FinishedRun, key: FilterKey): number | string {
  if ('setting' in key) { const t = settingText(r, key.setting); return t !== '' && Number.isFinite(Number(t)) ? Number(t) : t.toLowerCase() }
  if ('metric' in key) return r.figures.metric.name.toLowerCase() === key.metric ? r.figures.finalMetric : NaN
  if (key.figure === 'memory') return (r.figures.memory.deviceBytes ?? r.figures.memory.analyticTotalBytes) / 2 ** 20
  return sortValue(r, key.figure)
}

export function passes(r: FinishedRun, c: Comparison): boolean {
  const v = valueFor(r, c.key)
  if (c.op === '=') return typeof c.value === 'number' && typeof v === 'number' ? Math.abs(v - c.value) <= 1e-9 * Math.max(1, Math.abs(c.value)) : String(v) === String(c.value)
  if (typeof v !== 'number' || !Number.isFinite(v) || typeof c.value !== 'number') return false
  switch (c.op) {
    case '<': return v < c.value
    case '<=': return v <= c.value
    case '>': return v > c.value
    case '>=': return v >= c.value
    default: return v >= c.value && v <= c.to!
  }
}

/** The runs whose row has every plain word of the search (case ignored) and passes every comparison. */
export function searchRuns(runs: FinishedRun[], search: string, settings: SettingName[]): FinishedRun[] {
  const { words, comparisons } = parseSearch(search, runs)
  if (!words.length && !comparisons.length) return runs
  return runs.filter((r) => {
    if (!comparisons.every((c) => passes(r, c))) return false
    if (!words.length) return true
    const text = rowText(r, settings)
    return words.every((t) => text.includes(t))
  })
}
