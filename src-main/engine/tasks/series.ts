// `series`: the user's own time series, from a CSV or TSV with a header row. The column to forecast
// is named by `column` (default: the last numeric column). A date column is recognised (2024-01-31,
// 2024-01, 2024/01/31, an ISO date-time): its spacing gives the season (monthly 12, quarterly 4,
// weekly 52, daily 7, hourly 24), missing dates in a regular series are filled by linear
// interpolation and said so, and rows must be in time order. Without dates the season comes from
// the autocorrelation. An empty or non-numeric cell is refused, naming its row and column.

import { InputError } from '../errors'
import { forecastTask } from './forecast'
import { columnIndex, isNumericColumn, lineOf, nearlyNumeric, numberAt, parseTable, type DataTable } from './table'
import type { Task, TaskOptions } from './task'

export const SERIES_DEFAULTS = { horizon: 1, testFraction: 0.2 } as const

const DATE = /^(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2})(?:[T ](\d{1,2})(?::(\d{2})(?::(\d{2}))?)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/

/** A date cell as milliseconds since the epoch (UTC), or null when it is not one. */
export function parseDate(text: string): number | null {
  const m = DATE.exec(text.trim())
  if (!m) return null
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3] ?? '1', m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number)
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null
  return Date.UTC(y, mo - 1, d, h, mi, s)
}

