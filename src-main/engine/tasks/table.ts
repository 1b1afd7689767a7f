// CSV and TSV with a header row, parsed from text (tasks never touch the file system): quoted
// fields with "" for a quote, CRLF or LF, the delimiter taken from the header. Errors name the
// file, the line (as an editor numbers it, counting blank lines and the lines inside quoted
// fields: the header is line 1) and the column.

import { InputError } from '../errors'

export interface DataTable {
  source: string
  header: string[]
  /** Data rows, each as long as the header. */
  rows: string[][]
  /** The line of the file each data row starts on (1-based, the header's is 1): what errors name. */
  lines: number[]
  delimiter: ',' | '\t' | ';'
}

export function parseTable(text: string, source: string, field = 'dataFile'): DataTable {
  const body = text.replace(/^\uFEFF/, '')
  if (!body.trim()) throw new InputError(field, `${source} is empty; give a header row and data rows`)
  const firstLine = body.slice(0, body.search(/\r?\n|$/))
  const counts = { ',': firstLine.split(',').length, '\t': firstLine.split('\t').length, ';': firstLine.split(';').length }
  const delimiter = (Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0]) as DataTable['delimiter']
  const { records, starts } = splitRecords(body, delimiter, source, field)
  const header = records[0].map((h) => h.trim())
  if (records.length < 2) throw new InputError(field, `${source} has a header row and no data rows`)
  header.forEach((h, i) => {
    if (!h) throw new InputError(field, `${source} line ${starts[0]}, column ${i + 1}: the header has no name`)
    if (header.indexOf(h) !== i) throw new InputError(field, `${source} line ${starts[0]}: the column "${h}" appears twice`)
  })
  const rows: string[][] = [], lines: number[] = []
  for (let r = 1; r < records.length; r++) {
    const rec = records[r]
    if (rec.length === 1 && rec[0].trim() === '') continue // a blank line
    if (rec.length !== header.length) throw new InputError(field, `${source} line ${starts[r]}: ${rec.length} fields where the header has ${header.length} (delimiter "${delimiter === '\t' ? '\\t' : delimiter}")`)
    rows.push(rec)
    lines.push(starts[r])
  }
  if (!rows.length) throw new InputError(field, `${source} has a header row and no data rows`)
  return { source, header, rows, lines, delimiter }
}

/** The records, and the line each starts on. */
function splitRecords(text: string, d: string, source: string, field: string): { records: string[][]; starts: number[] } {
  const out: string[][] = [], starts: number[] = [1]
  let rec: string[] = [], cell = '', i = 0, quoted = false, line = 1, openedAt = 1
  while (i < text.length) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 2; continue }
      if (c === '"') { quoted = false; i++; continue }
      if (c === '\n') line++
      cell += c; i++; continue
    }
    if (c === '"' && cell === '') { quoted = true; openedAt = line; i++; continue }
    if (c === d) { rec.push(cell); cell = ''; i++; continue }
    if (c === '\r' && text[i + 1] === '\n') { i++; continue }
    if (c === '\n') { rec.push(cell); out.push(rec); rec = []; cell = ''; i++; line++; starts.push(line); continue }
    cell += c; i++
  }
  if (quoted) throw new InputError(field, `${source}: a quoted field opened on line ${openedAt} never closes`)
  if (cell !== '' || rec.length) { rec.push(cell); out.push(rec) }
  return { records: out, starts: starts.slice(0, out.length) }
}

/** Where a data row is, for an error: its line in the file. */
export const lineOf = (table: DataTable, row: number): string => `line ${table.lines[row]}`

/**
 * A number as people write one in a data file: decimal, with an optional sign, point and exponent.
 * Number() also reads "0x1F" as 31, "0b11" as 3 and "Infinity": none of them is a measurement.
 */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/**
 * The largest magnitude a value may have: the statistics a task computes (means, variances, the
 * baselines' least squares) square and sum the values in float64, and 1e308 squared is Infinity.
 */
export const MAX_DATA_MAGNITUDE = 1e150

/** The column's index by name, or an error listing the columns there are. */
export function columnIndex(table: DataTable, name: string, setting: string): number {
  const i = table.header.indexOf(name)
  if (i < 0) throw new InputError(setting, `${table.source} has no column "${name}"; its columns: ${table.header.join(', ')}`)
  return i
}

/** A cell as a number, or an error naming its row and column. */
export function numberAt(table: DataTable, row: number, col: number, setting = 'dataFile'): number {
  const text = table.rows[row][col].trim()
  const where = `${table.source} ${lineOf(table, row)}, column "${table.header[col]}"`
  if (text === '') throw new InputError(setting, `${where}: empty; fill the value or remove the row`)
  const v = DECIMAL.test(text) ? Number(text) : NaN
  if (!Number.isFinite(v)) throw new InputError(setting, `${where}: ${JSON.stringify(text.slice(0, 30))} is not a number (write it in decimal, such as 12.5 or -3e4)`)
  if (Math.abs(v) > MAX_DATA_MAGNITUDE) throw new InputError(setting, `${where}: ${text.slice(0, 30)} is too large (at most ${MAX_DATA_MAGNITUDE} in magnitude: its square must stay finite); rescale the column`)
  return v
}

/** Whether every non-empty cell of a column reads as a number (and at least one does). */
export function isNumericColumn(table: DataTable, col: number): boolean {
  return firstNonNumeric(table, col) === null && table.rows.some((r) => r[col].trim() !== '')
}

/** The first data row whose cell in this column is neither empty nor a decimal number; null when there is none. */
export function firstNonNumeric(table: DataTable, col: number): number | null {
  const i = table.rows.findIndex((r) => { const t = r[col].trim(); return t !== '' && !DECIMAL.test(t) })
  return i < 0 ? null : i
}

/**
 * Why a column that is mostly numbers is not numeric: the first cell that is not one, by line.
 * Null when no column is mostly numbers (a file of text).
 */
export function nearlyNumeric(table: DataTable, skip: number[] = []): string | null {
  for (let c = 0; c < table.header.length; c++) {
    if (skip.includes(c)) continue
    const bad = firstNonNumeric(table, c)
    if (bad === null) continue
    const numbers = table.rows.filter((r) => DECIMAL.test(r[c].trim())).length
    if (numbers >= table.rows.length / 2) return `column "${table.header[c]}" is numeric but for ${lineOf(table, bad)}: ${JSON.stringify(table.rows[bad][c].trim().slice(0, 30))}`
  }
  return null
}
