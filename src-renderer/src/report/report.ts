// The script inlined into an HTML report: reads the report's data from the page and draws the
// compare view's charts and heatmaps into the canvases the page declares. Bundled on its own
// (vite.report.config.ts) into one file, so the report needs nothing from the network.

import type { ReportData } from '../../../src-main/reports/report-data'
import '../charts/setup'
import { Chart } from '../charts/setup'
import { isFinished, type FinishedRun } from '../compare/analysis'
import { convergenceChart, lossBandsChart, memoryChart, paretoChart, stepTimeChart, styling } from '../compare/charts'
import { parallelLayout, parallelSvg } from '../compare/parallel'
import { drawHeatmap, sharedRange } from '../compare/heatmap'

declare global {
  interface Window { rnnbenchReportReady?: boolean }
}

function draw(): void {
  const data = JSON.parse(document.getElementById('rnnbench-report-data')!.textContent!) as ReportData
  const finished = data.runs.filter(isFinished) as FinishedRun[]
  const style = styling(data.runs, 'cell') // colour by cell, dash by backend, as in the app
  Chart.defaults.devicePixelRatio = 2 // crisp when printed or saved as PNG

  for (const canvas of document.querySelectorAll<HTMLCanvasElement>('canvas[data-chart]')) {
    const task = canvas.dataset.task
    const ofTask = finished.filter((r) => r.config.task === task)
    if (canvas.dataset.chart === 'parallel') {
      // Parallel coordinates are SVG, as in the app: tick labels on every axis, the cell's among them.
      const layout = parallelLayout(ofTask, data.varying.filter((k) => k !== 'task'), 'metric')
      const box = document.createElement('div')
      box.className = 'parallel'
      box.dataset.chart = 'parallel' // the Markdown export screenshots it by this
      if (task) box.dataset.task = task
      if (layout) box.innerHTML = parallelSvg(layout)
      else box.textContent = 'Nothing to draw for these runs.'
      canvas.replaceWith(box)
      continue
    }
    const config = (() => {
      switch (canvas.dataset.chart) {
        case 'step-time': return stepTimeChart(finished)
        case 'memory': return memoryChart(finished)?.config ?? null
        case 'convergence': return convergenceChart(ofTask, data.series, style)?.config ?? null
        case 'pareto': return paretoChart(ofTask, 'time', style)?.config ?? null
        case 'loss-bands': { const c = lossBandsChart(ofTask, data.series, style); return c === 'too-many' ? null : c }
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
