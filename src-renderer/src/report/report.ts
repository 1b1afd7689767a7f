// The script inlined into an HTML report: reads the report's data from the page and draws the
// compare view's charts and heatmaps into the canvases the page declares. Bundled on its own
// (vite.report.config.ts) into one file, so the report needs nothing from the network.

import type { ReportData } from '../../../src-main/reports/report-data'
import { Chart } from '../charts/setup'
import { slotDrawing } from './configs'
import { drawHeatmap, sharedRange } from '../compare/heatmap'

declare global {
  interface Window { rnnbenchReportReady?: boolean }
}

function draw(): void {
  const data = JSON.parse(document.getElementById('rnnbench-report-data')!.textContent!) as ReportData
  Chart.defaults.devicePixelRatio = 2 // crisp when printed or saved as PNG

  for (const canvas of document.querySelectorAll<HTMLCanvasElement>('canvas[data-chart]')) {
    const task = canvas.dataset.task
    const drawing = slotDrawing(data, canvas.dataset.chart ?? '', task)
    if (drawing?.kind === 'chart') { new Chart(canvas, drawing.config); continue }
    const box = document.createElement(drawing ? 'div' : 'p')
    if (drawing) {
      box.className = 'parallel'
      box.dataset.chart = canvas.dataset.chart ?? '' // the Markdown export (through a browser) screenshots it by this
      if (task) box.dataset.task = task
      box.innerHTML = drawing.svg
    } else {
      box.className = 'empty'
      box.textContent = 'Nothing to draw for these runs.'
    }
    canvas.replaceWith(box)
  }
  const heatmaps = [...document.querySelectorAll<HTMLCanvasElement>('canvas[data-gradflow]')]
  const range = sharedRange(heatmaps.map((c) => data.gradFlow[Number(c.dataset.gradflow)] ?? []))
  for (const c of heatmaps) drawHeatmap(c, data.gradFlow[Number(c.dataset.gradflow)] ?? [], range)
  window.rnnbenchReportReady = true
}

draw()
