// Chart.js, registered once, with the defaults every chart here shares: no animation (a sweep of a
// thousand runs must redraw at once), readable fonts, and one colour per group in a fixed order.

import { Chart, registerables } from 'chart.js'

Chart.register(...registerables)
Chart.defaults.animation = false
Chart.defaults.font.family = 'system-ui, sans-serif'
Chart.defaults.font.size = 12
// Text and grid lines follow the page's colour scheme (the report, printed, is always light).
const dark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches && typeof document !== 'undefined' && !document.getElementById('rnnbench-report-data')
Chart.defaults.color = dark ? '#c9d1db' : '#333'
Chart.defaults.borderColor = dark ? 'rgba(255, 255, 255, 0.12)' : 'rgba(0, 0, 0, 0.1)'
Chart.defaults.maintainAspectRatio = false
Chart.defaults.plugins.legend.labels.boxWidth = 12

/** Okabe–Ito: distinguishable with the common colour-vision deficiencies. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000']

export const colorFor = (index: number, alpha = 1): string => {
  const hex = PALETTE[index % PALETTE.length]
  if (alpha >= 1) return hex
  const n = parseInt(hex.slice(1), 16)
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`
}

export { Chart }

/** Tick labels for a log axis: only at 1, 2 and 5 times a power of ten, so that they never crowd. */
export const logTicks = {
  callback(value: number | string): string {
    const v = Number(value)
    if (!(v > 0)) return ''
    const mantissa = v / 10 ** Math.floor(Math.log10(v) + 1e-9)
    return [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6) ? String(Number(v.toPrecision(3))) : ''
  },
}

const queue: Array<() => void> = []
let scheduled = false

/** Runs `draw` in a later task, one queued draw per task, in order; returns a cancel function. */
export function renderSoon(draw: () => void): () => void {
  let cancelled = false
  queue.push(() => { if (!cancelled) draw() })
  if (!scheduled) {
    scheduled = true
    setTimeout(next, 0)
  }
  return () => { cancelled = true }
}

function next(): void {
  queue.shift()?.()
  if (queue.length) setTimeout(next, 0)
  else scheduled = false
}
