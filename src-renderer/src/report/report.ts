// The script inlined into an HTML report: reads the report's data from the page and draws the
// compare view's charts and heatmaps into the canvases the page declares. Bundled on its own
// (vite.report.config.ts) into one file, so the report needs nothing from the network.

import type { ReportData } from '../../../src-main/reports/report-data'
import '../charts/setup'
import { Chart } from '../charts/setup'
import { isFinished, settingText, settingValues, type FinishedRun } from '../compare/analysis'
import { convergenceChart, lossBandsChart, memoryChart, paretoChart, parallelChart, stepTimeChart } from '../compare/charts'
import { drawHeatmap, sharedRange } from '../compare/heatmap'

declare global {
  interface Window { rnnbenchReportReady?: boolean }
}

function draw(): void {
  const data = JSON.parse(document.getElementById('rnnbench-report-data')!.textContent!) as ReportData
  const finished = data.runs.filter(isFinished) as FinishedRun[]
  const lineGroups = [...new Set(data.runs.map((r) => `${r.config.cell} · ${r.config.backend}`))]
  const colorKey = (r: { config: FinishedRun['config'] }) => settingText(r as FinishedRun, 'cell')
  const colorKeys = settingValues(data.runs, 'cell')
  Chart.defaults.devicePixelRatio = 2 // crisp when printed or saved as PNG

  for (const canvas of document.querySelectorAll<HTMLCanvasElement>('canvas[data-chart]')) {
    const task = canvas.dataset.task
    const ofTask = finished.filter((r) => r.config.task === task)
    const config = (() => {
      switch (canvas.dataset.chart) {
        case 'step-time': return stepTimeChart(finished, lineGroups)
        case 'memory': return memoryChart(finished, lineGroups)
        case 'convergence': return convergenceChart(ofTask, data.series, colorKey, colorKeys)
        case 'pareto': return paretoChart(ofTask, 'time', colorKey, colorKeys)?.config ?? null
        case 'loss-bands': { const c = lossBandsChart(ofTask, data.series, colorKey, colorKeys); return c === 'too-many' ? null : c }
        case 'parallel': return parallelChart(ofTask, data.varying.filter((k) => k !== 'task' && k !== 'cell'), 'metric')
        default: return null
      }
    })()
    if (config) new Chart(canvas, config)
    else canvas.replaceWith(Object.assign(document.createElement('p'), { className: 'empty', textContent: 'Nothing to draw for these runs.' }))
  }
  const heatmaps = [...document.querySelectorAll<HTMLCanvasElement>('canvas[data-gradflow]')]
  const range = sharedRange(heatmaps.map((c) => data.gradFlow[Number(c.dataset.gradflow)] ?? []))
  for (const c of heatmaps) drawHeatmap(c, data.gradFlow[Number(c.dataset.gradflow)] ?? [], range)
  window.rnnbenchReportReady = true
}

draw()
