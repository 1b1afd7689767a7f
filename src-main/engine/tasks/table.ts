// CSV and TSV with a header row, parsed from text (tasks never touch the file system): quoted
// fields with "" for a quote, CRLF or LF, the delimiter taken from the header. Errors name the
// file, the row (as a spreadsheet numbers it: the header is row 1) and the column.

import { InputError } from '../errors'

export interface DataTable {
  source: string
  header: string[]
  /** Data rows, each as long as the header. */
  rows: string[][]
  delimiter: ',' | '\t' | ';'
}

export function parseTable(text: string, source: string, field = 'dataFile'): DataTable {
  const body = text.replace(/^\uFEFF/, '')
  if (!body.trim()) throw new InputError(field, `${source} is empty; give a header row and data rows`)
  const firstLine = body.slice(0, body.search(/\r?\n|$/))
  const counts = { ',': firstLine.split(',').length, '\t': firstLine.split('\t').length, ';': firstLine.split(';').length }
  const delimiter = (Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0]) as DataTable['delimiter']
  const records = splitRecords(body, delimiter, source, field)
  const header = records[0].map((h) => h.trim())
  if (records.length < 2) throw new InputError(field, `${source} has a header row and no data rows`)
  header.forEach((h, i) => {
    if (!h) throw new InputError(field, `${source} row 1, column ${i + 1}: the header has no name`)
    if (header.indexOf(h) !== i) throw new InputError(field, `${source} row 1: the column "${h}" appears twice`)
  })
  const rows: string[][] = []
  for (let r = 1; r < records.length; r++) {
    const rec = records[r]
    if (rec.length === 1 && rec[0].trim() === '') continue // a blank line
    if (rec.length !== header.length) throw new InputError(field, `${source} row ${r + 1}: ${rec.length} fields where the header has ${header.length} (delimiter "${delimiter === '\t' ? '\\t' : delimiter}")`)
    rows.push(rec)
  }
  if (!rows.length) throw new InputError(field, `${source} has a header row and no data rows`)
  return { source, header, rows, delimiter }
}

function splitRecords(text: string, d: string, source: string, field: string): string[][] {
  const out: string[][] = []
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
    if (c === '\n') { rec.push(cell); out.push(rec); rec = []; cell = ''; i++; line++; continue }
    cell += c; i++
  }
  if (quoted) throw new InputError(field, `${source}: a quoted field opened on line ${openedAt} never closes`)
  if (cell !== '' || rec.length) { rec.push(cell); out.push(rec) }
  return out
}

/** The column's index by name, or an error listing the columns there are. */
export function columnIndex(table: DataTable, name: string, setting: string): number {
  const i = table.header.indexOf(name)
  if (i < 0) throw new InputError(setting, `${table.source} has no column "${name}"; its columns: ${table.header.join(', ')}`)
  return i
}

/** A cell as a number, or an error naming its row and column. */
export function numberAt(table: DataTable, row: number, col: number, setting = 'dataFile'): number {
  const text = table.rows[row][col].trim()
  if (text === '') throw new InputError(setting, `${table.source} row ${row + 2}, column "${table.header[col]}": empty; fill the value or remove the row`)
  const v = Number(text)
  if (!Number.isFinite(v)) throw new InputError(setting, `${table.source} row ${row + 2}, column "${table.header[col]}": ${JSON.stringify(text.slice(0, 30))} is not a number`)
  return v
}

/** Whether every non-empty cell of a column reads as a number (and at least one does). */
export function isNumericColumn(table: DataTable, col: number): boolean {
  let any = false
  for (const r of table.rows) {
    const t = r[col].trim()
    if (t === '') continue
    if (!Number.isFinite(Number(t))) return false
    any = true
  }
  return any
}