const DAY = 86_400_000
/** Steps of a regular calendar: the season each implies, and how to count steps between two dates. */
const FREQUENCIES = [
  { name: 'hourly', days: 1 / 24, season: 24, steps: (a: number, b: number) => Math.round((b - a) / (DAY / 24)) },
  { name: 'daily', days: 1, season: 7, steps: (a: number, b: number) => Math.round((b - a) / DAY) },
  { name: 'weekly', days: 7, season: 52, steps: (a: number, b: number) => Math.round((b - a) / (7 * DAY)) },
  { name: 'monthly', days: 30.44, season: 12, steps: (a: number, b: number) => monthsBetween(a, b) },
  { name: 'quarterly', days: 91.3, season: 4, steps: (a: number, b: number) => Math.round(monthsBetween(a, b) / 3) },
  { name: 'yearly', days: 365.25, season: 1, steps: (a: number, b: number) => Math.round(monthsBetween(a, b) / 12) },
]
function monthsBetween(a: number, b: number): number {
  const da = new Date(a), db = new Date(b)
  return (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + db.getUTCMonth() - da.getUTCMonth()
}

/** The first column whose every cell is a date, if any. */
function dateColumn(table: DataTable): number | null {
  for (let c = 0; c < table.header.length; c++) {
    if (table.rows.every((r) => r[c].trim() !== '' && parseDate(r[c]) !== null) && !isNumericColumn(table, c)) return c
  }
  return null
}

/** The season from the autocorrelation of the first differences: the lag (2–⌊n/3⌋, at most 400) where it peaks, if above 0.3; else 1. */
export function seasonFromAutocorrelation(values: readonly number[]): number {
  const d = values.slice(1).map((v, i) => v - values[i])
  const n = d.length
  const mean = d.reduce((a, b) => a + b, 0) / n
  const variance = d.reduce((s, v) => s + (v - mean) ** 2, 0)
  if (!(variance > 0)) return 1
  let best = 1, bestR = 0.3
  for (let lag = 2; lag <= Math.min(400, Math.floor(n / 3)); lag++) {
    let s = 0
    for (let i = lag; i < n; i++) s += (d[i] - mean) * (d[i - lag] - mean)
    const r = s / variance
    if (r > bestR) { bestR = r; best = lag }
  }
  return best
}

export interface ParsedSeries { values: number[]; column: string; covariates: Array<{ column: string; values: number[] }>; dates: { column: string; frequency: string } | null; filled: number; seasonality: number; seasonFrom: string }

/** The series a data file holds, as `series` reads it. */
export function parseSeries(text: string, source: string, options: Pick<TaskOptions, 'column' | 'seasonality' | 'covariates'>): ParsedSeries {
  const table = parseTable(text, source)
  const dates = dateColumn(table)
  let col: number
  if (options.column !== undefined) {
    col = columnIndex(table, options.column, 'column')
  } else {
    const numeric = table.header.map((_, c) => c).filter((c) => c !== dates && isNumericColumn(table, c))
    if (!numeric.length) {
      const near = nearlyNumeric(table, dates === null ? [] : [dates])
      throw new InputError(near ? 'dataFile' : 'column', near ? `${source} has no numeric column to forecast: ${near}; fix that value, or name the column with "column"` : `${source} has no numeric column to forecast (columns: ${table.header.join(', ')}); name one with "column"`)
    }
    col = numeric.at(-1)!
  }
  if (col === dates) throw new InputError('column', `${source}: "${table.header[col]}" holds dates; name the column of values to forecast`)
  const extraCols = (options.covariates ?? []).map((name) => {
    const c = columnIndex(table, name, 'covariates')
    if (c === col || c === dates) throw new InputError('covariates', `${source}: "${name}" is ${c === col ? 'the column forecast' : 'the date column'}; a covariate is another numeric column`)
    return c
  })
  // Every column read the same way, and the gaps in the dates filled in each.
  const columns = [col, ...extraCols].map((c) => table.rows.map((_, r) => numberAt(table, r, c)))
  let values = columns[0]
  let filled = 0, frequency: (typeof FREQUENCIES)[number] | null = null
  if (dates !== null) {
    const times = table.rows.map((r) => parseDate(r[dates])!)
    for (let r = 1; r < times.length; r++) {
      if (!(times[r] > times[r - 1])) throw new InputError('dataFile', `${source} ${lineOf(table, r)}, column "${table.header[dates]}": ${table.rows[r][dates]} does not come after ${table.rows[r - 1][dates]}; sort the rows by date`)
    }
    const gaps = times.slice(1).map((t, i) => (t - times[i]) / DAY).sort((a, b) => a - b)
    const typical = gaps[Math.floor(gaps.length / 2)]
    frequency = FREQUENCIES.reduce((best, f) => (Math.abs(Math.log(f.days / typical)) < Math.abs(Math.log(best.days / typical)) ? f : best))
    // Missing dates: the steps between neighbours, filled by linear interpolation (in every column read).
    const out = columns.map((v) => [v[0]])
    for (let r = 1; r < values.length; r++) {
      const steps = frequency.steps(times[r - 1], times[r])
      if (steps > 1000) throw new InputError('dataFile', `${source} ${lineOf(table, r)}: ${steps - 1} ${frequency.name} steps are missing before ${table.rows[r][dates]}; the series has a gap too long to fill`)
      columns.forEach((v, i) => {
        for (let k = 1; k < steps; k++) out[i].push(v[r - 1] + ((v[r] - v[r - 1]) * k) / steps)
        out[i].push(v[r])
      })
      filled += Math.max(0, steps - 1)
    }
    columns.splice(0, columns.length, ...out)
    values = columns[0]
  }
  const seasonality = options.seasonality ?? (frequency ? frequency.season : seasonFromAutocorrelation(values))
  const seasonFrom = options.seasonality !== undefined ? 'as set' : frequency ? `${frequency.name} dates` : 'the autocorrelation'
  return { values, column: table.header[col], covariates: extraCols.map((c, i) => ({ column: table.header[c], values: columns[i + 1] })), dates: dates !== null && frequency ? { column: table.header[dates], frequency: frequency.name } : null, filled, seasonality, seasonFrom }
}

export function seriesTask(window: number, options: TaskOptions): Task {
  if (!options.dataFile || options.data === undefined) throw new InputError('dataFile', 'the series task needs dataFile: a CSV or TSV file with a header row')
  const s = parseSeries(options.data, options.dataFile, options)
  return forecastTask({
    name: 'series', values: s.values, covariates: s.covariates.map((c) => c.values), window, horizon: options.horizon ?? SERIES_DEFAULTS.horizon, testFraction: options.testFraction ?? SERIES_DEFAULTS.testFraction,
    seasonality: s.seasonality, unit: `the units of "${s.column}"`, what: `"${s.column}"`,
    citation: `${options.dataFile}, column "${s.column}"${s.covariates.length ? ` with ${s.covariates.map((c) => `"${c.column}"`).join(', ')} beside it` : ''}: ${s.values.length} values${s.dates ? `, ${s.dates.frequency} (dates in "${s.dates.column}")` : ''}${s.filled ? `, ${s.filled} missing date${s.filled > 1 ? 's' : ''} filled by linear interpolation` : ''}; season ${s.seasonality} (from ${s.seasonFrom}).`,
  })
}
