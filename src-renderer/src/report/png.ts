// The report's charts as PNG files without a browser, for the Markdown export: the same drawings
// as the HTML report (configs.ts), by Chart.js on a canvas the caller gives (@napi-rs/canvas in the
// main process). Built on its own for Node (vite.report-node.config.ts → out/report/png.js), with
// Chart.js inside, so the main process needs neither Chart.js nor a DOM.

import { Chart, registerables, type Plugin } from 'chart.js'
import type { ReportData } from '../../../src-main/reports/report-data'
import { slotDrawing } from './configs'

/** What is needed of a canvas library: @napi-rs/canvas's createCanvas and loadImage. */
export interface CanvasLibrary {
  createCanvas(width: number, height: number): { getContext(kind: '2d'): unknown; toBuffer(mime: 'image/png'): Buffer }
  loadImage(source: Buffer): Promise<unknown>
}

const WIDTH = 1200, HEIGHT = 600, PARALLEL_HEIGHT = 430

/** A white page behind the chart: a PNG's transparent background reads as black in some viewers. */
const whiteBackground: Plugin = {
  id: 'rnnbench-white-background',
  beforeDraw(chart) {
    const ctx = chart.ctx
    ctx.save(); ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, chart.width, chart.height); ctx.restore()
  },
}

let registered = false

export async function drawChartPngs(data: ReportData, slots: Array<{ chart: string; task?: string }>, canvas: CanvasLibrary): Promise<Array<{ chart: string; task?: string; png: Buffer }>> {
  if (!registered) {
    Chart.register(...registerables)
    Object.assign(Chart.defaults, { animation: false, responsive: false, maintainAspectRatio: false, color: '#333', borderColor: 'rgba(0, 0, 0, 0.1)' })
    Chart.defaults.font.family = 'DejaVu Sans, Arial, sans-serif'
    Chart.defaults.font.size = 13
    registered = true
  }
  const out: Array<{ chart: string; task?: string; png: Buffer }> = []
  for (const slot of slots) {
    const drawing = slotDrawing(data, slot.chart, slot.task, false)
    if (!drawing) continue
    if (drawing.kind === 'svg') {
      const image = await canvas.loadImage(Buffer.from(drawing.svg.replace('width="100%"', `width="${WIDTH}" height="${PARALLEL_HEIGHT}"`)))
      const target = canvas.createCanvas(WIDTH, PARALLEL_HEIGHT)
      const ctx = target.getContext('2d') as CanvasRenderingContext2D
      ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, WIDTH, PARALLEL_HEIGHT)
      ctx.drawImage(image as CanvasImageSource, 0, 0, WIDTH, PARALLEL_HEIGHT)
      out.push({ ...slot, png: target.toBuffer('image/png') })
      continue
    }
    const target = canvas.createCanvas(WIDTH, HEIGHT)
    const config = { ...drawing.config, plugins: [...(drawing.config.plugins ?? []), whiteBackground] }
    config.options = { ...config.options, responsive: false, animation: false, devicePixelRatio: 1 }
    const chart = new Chart(target as unknown as HTMLCanvasElement, config)
    out.push({ ...slot, png: target.toBuffer('image/png') })
    chart.destroy()
  }
  return out
}
