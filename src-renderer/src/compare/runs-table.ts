// The runs table's order and search as plain functions: sort by any column (numbers as numbers,
// missing values last, ties kept in run order) and keep the rows whose text has every term typed.

import { formatBytes, formatValue } from '../../../src-shared/format'
import type { SettingName } from '../../../src-shared/settings'
import { settingText, type FinishedRun } from './analysis'

export type FigureColumn = 'seed' | 'stepMs' | 'memory' | 'steps' | 'finalMetric' | 'bestMetric' | 'status'
export type RunSortKey = 'number' | SettingName | FigureColumn
export interface RunSort { key: RunSortKey; descending: boolean }

export const FIGURE_COLUMNS: Array<{ key: FigureColumn; label: string }> = [
  { key: 'seed', label: 'seed' }, { key: 'stepMs', label: 'ms/step' }, { key: 'memory', label: 'memory' }, { key: 'steps', label: 'steps' },
  { key: 'finalMetric', label: 'final metric' }, { key: 'bestMetric', label: 'best (of run)' }, { key: 'status', label: 'status' },
]

/** A column's value of a run, as sorted: a number where the column is numeric, else its text. */
export function sortValue(r: FinishedRun, key: RunSortKey): number | string {
  switch (key) {
    case 'number': return r.idx + 1
    case 'seed': return r.config.seed
    case 'stepMs': return r.figures.stepMs.total.median
    case 'memory': return r.figures.memory.deviceBytes ?? r.figures.memory.analyticTotalBytes
    case 'steps': return r.figures.steps
    case 'finalMetric': return r.figures.finalMetric
    case 'bestMetric': return r.figures.bestMetric
    case 'status': return r.status
    default: {
      const text = settingText(r, key)
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
  for (const k of settings) parts.push(settingText(r, k), `${k}=${settingText(r, k)}`)
  return parts.join(' ').toLowerCase()
}

/** The runs whose row has every whitespace-separated term of the search (case ignored). */
export function searchRuns(runs: FinishedRun[], search: string, settings: SettingName[]): FinishedRun[] {
  const terms = search.toLowerCase().split(/\s+/).filter(Boolean)
  if (!terms.length) return runs
  return runs.filter((r) => { const text = rowText(r, settings); return terms.every((t) => text.includes(t)) })
}
