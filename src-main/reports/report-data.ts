// Everything a report shows, gathered from the database once: the sweep, every run, the series
// the charts draw, the gradient flow of one run per cell, the answered questions, the machines the
// runs ran on, and what reproducing the sweep takes. The HTML and Markdown renderers and the
// report's chart script all read this one object.

import { SETTING_NAMES } from '../../src-shared/settings'
import type { SweepSpec } from '../engine/sweep/spec'
import type { LoadedSweep, RunView } from '../model/runs'
import type { AnsweredQuestion, ReportData } from '../model/reports'
import type { Matching } from '../model/verdicts'
import { questionsFor } from './questions'
import { sweepVerdicts } from './sweep-verdicts'
import { questionTables } from './tables'

export type { AnsweredQuestion, ReportData }

/** The report's data, from a sweep loaded for a report (store/load.ts, `report`): a pure function. */
export function buildReportData(data: LoadedSweep, options: { matching: Matching; appVersion: string; now?: Date }): ReportData {
  const { sweep, runs: rows } = data
  if (!data.chartSeries || !data.gradFlow) throw new Error('buildReportData needs a sweep loaded for a report (its chart series and gradient flow)')
  const varying = SETTING_NAMES.filter((k) => new Set(rows.map((r) => JSON.stringify(r.config[k]))).size > 1)
  const report = sweepVerdicts(data, options.matching)
  // The verdict report's questions, in its order: a tuned sweep's first (with no tables: their
  // runs are described by the budget view), then the questions every sweep answers that it kept.
  const asked = new Map(questionsFor(rows).map((q) => [q.id, q]))
  const questions = report.questions.map((v): AnsweredQuestion => {
    const q = asked.get(v.id)
    const { tables, excluded } = q ? questionTables(q, rows, varying) : { tables: [], excluded: 0 }
    const unit = q?.unit ?? (v.measure.startsWith('memory') ? 'bytes' : 'metric')
    return { id: v.id, title: v.title, measure: v.measure, kind: v.kind, unit, verdicts: v.verdicts, note: v.note, tables: tables.filter((t) => t.rows.length), excluded, ...(v.tuned ? { tuned: v.tuned } : {}) }
  })
  const runs: RunView[] = rows.map((r) => ({
    id: r.id, sweepId: r.sweepId, idx: r.idx, status: r.status, error: r.error, startedAt: r.startedAt, finishedAt: r.finishedAt,
    config: r.config, figures: r.figures, environment: r.environment,
  }))
  const series = data.chartSeries, gradFlow = data.gradFlow
  // The machines, once each: what differs between runs of one machine (backend, device, threads,
  // the load it was timed under) is kept per run.
  const environments = unique(rows.map((r) => r.environment).filter((e): e is Record<string, unknown> => e !== null)
    .map(({ backend: _b, device: _d, threads: _t, workers: _w, concurrentRuns: _c, loadAvgStart: _s, loadAvgEnd: _e, ...machine }) => machine))
  const strings = (k: string) => unique(rows.map((r) => r.environment?.[k]).filter((v): v is string => typeof v === 'string'))
  return {
    format: 'rnnbench-report', version: 1, generatedAt: (options.now ?? new Date()).toISOString(), appVersion: options.appVersion, matching: options.matching,
    sweep: { id: sweep.id, name: sweep.name, createdAt: sweep.createdAt, spec: sweep.spec as SweepSpec, counts: sweep.counts, total: sweep.total, planned: sweep.planned, incomplete: data.incomplete },
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
