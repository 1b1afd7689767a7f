// The HTML report: one self-contained file that opens offline. Text, verdicts and tables are
// written here, every user-typed string escaped; the charts are drawn at open time by the inlined
// chart script (out/report/report.js) from the data embedded as JSON. A CSP allows that one
// script (by its hash) and nothing from the network.

import { cleanStepsText, pressureText, STEP_COLUMNS_NOTE, stepTimeCell } from '../../src-shared/lost-cpu'
import { createHash } from 'node:crypto'
import { formatBytes, formatDuration, formatValue } from '../../src-shared/format'
import { varyingSettings, type SettingName } from '../../src-shared/settings'
import type { AnsweredQuestion, ReportData } from './report-data'
import type { Describe } from './stats'
import type { Table } from './tables'
import { cellName, confidenceText, formatQuestionValue, pEquals } from './verdict-text'
import { machinesNote, type Verdict } from './verdicts'

export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/** JSON that can sit inside a <script> element: nothing in it can close the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
}

export function statsCells(q: Pick<AnsweredQuestion, 'unit'>, s: Describe): string[] {
  const f = (v: number) => formatQuestionValue(q.unit, v)
  return [String(s.n), f(s.median), f(s.iqr), Number.isFinite(s.std) ? `${f(s.mean)} ± ${f(s.std)}` : f(s.mean), `${f(s.ci95[0])} – ${f(s.ci95[1])}`]
}
export const STATS_HEADER = ['runs', 'median', 'IQR', 'mean ± std', '95% CI of the median']

/** A descriptive table's header and rows, as text: cell (and backend), the grouping column, the statistics. */
export function tableCells(q: AnsweredQuestion, t: Table): { header: string[]; rows: string[][] } {
  const byBackend = t.caption.includes('backend')
  const header = ['cell', ...(byBackend ? ['backend'] : []), ...(t.column ? [t.column] : []), ...STATS_HEADER]
  const rows = t.rows.map((r) => [cellName(r.cell), ...(byBackend ? [r.backend] : []), ...(t.column ? [r.config ?? r.value ?? ''] : []), ...statsCells(q, r.stats)])
  return { header, rows }
}

/** A verdict's figures for the tests table: factor, interval, p before and after Holm, pairs. */
export function verdictFigures(v: Verdict): string[] {
  return [
    v.stratum ? `${v.stratum.setting}=${v.stratum.value}` : 'all', `${cellName(v.cells[0])} vs ${cellName(v.cells[1])}`, v.outcome,
    v.factor !== null ? `${v.factor.toFixed(3)}×` : '', v.interval ? `${v.interval[0].toFixed(3)}–${v.interval[1].toFixed(3)}${v.outcome === 'exact' ? ' (range)' : ''}` : '',
    v.confidence !== null ? `${confidenceText(v.confidence)}%` : '',
    v.p !== null ? pEquals(v.p) : '', v.pAdjusted !== null ? pEquals(v.pAdjusted) : '', String(v.pairs), `${v.favour[0]} : ${v.favour[1]}${v.ties ? ` (${v.ties} tied)` : ''}`, String(v.configurations),
  ]
}
export const VERDICT_FIGURES_HEADER = ['where', 'cells', 'outcome', 'factor (HL)', 'interval', 'confidence', 'p (alone)', 'p (Holm, whole report)', 'pairs', 'pairs favouring each', 'configurations']

/** Chart slots: the speed and memory charts for all runs, the metric charts for each task. */
export function chartSlots(data: ReportData): Array<{ chart: string; task?: string; title: string }> {
  const tasks = [...new Set(data.runs.map((r) => r.config.task))]
  // A tuned question's budget curves: `task` names the question.
  const tuned = data.questions.filter((q) => q.tuned).map((q) => ({ chart: 'expected-max', task: q.id, title: `${q.title.replace(/\?$/, '')}: expected best validation ${q.tuned!.metric.name.toUpperCase()} against the number of trials (Dodge et al. 2019; 95% bootstrap band; dashed: the baselines)` }))
  return [
    ...tuned,
    { chart: 'step-time', title: 'Step time against hidden size (median per cell and backend, log–log)' },
    { chart: 'memory', title: 'Memory against sequence length (log)' },
    ...tasks.flatMap((task) => [
      { chart: 'convergence', task, title: `${task}: validation metric against wall time, with the baseline` },
      { chart: 'pareto', task, title: `${task}: Pareto front of step time against accuracy` },
      { chart: 'loss-bands', task, title: `${task}: training loss over seeds (mean, min–max band)` },
      { chart: 'parallel', task, title: `${task}: every setting at once (parallel coordinates, the cell among them; colour: the run's quantile of its best metric, yellow is best)` },
    ]),
  ]
}

