// The Markdown report: verdicts, tables and reproduction data as text, and the charts as PNG
// files beside it (rendered from the HTML report in headless Chromium), linked by name.

import { cellName } from './verdicts'
import { chartSlots, STATS_HEADER, statsCells } from './html'
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
    '',
    '## Verdicts',
    '',
    'Mann-Whitney U over the runs (seeds) of matched configurations, Holm-adjusted across the pairs of a question; significant means p < 0.05 after adjustment. Factors: geometric mean of the ratio of medians, with a 95% bootstrap interval.',
  ]
  for (const q of data.questions) {
    out.push('', `### ${escapeMarkdown(q.title)}`, '')
    for (const p of q.pairs) out.push(`- ${p.significant ? '**' : ''}${escapeMarkdown(p.verdict)}${p.significant ? '**' : ''}`)
    if (!q.pairs.length) out.push('- Only one cell in these runs: nothing to compare.')
    out.push('', table(['cell', ...STATS_HEADER], q.cells.map((c) => [cellName(c.cell), ...statsCells(q, c.stats)])))
    for (const a of q.byAxis) out.push('', `By cell and ${a.axis}:`, '', table(['cell', a.axis, ...STATS_HEADER], a.rows.map((r) => [cellName(r.cell), r.value, ...statsCells(q, r.stats)])))
  }
  out.push('', '## Charts', '')
  if ('base' in charts) for (const slot of chartSlots(data)) out.push(`![${escapeMarkdown(slot.title)}](${chartFileName(charts.base, slot)})`, '')
  else out.push(`The charts are in the HTML report (\`rnnbench export --format html\`). PNG charts beside this file could not be drawn: ${escapeMarkdown(charts.unavailable)}.`, '')
  out.push('## Every run', '', table(['#', 'status', 'task', 'cell', 'backend', 'H', 'layers', 'T', 'seed', 'ms/step', 'best metric'], data.runs.map((r) => [
    String(r.idx + 1), r.status, r.config.task, r.config.cell, r.config.backend, String(r.config.hiddenSize), String(r.config.numLayers), String(r.figures?.task.seqLen ?? r.config.seqLen ?? ''),
    String(r.config.seed), r.figures ? r.figures.stepMs.total.median.toFixed(3) : '', r.figures ? `${r.figures.metric.name} ${r.figures.bestMetric.toPrecision(3)}` : '',
  ])))
  out.push('', '## Reproduce it', '', `rnnbench ${data.reproduce.appVersions.join(', ') || data.appVersion}, git commit ${data.reproduce.gitCommits.join(', ') || 'unknown'}; seeds ${data.reproduce.seeds.join(', ')}.`, '',
    '```sh', data.reproduce.command, '```', '', '```json', JSON.stringify(s.spec, null, 2).replace(/```/g, '` ` `'), '```', '')
  return out.join('\n')
}
