// Everything a report shows, gathered from the database once: the sweep, every run, the series
// the charts draw, the gradient flow of one run per cell, the answered questions, the machines the
// runs ran on, and what reproducing the sweep takes. The HTML and Markdown renderers and the
// report's chart script all read this one object.

import { SETTING_NAMES, type SettingName } from '../../src-shared/settings'
import type { SweepSpec } from '../engine/sweep/spec'
import type { GradFlowSnapshot } from '../engine/training'
import type { RunView, SeriesByRun } from '../ipc/contract'
import type { RunStatus, Store } from '../store/store'
import { gradFlowRunPerCell } from '../../src-shared/selection'
import type { Matching } from './matching'
import { questionsFor } from './questions'
import { sweepVerdicts } from './sweep-verdicts'
import { questionTables, type Table } from './tables'
import type { QuestionVerdicts, Verdict } from './verdicts'

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
}

export interface ReportData {
  format: 'rnnbench-report'
  version: 1
  generatedAt: string
  appVersion: string
  matching: Matching
  sweep: { id: number; name: string; createdAt: string; spec: SweepSpec; counts: Record<RunStatus, number>; total: number }
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

/** Points a series keeps in a report: its charts are read, not zoomed. */
const REPORT_POINTS = 120

export function buildReportData(store: Store, sweepId: number, options: { matching: Matching; appVersion: string; now?: Date }): ReportData {
  const sweep = store.getSweep(sweepId)
  if (!sweep) throw new Error(`no sweep ${sweepId}`)
  const rows = store.listRuns(sweepId)
  const varying = SETTING_NAMES.filter((k) => new Set(rows.map((r) => JSON.stringify(r.config[k]))).size > 1)
  const report = sweepVerdicts(store, sweepId, options.matching)
  const verdicts = new Map(report.questions.map((q) => [q.id, q]))
  const questions = questionsFor(rows).map((q): AnsweredQuestion => {
    const v = verdicts.get(q.id)!
    const { tables, excluded } = questionTables(q, rows, varying)
    return { id: q.id, title: q.title, measure: q.measure, kind: q.kind, unit: q.unit, verdicts: v.verdicts, note: v.note, tables: tables.filter((t) => t.rows.length), excluded }
  })
  const runs: RunView[] = rows.map((r) => ({
    id: r.id, sweepId: r.sweepId, idx: r.idx, status: r.status, error: r.error, startedAt: r.startedAt, finishedAt: r.finishedAt,
    config: r.config, figures: r.figures, environment: r.environment,
  }))
  const series: SeriesByRun = {}
  for (const [runId, byName] of store.sweepSeries(sweepId, ['val_metric', 'train_loss'], REPORT_POINTS)) series[runId] = Object.fromEntries(byName)
  const gradFlow: Record<number, GradFlowSnapshot[]> = {}
  for (const task of new Set(rows.map((r) => r.config.task))) {
    for (const r of gradFlowRunPerCell(rows.filter((x) => x.config.task === task && x.status === 'done'))) gradFlow[r.id] = store.gradFlow(r.id)
  }
  // The machines, once each: what differs between runs of one machine (backend, device, threads,
  // the load it was timed under) is kept per run.
  const environments = unique(rows.map((r) => r.environment).filter((e): e is Record<string, unknown> => e !== null)
    .map(({ backend: _b, device: _d, threads: _t, workers: _w, concurrentRuns: _c, loadAvgStart: _s, loadAvgEnd: _e, ...machine }) => machine))
  const strings = (k: string) => unique(rows.map((r) => r.environment?.[k]).filter((v): v is string => typeof v === 'string'))
  return {
    format: 'rnnbench-report', version: 1, generatedAt: (options.now ?? new Date()).toISOString(), appVersion: options.appVersion, matching: options.matching,
    sweep: { id: sweep.id, name: sweep.name, createdAt: sweep.createdAt, spec: sweep.spec as SweepSpec, counts: sweep.counts, total: sweep.total },
    varying, runs, series, gradFlow, questions, environments, machines: report.machines,
    reproduce: {
      command: 'rnnbench sweep spec.json   # spec.json: the spec below',
      seeds: [...new Set(rows.map((r) => r.config.seed))].sort((a, b) => a - b),
      appVersions: strings('appVersion'), gitCommits: strings('gitCommit'),
    },
  }
}

function unique<T>(items: T[]): T[] {
  const seen = new Set<string>()
  return items.filter((x) => { const k = JSON.stringify(x); if (seen.has(k)) return false; seen.add(k); return true })
}
