// What each chart slot of a report draws, from the report's data: a Chart.js configuration, or
// the parallel coordinates as SVG. Shared by the report's own script (drawn in the browser that
// opens it) and the Markdown export's PNGs (drawn in Node on @napi-rs/canvas, png.ts).

import { Chart, type ChartConfiguration } from 'chart.js'
import type { ReportData } from '../../../src-main/reports/report-data'
import { isFinished, type FinishedRun } from '../compare/analysis'
import { convergenceChart, expectedMaxChart, lossBandsChart, memoryChart, paretoChart, stepTimeChart, styling } from '../compare/charts'
import { parallelLayout, parallelSvg } from '../compare/parallel'

export type SlotDrawing = { kind: 'chart'; config: ChartConfiguration } | { kind: 'svg'; svg: string } | null

/**
 * A legend of one entry per group of series (the runs of one cell and backend are one entry, a
 * band's min, max and mean one), as the app's legend has it: Chart.js's own lists every dataset.
 */
function groupedLegend(config: ChartConfiguration): ChartConfiguration {
  const groupOf = (i: number) => {
    const d = config.data.datasets[i] as { label?: string; legendGroup?: string; inLegend?: boolean }
    return d.inLegend === false ? null : d.legendGroup ?? d.label ?? ''
  }
  const first = new Map<string, number>()
  config.data.datasets.forEach((_, i) => { const g = groupOf(i); if (g !== null && !first.has(g)) first.set(g, i) })
  const legend = {
    labels: {
      // The swatch is the series' point shape in its colour: the shape tells the backend (a dash
      // pattern in a 12-pixel box does not), the colour the cell.
      usePointStyle: true,
      filter: (item: { datasetIndex?: number }) => item.datasetIndex !== undefined && first.get(groupOf(item.datasetIndex) ?? '') === item.datasetIndex,
      generateLabels: (chart: Chart) => Chart.defaults.plugins.legend.labels.generateLabels(chart).map((l) => ({ ...l, text: l.datasetIndex !== undefined ? groupOf(l.datasetIndex) ?? l.text : l.text })),
    },
  }
  return { ...config, options: { ...config.options, plugins: { ...config.options?.plugins, legend: { ...config.options?.plugins?.legend, ...legend } as never } } }
}

export function slotDrawing(data: ReportData, chart: string, task: string | undefined, halo = true): SlotDrawing {
  const finished = data.runs.filter(isFinished) as FinishedRun[]
  const ofTask = finished.filter((r) => r.config.task === task)
  const style = styling(data.runs, 'cell') // colour by cell, dash by backend, as in the app
  if (chart === 'parallel') {
    // Parallel coordinates are SVG, as in the app: tick labels on every axis, the cell's among them.
    const layout = parallelLayout(ofTask, data.varying.filter((k) => k !== 'task'), 'metric')
    return layout ? { kind: 'svg', svg: parallelSvg(layout, 900, 320, halo) } : null
  }
  const config = (() => {
    switch (chart) {
      case 'expected-max': { const view = data.questions.find((q) => q.id === task)?.tuned; return view ? expectedMaxChart(view) : null }
      case 'step-time': return stepTimeChart(finished)
      case 'memory': return memoryChart(finished)?.config ?? null
      case 'convergence': return convergenceChart(ofTask, data.series, style)?.config ?? null
      case 'pareto': return paretoChart(ofTask, 'time', style)?.config ?? null
      case 'loss-bands': return lossBandsChart(ofTask, data.series, style)?.config ?? null
      default: return null
    }
  })()
  return config ? { kind: 'chart', config: groupedLegend(config) } : null
}
