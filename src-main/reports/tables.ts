// The descriptive tables under each verdict: median, IQR, mean ± std and a bootstrap interval of
// the median, per cell and backend (backends are never pooled: cpu-js and cpu-native differ by
// orders of magnitude in speed, and in a time budget by how far they train), then by each setting
// that varies, then per configuration over its seeds. Each table's caption says what it groups by.

import type { SettingName } from '../engine/sweep/spec'
import { groupBy } from '../../src-shared/collections'
import { SETTING_LABELS } from '../../src-shared/settings'
import { isFinishedRun, type FinishedRun, type VerdictRun } from './matching'
import type { Question } from './questions'
import { describe } from './stats'
import type { Table, TableRow } from '../model/reports'

export type { Table, TableRow }

/** A short description of a configuration by the settings that vary in the sweep. */
export function describeConfig(c: VerdictRun['config'], varying: SettingName[]): string {
  return varying.filter((k) => k !== 'cell').map((k) => `${SETTING_LABELS[k] ?? k}=${String(c[k])}`).join(' ') || 'all runs'
}

export function questionTables(q: Question, runs: VerdictRun[], varying: SettingName[], seed = 1): { tables: Table[]; excluded: number } {
  const done = runs.filter(isFinishedRun).filter((r) => Number.isFinite(q.runValue(r)))
  const excluded = runs.filter((r) => !isFinishedRun(r) && (q.task === null || r.config.task === q.task)).length
  const backends = new Set(done.map((r) => r.config.backend))
  const byBackend = backends.size > 1
  const rows = (groups: Map<string, FinishedRun[]>, extra: (r: FinishedRun) => Partial<TableRow>) =>
    [...groups.values()].map((members) => ({ cell: members[0].config.cell, backend: members[0].config.backend, ...extra(members[0]), stats: describe(members.map(q.runValue), seed) }))
  const cellKey = (r: FinishedRun) => (byBackend ? `${r.config.cell}|${r.config.backend}` : r.config.cell)
  const grouping = byBackend ? 'cell and backend' : 'cell'
  const measure = q.measure.split(' (')[0]
  const tables: Table[] = [{ caption: `${measure} by ${grouping} (all runs of each pooled over the other settings)`, rows: rows(groupBy(done, cellKey), () => ({})), column: null }]
  for (const axis of varying.filter((k) => k !== 'cell' && k !== 'backend')) {
    tables.push({
      caption: `${measure} by ${grouping} and ${axis}`, column: axis,
      rows: rows(groupBy(done, (r) => `${cellKey(r)}|${JSON.stringify(r.config[axis])}`), (r) => ({ value: String(r.config[axis]) })),
    })
  }
  tables.push({
    caption: `${measure} per configuration, over its seeds`, column: 'configuration',
    rows: rows(groupBy(done, (r) => JSON.stringify({ ...r.config, seed: 0 })), (r) => ({ config: describeConfig(r.config, varying) })),
  })
  return { tables, excluded }
}
