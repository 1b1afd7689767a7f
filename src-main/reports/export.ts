// A sweep exported in any format, as the files to write: CSV (one flat row per run), JSON
// (everything), the spec, the self-contained HTML report, Markdown with its charts as PNG files,
// and PDF. Shared by `rnnbench export`, the desktop app and `rnnbench serve`.

import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { ExportFormatName } from '../../src-shared/formats'
import type { LoadedSweep, LoadNeeds } from '../model/runs'
import { chartsToPng, ChromiumMissing, htmlToPdf, PlaywrightMissing } from './chromium'
import { chartSlots, renderHtml } from './html'
import { chartFileName, renderMarkdown } from './markdown'
import { buildReportData, type ReportData } from './report-data'
import { flattenRun, sweepExport, toCsv } from './run-record'
import type { Matching } from '../model/verdicts'

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

/** A file of out/report/ (`npm run build` makes them), found from the source tree or from out/main/. */
export function reportFile(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'out', 'report', name)
    if (existsSync(candidate)) return candidate
    const sibling = join(dir, '..', 'report', name) // from out/main/
    if (existsSync(sibling)) return sibling
    dir = dirname(dir)
  }
  throw new Error(`the report's ${name} (out/report/${name}) is not built; run \`npm run build\``)
}

/** The built chart script that HTML reports inline. */
export function reportScript(): string {
  return readFileSync(reportFile('report.js'), 'utf8')
}

/**
 * The report's charts as PNG without a browser: out/report/png.js (Chart.js and the chart code)
 * drawing on @napi-rs/canvas, an optional dependency; null when it is not installed.
 */
async function chartsWithoutBrowser(data: ReportData): Promise<Array<{ chart: string; task?: string; png: Buffer }> | null> {
  let canvas: unknown
  try {
    canvas = await import('@napi-rs/canvas')
  } catch {
    return null
  }
  const { drawChartPngs } = await import(pathToFileURL(reportFile('png.js')).href) as { drawChartPngs: (d: ReportData, slots: Array<{ chart: string; task?: string }>, lib: unknown) => Promise<Array<{ chart: string; task?: string; png: Buffer }>> }
  return drawChartPngs(data, chartSlots(data), canvas)
}

/** What each format reads of a stored sweep: the loader's `needs` (store/load.ts). */
export function loadNeedsOf(format: ReportFormat): LoadNeeds {
  return format === 'json' ? 'all' : format === 'csv' || format === 'spec' ? 'verdicts' : 'report'
}

/** The files of one export, from a sweep loaded with `loadNeedsOf(format)`: never reads the store. */
export async function exportSweepFiles(loaded: LoadedSweep, format: ReportFormat, options: ExportOptions): Promise<ExportFile[]> {
  switch (format) {
    case 'csv': return [{ name: `${options.base}.csv`, mime: 'text/csv', data: toCsv(loaded.runs.map(flattenRun)) }]
    case 'json': return [{ name: `${options.base}.json`, mime: 'application/json', data: JSON.stringify(sweepExport(loaded), null, 1) + '\n' }]
    case 'spec': return [{ name: `${options.base}.spec.json`, mime: 'application/json', data: JSON.stringify(loaded.sweep.spec, null, 2) + '\n' }]
    default: break
  }
  const data = buildReportData(loaded, { matching: options.matching, appVersion: options.appVersion })
  const html = renderHtml(data, reportScript())
  if (format === 'html') return [{ name: `${options.base}.html`, mime: 'text/html', data: html }]
  if (format === 'pdf') return [{ name: `${options.base}.pdf`, mime: 'application/pdf', data: await (options.toPdf ?? htmlToPdf)(html) }]
  // Markdown: the charts beside it as PNG, drawn in Node (@napi-rs/canvas) or else by a browser;
  // failing both, the text alone, saying why.
  let pngs: Awaited<ReturnType<typeof chartsToPng>> | null = await chartsWithoutBrowser(data), why = ''
  if (!pngs) {
    try {
      pngs = await chartsToPng(html)
    } catch (err) {
      why = err instanceof ChromiumMissing || err instanceof PlaywrightMissing ? `drawing them needs the optional npm package @napi-rs/canvas (npm install @napi-rs/canvas), or ${err.reason.replace(/^needs /, '')}` : (err as Error).message.split('\n')[0]
    }
  }
  const md = renderMarkdown(data, pngs ? { base: options.base } : { unavailable: why })
  return [
    { name: `${options.base}.md`, mime: 'text/markdown', data: md },
    ...(pngs ?? []).map((p) => ({ name: chartFileName(options.base, p), mime: 'image/png', data: p.png })),
  ]
}
