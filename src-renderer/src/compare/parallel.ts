// Parallel coordinates as plain data: one axis per setting that varies (the cell among them) and a
// last axis for the chosen measure, each with its tick labels; one line per run, coloured by the
// quantile of its measure (an outlier cannot wash out the others' colours); and the ranges a user
// brushed on the axes. The compare view draws it as interactive SVG, the report as static SVG
// (parallelSvg), from the same layout.

import { stepTimeShown } from '../../../src-shared/lost-cpu'
import { formatBytes, formatValue } from '../../../src-shared/format'
import type { SettingName } from '../../../src-shared/settings'
import { settingText, settingValues, type FinishedRun } from './analysis'
import { sequentialColour } from '../charts/styles'

export type ColorMetric = 'metric' | 'stepMs' | 'memory'

/** Brushed ranges, per axis key, in axis position units (0 at the bottom, 1 at the top). */
export type Brushes = Partial<Record<string, [number, number]>>

export interface ParallelAxis {
  key: string
  label: string
  /** Where each labelled value sits, 0–1. */
  ticks: Array<{ at: number; text: string }>
  at: (r: FinishedRun) => number
}

export interface ParallelLine { run: FinishedRun; at: number[]; value: number; /** 1 for the best quantile, 0 for the worst. */ goodness: number }
export interface ParallelLayout { axes: ParallelAxis[]; lines: ParallelLine[]; measureLabel: string }

function measureOf(colorBy: ColorMetric): (r: FinishedRun) => number {
  if (colorBy === 'metric') return (r) => r.figures.bestMetric
  if (colorBy === 'stepMs') return (r) => stepTimeShown(r.figures)
  return (r) => r.figures.memory.deviceBytes ?? r.figures.memory.analyticTotalBytes
}

/** A numeric scale over [lo, hi], log when it spans a decade or more, with about five ticks. */
function numericScale(values: number[], format: (v: number) => string, exact?: number[]): { at: (v: number) => number; ticks: ParallelAxis['ticks'] } {
  const lo = Math.min(...values), hi = Math.max(...values)
  const log = lo > 0 && hi / lo >= 10
  const f = (v: number) => (log ? Math.log(v) : v)
  const at = (v: number) => (hi === lo ? 0.5 : (f(v) - f(lo)) / (f(hi) - f(lo)))
  const marks = exact ?? (hi === lo ? [lo] : [0, 0.25, 0.5, 0.75, 1].map((u) => (log ? Math.exp(f(lo) + u * (f(hi) - f(lo))) : lo + u * (hi - lo))))
  return { at, ticks: marks.map((v) => ({ at: at(v), text: format(v) })) }
}

export function parallelLayout(runs: FinishedRun[], settings: SettingName[], colorBy: ColorMetric): ParallelLayout | null {
  const measure = measureOf(colorBy)
  const usable = runs.filter((r) => Number.isFinite(measure(r)))
  if (!usable.length || !settings.length) return null
  const axes: ParallelAxis[] = settings.map((key) => {
    const values = settingValues(usable, key)
    const numeric = values.length > 1 && values.every((v) => v !== '' && Number.isFinite(Number(v)))
    if (numeric) {
      // Ticks at the swept values themselves: the user's 16, 64, 256, not a scale's 10, 20, 50.
      const scale = numericScale(values.map(Number), (v) => String(v), values.map(Number))
      return { key, label: key, ticks: scale.ticks, at: (r) => scale.at(Number(settingText(r, key))) }
    }
    const at = (v: string) => (values.length > 1 ? values.indexOf(v) / (values.length - 1) : 0.5)
    return { key, label: key, ticks: values.map((v) => ({ at: at(v), text: v })), at: (r) => at(settingText(r, key)) }
  })
  const metric = usable[0].figures.metric
  const measureLabel = colorBy === 'metric' ? `best ${metric.name}` : colorBy === 'stepMs' ? 'ms/step' : 'memory'
  const scale = numericScale(usable.map(measure), colorBy === 'memory' ? formatBytes : formatValue)
  axes.push({ key: 'measure', label: measureLabel, ticks: scale.ticks, at: (r) => scale.at(measure(r)) })
  // Quantile colours: the rank of each run's measure among all, so that one outlier leaves the rest spread over the scale.
  const higherIsBetter = colorBy === 'metric' && !metric.lowerIsBetter
  const sorted = usable.map(measure).sort((a, b) => a - b)
  const rank = (v: number) => {
    let lo = 0, hi = sorted.length
    while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid] < v) lo = mid + 1; else hi = mid }
    let end = lo
    while (end < sorted.length && sorted[end] === v) end++
    return (lo + end - 1) / 2 // mid-rank of ties
  }
  const lines = usable.map((run) => {
    const v = measure(run)
    const q = sorted.length > 1 ? rank(v) / (sorted.length - 1) : 0.5
    return { run, at: axes.map((a) => a.at(run)), value: v, goodness: higherIsBetter ? q : 1 - q }
  })
  return { axes, lines, measureLabel }
}