export function renderHtml(data: ReportData, chartScript: string): string {
  const script = chartScript.replace(/<\/script/gi, '<\\/script')
  const hash = createHash('sha256').update(script).digest('base64')
  const csp = `default-src 'none'; script-src 'sha256-${hash}'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`
  const s = data.sweep
  // The per-run table has a column for each setting that differs between runs (the cell, backend
  // and seed always); the settings every run shares are said once above it, so that the table fits
  // a printed page with every column.
  const shownSettings = ['task', 'cell', 'backend', 'hiddenSize', 'numLayers', 'bidirectional', 'seqLen', 'batchSize', 'optimizer', 'lr', 'dropout', 'seed'] as const
  const varying = new Set(varyingSettings(data.runs.map((r) => r.config)))
  const settingCols = shownSettings.filter((k) => varying.has(k as SettingName) || k === 'cell' || k === 'backend' || k === 'seed')
  const shared = shownSettings.filter((k) => !settingCols.includes(k) && data.runs.length > 0).map((k) => `${k} ${String(data.runs[0].config[k] ?? 'default')}`)

  const withClassical = data.runs.some((r) => r.figures?.classical)
  const runsTable = table(
    ['#', 'status', ...settingCols, 'ms/step', 'clean steps', 'CPU pressure', 'memory', 'final metric', 'best metric (best of run)', 'baseline', ...(withClassical ? ['classical baseline'] : []), 'steps', 'wall time'],
    data.runs.map((r) => {
      const f = r.figures
      return [
        String(r.idx + 1), r.status + (r.error ? `: ${r.error}` : ''), ...settingCols.map((k) => String(r.config[k] ?? 'default')),
        f ? stepTimeCell(f) : '', f ? cleanStepsText(f) : '', f ? pressureText(f) : '', f ? formatBytes(f.memory.analyticTotalBytes) : '',
        f ? `${f.metric.name} ${formatValue(f.finalMetric)}` : '', f ? formatValue(f.bestMetric) : '', f ? formatValue(f.baseline.metric) : '',
        ...(withClassical ? [f?.classical ? formatValue(f.classical.metric) : ''] : []),
        f ? String(f.steps) : '', f ? formatDuration(f.wallSeconds) : '',
      ]
    }),
  )

  const questions = data.questions.map((q) => `
    <section class="question">
      <h3>${escapeHtml(q.title)}</h3>
      ${q.tuned ? q.tuned.lines.map((l) => `<p class="tuned">${escapeHtml(l)}</p>`).join('') : ''}
      <ul class="verdicts">${q.verdicts.map((v) => `<li class="${v.outcome}">${escapeHtml(v.sentence)}</li>`).join('') || `<li class="none">${escapeHtml(q.note ?? 'Nothing to compare.')}</li>`}</ul>
      ${q.tables.map((t, i) => {
        const { header, rows } = tableCells(q, t)
        return i === 0 ? `<p class="caption">${escapeHtml(t.caption)}</p>${table(header, rows)}` : `<details><summary>${escapeHtml(t.caption)} (${rows.length})</summary>${table(header, rows)}</details>`
      }).join('')}
      ${q.verdicts.length ? `<details><summary>Figures behind the verdicts</summary>${table(VERDICT_FIGURES_HEADER, q.verdicts.map(verdictFigures))}</details>` : ''}
      ${q.excluded ? `<p class="note">${q.excluded} run(s) that did not finish (failed, diverged, cancelled or pending) are left out.</p>` : ''}
    </section>`).join('')

  const charts = chartSlots(data).map((c) => `
    <figure class="chart-box"><figcaption>${escapeHtml(c.title)}</figcaption>
      <div class="chart"><canvas data-chart="${escapeHtml(c.chart)}"${c.task ? ` data-task="${escapeHtml(c.task)}"` : ''}></canvas></div></figure>`).join('')

  const byId = new Map(data.runs.map((r) => [r.id, r]))
  const heatmaps = Object.keys(data.gradFlow).map(Number).map((id) => byId.get(id)!).map((r) => `
    <figure class="heatmap"><figcaption>${escapeHtml(`${r.config.task}: ${cellName(r.config.cell)}, run #${r.idx + 1}, H=${r.config.hiddenSize}, T=${r.figures?.task.seqLen ?? ''}`)}</figcaption>
      <canvas data-gradflow="${r.id}" width="320" height="220"></canvas></figure>`).join('')

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rnnbench report: ${escapeHtml(s.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>rnnbench report: <span class="name">${escapeHtml(s.name)}</span></h1>
  <p class="muted">Sweep #${s.id}, created ${escapeHtml(s.createdAt)}; ${s.counts.done} of ${s.total} runs done${s.counts.diverged ? `, ${s.counts.diverged} diverged` : ''}${s.counts.failed ? `, ${s.counts.failed} failed` : ''}.
  Report generated ${escapeHtml(data.generatedAt)} by rnnbench ${escapeHtml(data.appVersion)}. Cells compared ${data.matching === 'hidden' ? 'at equal hidden size' : 'at about equal parameter count'}.</p>
  ${s.incomplete ? `<p class="note" data-testid="incomplete">Incomplete: ${escapeHtml(s.incomplete)}. The verdicts below use only the runs present.</p>` : ''}
</header>
<section>
  <h2>Verdicts</h2>
  <p class="muted">${data.questions.some((q) => q.tuned) ? escapeHtml(TUNED_METHOD_TEXT) : ''}${escapeHtml(METHOD_TEXT)}${data.machines > 1 ? ` ${escapeHtml(machinesNote(data))}` : ''}</p>
  ${questions}
</section>
<section>
  <h2>Charts</h2>
  <div class="charts">${charts}</div>
  <h3>Gradient flow through time</h3>
  <p class="muted">log<sub>10</sub> ‖∂L/∂h<sub>t</sub>‖ summed over layers and directions, one colour scale: timestep across, training step down. Where a cell's gradient vanishes, the early timesteps go dark.</p>
  <div class="heatmaps">${heatmaps || '<p class="muted">No run recorded its gradient flow.</p>'}</div>
</section>
<section>
  <h2>Every run</h2>
  ${shared.length ? `<p class="muted">Every run has ${escapeHtml(shared.join(', '))}.</p>` : ''}
  <div class="wide">${runsTable}</div>
  <p class="muted">${escapeHtml(STEP_COLUMNS_NOTE)}</p>
</section>
<section>
  <h2>Where it ran</h2>
  ${data.environments.map((e) => `<pre>${escapeHtml(JSON.stringify(e, null, 2))}</pre>`).join('') || '<p class="muted">Not recorded.</p>'}
</section>
<section>
  <h2>Reproduce it</h2>
  <p>rnnbench ${escapeHtml(data.reproduce.appVersions.join(', ') || data.appVersion)}, git commit ${escapeHtml(data.reproduce.gitCommits.join(', ') || 'unknown')}; seeds ${escapeHtml(data.reproduce.seeds.join(', '))}.</p>
  <pre>${escapeHtml(data.reproduce.command)}</pre>
  <pre class="spec">${escapeHtml(JSON.stringify(s.spec, null, 2))}</pre>
</section>
<script type="application/json" id="rnnbench-report-data">${jsonForScript(data)}</script>
<script>${script}</script>
</body>
</html>
`
}

/** A tuned sweep's verdicts, in one paragraph: printed above the method when the report has them. */
export const TUNED_METHOD_TEXT = 'A tuned sweep\'s verdicts come first: every cell ran the same trials; each cell\'s best trial on validation was re-run with fresh seeds on the same data, and is judged on the test split, which no training, best step or choice read. Their pairs are seed i of each cell\'s re-runs, with the same test and Holm\'s family as below. The expected best validation metric against the number of trials (Dodge et al. 2019) is described, not tested. The trials are compared on speed and size only: their validation set chose each cell\'s best. '

/** How the verdicts are reached, in one paragraph: the reports print it above them. */
export const METHOD_TEXT = 'Each verdict compares matched pairs of runs that differ only in the cell: same task, backend, machine, settings and seed, at equal hidden size or about equal parameter count. '
  + 'The comparisons are fixed before any value is read: one per question, pair of cells and, for step time, memory and what is learned in equal wall time, backend; each pools all of its matched pairs. '
  + 'Measured quantities: the factor is the Hodges–Lehmann estimate on the pairs\' log ratios; the test is the exact Wilcoxon signed-rank test on them; every test of the report (step time and each task metric at equal steps and at equal time) is one family under Holm\'s step-down procedure at 0.05, and each interval inverts the test at the level Holm decided it at, so an interval excludes 1 exactly when its verdict is significant. Comparisons with 5 pairs or fewer cannot reach p < 0.05, are not tested and are not in the family. '
  + 'The factor at each value of a setting is described, not tested; step time is never described by a setting that does not change the work of a step. '
  + 'Task metrics are the final validation values, or at the last evaluation both runs of a pair reached when their step counts differ by more than 10%. Against the baselines, each run has its own paired test (its errors against the baseline\'s on the same validation items, bootstrapped, in moving blocks for time series; one-sided p ≤ 0.05), reported as "k of n runs" with the bar the metric had to pass; it never changes which comparisons are tested. '
  + 'Memory and parameter counts are exact and stated as ratios, with no test. docs/REPORTS.md explains each kind of sentence.'

function table(header: readonly string[], rows: string[][]): string {
  return `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`
}

const STYLE = `
body { font-family: system-ui, sans-serif; color: #1c2430; margin: 2rem auto; max-width: 75rem; padding: 0 1rem; font-size: 14px; }
h1 { font-size: 1.5rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #d9dde3; } h3 { font-size: 1.05rem; }
.muted, .note { color: #5f6b7a; }
table { border-collapse: collapse; margin: 0.5rem 0; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 0.2rem 0.6rem; border-bottom: 1px solid #e3e6ea; vertical-align: top; }
.verdicts li { margin: 0.2rem 0; } .verdicts .better, .verdicts .exact { font-weight: 600; }
.caption { font-size: 0.85rem; color: #5f6b7a; margin: 0.6rem 0 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(30rem, 1fr)); gap: 1rem; }
.chart-box { margin: 0; border: 1px solid #d9dde3; border-radius: 6px; padding: 0.6rem; break-inside: avoid; }
.chart { position: relative; height: 300px; }
.heatmaps { display: flex; flex-wrap: wrap; gap: 1rem; }
.heatmap { margin: 0; } .heatmap canvas { border: 1px solid #d9dde3; }
figcaption { font-size: 0.85rem; margin-bottom: 0.3rem; }
pre { background: #f6f7f9; padding: 0.6rem; overflow-x: auto; font-size: 12px; }
details { margin: 0.3rem 0; }
/* The per-run table scrolls inside its box on screen (the page itself never scrolls sideways), and
   wraps to the page's width in print, so that a PDF shows every column. */
.wide { overflow-x: auto; max-width: 100%; }
.wide table { font-size: 12px; }
@media print {
  .charts { display: block; } .chart-box { margin-bottom: 1rem; }
  body { max-width: none; margin: 0; }
  .wide { overflow: visible; }
  .wide table { width: 100%; table-layout: fixed; font-size: 7px; }
  .wide th, .wide td { padding: 0.1rem 0.2rem; overflow-wrap: anywhere; }
  .wide th { overflow-wrap: normal; word-break: normal; hyphens: auto; }
}
`
