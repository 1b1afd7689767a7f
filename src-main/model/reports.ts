// What a report shows, as data: descriptive statistics, the tables per question, and the one object
// (ReportData) the HTML and Markdown renderers and the report's chart script read. Types only.

import type { CellKind } from '../../src-shared/names'
import type { SettingName } from '../../src-shared/settings'
import type { SweepSpec } from '../engine/sweep/spec'
import type { GradFlowSnapshot } from '../engine/training'
import type { RunStatus, RunView, SeriesByRun } from './runs'
import type { Matching, QuestionVerdicts, TunedView, Verdict } from './verdicts'

export interface Describe {
  n: number
  median: number
  /** Interquartile range: q75 − q25. */
  iqr: number
  mean: number
  /** Sample standard deviation (n − 1); NaN for one value. */
  std: number
  /** 95% bootstrap percentile interval of the median. */
  ci95: [number, number]
}

export interface TableRow { cell: CellKind; backend: string; value?: string; config?: string; stats: Describe }
export interface Table { caption: string; rows: TableRow[]; column: string | null }


export interface AnsweredQuestion {
  id: string
  title: string
  measure: string
  kind: QuestionVerdicts['kind']
  /** Units of the tables' values: ms, bytes, a count, or the metric's own. */
  unit: 'ms' | 'bytes' | 'metric' | 'count'
  verdicts: Verdict[]
  note: string | null
  /** Per cell (and backend), by each setting that varies, per configuration. */
  tables: Table[]
  excluded: number
  /** A tuned question: each cell's choice and the budget curves (model/verdicts.ts TunedView). */
  tuned?: TunedView
}

export interface ReportData {
  format: 'rnnbench-report'
  version: 1
  generatedAt: string
  appVersion: string
  matching: Matching
  sweep: { id: number; name: string; createdAt: string; spec: SweepSpec; counts: Record<RunStatus, number>; total: number; planned: number; incomplete: string | null }
  varying: SettingName[]
  runs: RunView[]
  series: SeriesByRun
  gradFlow: Record<number, GradFlowSnapshot[]>
  questions: AnsweredQuestion[]
  environments: Array<Record<string, unknown>>
  reproduce: { command: string; seeds: number[]; appVersions: string[]; gitCommits: string[] }
  /** The machines the finished runs ran on: more than one after a sharded sweep is merged. */
  machines: number
}

