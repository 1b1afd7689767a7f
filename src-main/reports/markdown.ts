// The Markdown report: verdicts, tables and reproduction data as text, and the charts as PNG
// files beside it (rendered from the HTML report in headless Chromium), linked by name.

import { cleanStepsText, pressureText, STEP_COLUMNS_NOTE, stepTimeCell } from '../../src-shared/lost-cpu'
import { chartSlots, METHOD_TEXT, TUNED_METHOD_TEXT, tableCells, VERDICT_FIGURES_HEADER, verdictFigures } from './html'
import type { ReportData } from './report-data'

/** What a user typed, safe in Markdown text: no HTML, no emphasis or links by accident. */
export function escapeMarkdown(text: unknown): string {
  return String(text).replace(/[\\`*_[\]|<>]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ')
}

/** The PNG file name of a chart slot, as the Markdown links it. */
export function chartFileName(base: string, slot: { chart: string; task?: string }): string {
  return `${base}-${slot.chart}${slot.task ? `-${slot.task}` : ''}.png`
}

export function renderMarkdown(data: ReportData, charts: { base: string } | { unavailable: string }): string {
  const s = data.sweep
  const row = (cells: string[]) => `| ${cells.map((c) => escapeMarkdown(c)).join(' | ')} |`
  const table = (header: readonly string[], rows: string[][]) => [row([...header]), `|${header.map(() => ' --- |').join('')}`, ...rows.map(row)].join('\n')
  const out: string[] = [
    `# rnnbench report: ${escapeMarkdown(s.name)}`,
    '',
    `Sweep #${s.id}, created ${s.createdAt}; ${s.counts.done} of ${s.total} runs done. Generated ${data.generatedAt} by rnnbench ${data.appVersion}; cells compared ${data.matching === 'hidden' ? 'at equal hidden size' : 'at about equal parameter count'}.`,
    ...(s.incomplete ? ['', `**Incomplete: ${escapeMarkdown(s.incomplete)}.** The verdicts below use only the runs present.`] : []),
    '',
    '## Verdicts',
    '',
    ...(data.questions.some((q) => q.tuned) ? [TUNED_METHOD_TEXT, ''] : []),
    METHOD_TEXT,
  ]
  for (const q of data.questions) {
    out.push('', `### ${escapeMarkdown(q.title)}`, '')
    if (q.tuned) out.push(...q.tuned.lines.map(escapeMarkdown), '')
    for (const v of q.verdicts) out.push(`- ${v.outcome === 'better' || v.outcome === 'exact' ? `**${escapeMarkdown(v.sentence)}**` : escapeMarkdown(v.sentence)}`)
    if (!q.verdicts.length) out.push(`- ${escapeMarkdown(q.note ?? 'Nothing to compare.')}`)
    for (const t of q.tables.slice(0, q.tables.length - 1)) {
      const { header, rows } = tableCells(q, t)
      out.push('', `${escapeMarkdown(t.caption)}:`, '', table(header, rows))
    }
    if (q.verdicts.length) out.push('', 'Figures behind the verdicts:', '', table(VERDICT_FIGURES_HEADER, q.verdicts.map(verdictFigures)))
  }
  out.push('', '## Charts', '')
  if ('base' in charts) for (const slot of chartSlots(data)) out.push(`![${escapeMarkdown(slot.title)}](${chartFileName(charts.base, slot)})`, '')
  else out.push(`The charts are in the HTML report (\`rnnbench export --format html\`). PNG charts beside this file could not be drawn: ${escapeMarkdown(charts.unavailable)}.`, '')
  out.push('## Every run', '', table(['#', 'status', 'task', 'cell', 'backend', 'H', 'layers', 'T', 'seed', 'ms/step', 'clean steps', 'CPU pressure', 'steps', 'final metric', 'best metric (best of run)'], data.runs.map((r) => [
    String(r.idx + 1), r.status, r.config.task, r.config.cell, r.config.backend, String(r.config.hiddenSize), String(r.config.numLayers), String(r.figures?.task.seqLen ?? r.config.seqLen ?? ''),
    String(r.config.seed), r.figures ? stepTimeCell(r.figures) : '', r.figures ? cleanStepsText(r.figures) : '', r.figures ? pressureText(r.figures) : '', r.figures ? String(r.figures.steps) : '',
    r.figures ? `${r.figures.metric.name} ${r.figures.finalMetric.toPrecision(3)}` : '', r.figures ? r.figures.bestMetric.toPrecision(3) : '',
  ])), '', escapeMarkdown(STEP_COLUMNS_NOTE))
  out.push('', '## Reproduce it', '', `rnnbench ${data.reproduce.appVersions.join(', ') || data.appVersion}, git commit ${data.reproduce.gitCommits.join(', ') || 'unknown'}; seeds ${data.reproduce.seeds.join(', ')}.`, '',
    '```sh', data.reproduce.command, '```', '', '```json', JSON.stringify(s.spec, null, 2).replace(/```/g, '` ` `'), '```', '')
  return out.join('\n')
}
