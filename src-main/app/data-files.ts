// The user's data files as the builder sees them before a sweep (series, classify): a preview of
// what a task reads from one, and the uploads `serve` keeps beside the database. Both check the
// file as a run would, so that a file the preview accepts is one the sweep accepts.

import { createHash } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { decodeDataText, readDataFile } from '../engine/data-file'
import { InputError } from '../engine/errors'
import { DEFAULT_SETTINGS, parseSweepSpec } from '../engine/sweep/spec'
import { createTask, DATA_FILE_TASKS, taskOptions } from '../engine/tasks'
import { parseTable } from '../engine/tasks/table'
import type { DataPreview } from '../ipc/contract'

/** A data file read as its task would read it: the first rows, what the task takes from them, both baselines. */
export async function previewDataFile(value: unknown): Promise<DataPreview> {
  // The settings as a spec's, checked by the same validator; then the task built as a run would build it.
  const spec = parseSweepSpec({ settings: value }, 'settings')
  const settings = { ...DEFAULT_SETTINGS, ...spec.settings }
  if (!DATA_FILE_TASKS.includes(settings.task)) throw new InputError('task', `only ${DATA_FILE_TASKS.join(' and ')} read a data file`)
  if (!settings.dataFile) throw new InputError('dataFile', 'give the path of a CSV or TSV file with a header row')
  const text = await readDataFile(settings.dataFile, 'dataFile')
  const table = parseTable(text, settings.dataFile)
  const task = createTask(settings.task, taskOptions(settings, text), spec.seed)
  const pick = (b: { metric: number; standardError?: number; description: string }) => ({ metric: b.metric, standardError: b.standardError, description: b.description })
  return {
    header: table.header, rows: table.rows.slice(0, 5), totalRows: table.rows.length, summary: task.citation, seqLen: task.seqLen,
    baseline: pick(task.baseline), classical: task.classical ? pick(task.classical) : null, metric: { name: task.metric.name, lowerIsBetter: task.metric.lowerIsBetter },
  }
}

/**
 * An uploaded data file, refused as it would be when read (not text, not UTF-8), kept beside the
 * database (the app-data folder by default) in rnnbench-uploads/, named by its content: the same
 * file uploaded twice is one file. Returns its path, which goes into the spec.
 */
export async function keepUpload(databasePath: string, name: string, base64: string): Promise<string> {
  const safe = basename(name).replace(/[^\w.-]+/g, '_').slice(-100)
  if (!/\.(csv|tsv|txt)$/i.test(safe)) throw new InputError('dataFile', `${name}: give a .csv, .tsv or .txt file`)
  const bytes = Buffer.from(base64, 'base64')
  decodeDataText(bytes, name, 'dataFile')
  const dir = databasePath === ':memory:' ? join(tmpdir(), 'rnnbench-uploads') : join(dirname(databasePath), 'rnnbench-uploads')
  await mkdir(dir, { recursive: true })
  const path = join(dir, `${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}-${safe}`)
  await writeFile(path, bytes)
  return path
}
