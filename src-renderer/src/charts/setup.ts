// Chart.js, registered once, with the defaults every chart here shares: no animation (a sweep of a
// thousand runs must redraw at once), readable fonts, and one style (colour by cell, dash by
// backend) for a series wherever it appears.

import { Chart, registerables } from 'chart.js'
import zoomPlugin from 'chartjs-plugin-zoom'
import { isDarkPage } from './styles'

// Zoom and pan stay off unless a chart turns them on (the app's charts do; the report's do not).
Chart.register(...registerables, zoomPlugin)
Chart.defaults.animation = false
Chart.defaults.font.family = 'system-ui, sans-serif'
Chart.defaults.font.size = 12
// Text and grid lines follow the page's colour scheme (the report, printed, is always light).
const dark = isDarkPage()
Chart.defaults.color = dark ? '#c9d1db' : '#333'
Chart.defaults.borderColor = dark ? 'rgba(255, 255, 255, 0.12)' : 'rgba(0, 0, 0, 0.1)'
Chart.defaults.maintainAspectRatio = false
Chart.defaults.plugins.legend.labels.boxWidth = 12

export { Chart }

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