/** The ids of the runs inside every brushed range. */
export function insideBrushes(layout: ParallelLayout | null, brushes: Brushes): Set<number> | null {
  const active = Object.entries(brushes).filter((e): e is [string, [number, number]] => e[1] !== undefined)
  if (!layout || !active.length) return null
  const index = new Map(layout.axes.map((a, i) => [a.key, i]))
  const eps = 1e-9
  return new Set(layout.lines.filter((l) => active.every(([key, [lo, hi]]) => {
    const i = index.get(key)
    return i === undefined || (l.at[i] >= lo - eps && l.at[i] <= hi + eps)
  })).map((l) => l.run.id))
}

/** Where things go in a drawing of width × height: axis i's x, and a position's y. */
export function parallelGeometry(width: number, height: number, axes: number) {
  const left = 64, right = 70, top = 34, bottom = 14
  const x = (i: number) => left + (axes > 1 ? (i * (width - left - right)) / (axes - 1) : (width - left - right) / 2)
  const y = (at: number) => top + (1 - at) * (height - top - bottom)
  const at = (py: number) => Math.min(1, Math.max(0, 1 - (py - top) / (height - top - bottom)))
  return { x, y, at, top, bottom }
}

export const lineColour = (goodness: number, alpha = 0.8) => sequentialColour(goodness, alpha)

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)

/**
 * The layout as a standalone SVG (the report's parallel coordinates). `halo` draws a white
 * outline behind the labels (paint-order), for renderers that support it; the PNG export's does not.
 */
export function parallelSvg(layout: ParallelLayout, width = 900, height = 320, halo = true): string {
  const outline = halo ? ' paint-order="stroke" stroke="#fff" stroke-width="3"' : ''
  const g = parallelGeometry(width, height, layout.axes.length)
  const lines = layout.lines.map((l) => `<polyline fill="none" stroke="${lineColour(l.goodness)}" stroke-width="1" points="${l.at.map((a, i) => `${g.x(i).toFixed(1)},${g.y(a).toFixed(1)}`).join(' ')}"><title>run #${l.run.idx + 1}</title></polyline>`)
  const axes = layout.axes.map((a, i) => {
    const x = g.x(i)
    const ticks = a.ticks.map((t) => `<line x1="${x - 3}" x2="${x}" y1="${g.y(t.at)}" y2="${g.y(t.at)}" stroke="#555"/><text x="${x - 5}" y="${g.y(t.at) + 4}" text-anchor="end" font-size="10"${outline}>${escape(t.text)}</text>`)
    return `<g><line x1="${x}" x2="${x}" y1="${g.y(1)}" y2="${g.y(0)}" stroke="#555"/><text x="${x}" y="${g.top - 14}" text-anchor="middle" font-size="11" font-weight="600"${outline}>${escape(a.label)}</text>${ticks.join('')}</g>`
  })
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="Parallel coordinates: one line per run across ${escape(layout.axes.map((a) => a.label).join(', '))}" font-family="system-ui, DejaVu Sans, Arial, sans-serif">${lines.join('')}${axes.join('')}</svg>`
}
