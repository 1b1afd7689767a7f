// The public shape of a run, as `rnnbench runs --json` and the JSON/CSV exports give it
// (snake_case, stable): id, sweep_id, status, config (every setting), figures, environment.

import type { LoadedSweep, RunRow, SweepRow } from '../model/runs'

export function runRecord(r: RunRow) {
  return {
    id: r.id, sweep_id: r.sweepId, index: r.idx, status: r.status, attempts: r.attempts,
    started_at: r.startedAt, finished_at: r.finishedAt, error: r.error,
    config: r.config, figures: r.figures, environment: r.environment,
  }
}

export function sweepRecord(s: SweepRow) {
  return { id: s.id, name: s.name, created_at: s.createdAt, runs: s.total, planned_runs: s.planned, shards: s.shards, counts: s.counts, spec: s.spec }
}

/** One flat row per run: config.* and figures.* as dotted columns, the series left out. */
export function flattenRun(r: RunRow): Record<string, string | number | boolean | null> {
  const row: Record<string, string | number | boolean | null> = {}
  const put = (prefix: string, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) put(prefix ? `${prefix}.${k}` : k, v)
    } else if (Array.isArray(value)) {
      row[prefix] = JSON.stringify(value)
    } else {
      row[prefix] = (value as string | number | boolean | null | undefined) ?? null
    }
  }
  const rec = runRecord(r)
  put('', { id: rec.id, sweep_id: rec.sweep_id, index: rec.index, status: rec.status, attempts: rec.attempts, started_at: rec.started_at, finished_at: rec.finished_at, error: rec.error })
  put('config', rec.config)
  put('figures', rec.figures)
  put('environment', rec.environment)
  return row
}

/** RFC 4180 CSV with the union of every row's columns, in first-seen order. */
export function toCsv(rows: Array<Record<string, string | number | boolean | null>>): string {
  const columns: string[] = []
  const seen = new Set<string>()
  for (const r of rows) for (const k of Object.keys(r)) if (!seen.has(k)) { seen.add(k); columns.push(k) }
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return ''
    // Text a spreadsheet would run as a formula (=HYPERLINK(…), +, -, @, or a tab or CR first) is
    // prefixed with ' (OWASP's CSV injection advice); numbers stay numbers, negative ones too.
    const s = typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : String(v)
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
  }
  return [columns.map(cell).join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n') + '\n'
}

/** The JSON export: the sweep, its spec, and every run with its config, figures, series and gradient flow (a sweep loaded with `all`). */
export function sweepExport(data: LoadedSweep) {
  if (!data.allSeries || !data.gradFlow) throw new Error('the JSON export needs a sweep loaded with every series (`all`)')
  const { allSeries, gradFlow } = data
  return {
    format: 'rnnbench-sweep-export', version: 1,
    sweep: sweepRecord(data.sweep),
    runs: data.runs.map((r) => ({
      ...runRecord(r),
      series: allSeries[r.id],
      grad_flow: gradFlow[r.id] ?? [],
    })),
  }
}
