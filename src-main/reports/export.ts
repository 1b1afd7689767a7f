// A sweep exported in any format, as the files to write: CSV (one flat row per run), JSON
// (everything), the spec, the self-contained HTML report, Markdown with its charts as PNG files,
// and PDF. Shared by `rnnbench export`, the desktop app and `rnnbench serve`.

import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ExportFormatName } from '../../src-shared/formats'
import type { Store } from '../store/store'
import { chartsToPng, ChromiumMissing, htmlToPdf, PlaywrightMissing } from './chromium'
import { renderHtml } from './html'
import { chartFileName, renderMarkdown } from './markdown'
import { buildReportData } from './report-data'
import { flattenRun, sweepExport, toCsv } from './run-record'
import type { Matching } from './matching'

export type ReportFormat = ExportFormatName

export interface ExportOptions {
  matching: Matching
  appVersion: string
  /** Base name for the files (the Markdown's PNGs are named after it). */
  base: string
  /** Renders the HTML report to PDF; headless Chromium by default (the desktop app passes Electron's printToPDF). */
  toPdf?: (html: string) => Promise<Buffer>
}

export interface ExportFile { name: string; mime: string; data: string | Buffer }

/** The built chart script that HTML reports inline (`npm run build` makes it). */
export function reportScript(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'out', 'report', 'report.js')
    if (existsSync(candidate)) return readFileSync(candidate, 'utf8')
    const sibling = join(dir, '..', 'report', 'report.js') // from out/main/
    if (existsSync(sibling)) return readFileSync(sibling, 'utf8')
    dir = dirname(dir)
  }
  throw new Error('the report chart script (out/report/report.js) is not built; run `npm run build`')
}

export async function exportSweepFiles(store: Store, sweepId: number, format: ReportFormat, options: ExportOptions): Promise<ExportFile[]> {
  const sweep = store.getSweep(sweepId)!
  switch (format) {
    case 'csv': return [{ name: `${options.base}.csv`, mime: 'text/csv', data: toCsv(store.listRuns(sweepId).map(flattenRun)) }]
    case 'json': return [{ name: `${options.base}.json`, mime: 'application/json', data: JSON.stringify(sweepExport(store, sweepId), null, 1) + '\n' }]
    case 'spec': return [{ name: `${options.base}.spec.json`, mime: 'application/json', data: JSON.stringify(sweep.spec, null, 2) + '\n' }]
    default: break
  }
  const data = buildReportData(store, sweepId, { matching: options.matching, appVersion: options.appVersion })
  const html = renderHtml(data, reportScript())
  if (format === 'html') return [{ name: `${options.base}.html`, mime: 'text/html', data: html }]
  if (format === 'pdf') return [{ name: `${options.base}.pdf`, mime: 'application/pdf', data: await (options.toPdf ?? htmlToPdf)(html) }]
  // Markdown: the charts beside it as PNG when Chromium can draw them, else the text alone, saying so.
  let pngs: Awaited<ReturnType<typeof chartsToPng>> | null = null, why = ''
  try {
    pngs = await chartsToPng(html)
  } catch (err) {
    why = err instanceof ChromiumMissing || err instanceof PlaywrightMissing ? `drawing them ${err.reason}` : (err as Error).message.split('\n')[0]
  }
  const md = renderMarkdown(data, pngs ? { base: options.base } : { unavailable: why })
  return [
    { name: `${options.base}.md`, mime: 'text/markdown', data: md },
    ...(pngs ?? []).map((p) => ({ name: chartFileName(options.base, p), mime: 'image/png', data: p.png })),
  ]
}
