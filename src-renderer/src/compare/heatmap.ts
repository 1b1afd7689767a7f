// The gradient-flow heatmap, drawn on a canvas (Chart.js has none): log10 ‖∂L/∂h_t‖ for every
// timestep (across) at every snapshot (down), on a colour scale shared by the heatmaps beside it.
// Used by the compare view and by the HTML report.

import type { GradFlowSnapshot } from '../../../src-main/engine/training'
import { gradFlowMatrix } from './analysis'
import { viridisAt } from '../charts/styles'

/** The heatmaps' colour: viridis over its whole range (dark: a gradient that vanished), the same stops as every sequential scale here. */
export const viridis = viridisAt

/** The [min, max] of log10 norms over several runs' snapshots: one scale for heatmaps side by side. */
export function sharedRange(all: GradFlowSnapshot[][]): [number, number] {
  const values = all.flatMap((s) => gradFlowMatrix(s).log10.flat()).filter((v): v is number => v !== null)
  return values.length ? [Math.min(...values), Math.max(...values)] : [0, 1]
}

export function drawHeatmap(canvas: HTMLCanvasElement, snapshots: GradFlowSnapshot[], range: [number, number]): void {
  const ctx = canvas.getContext('2d')!
  const W = canvas.width, H = canvas.height, left = 44, bottom = 26, top = 4, right = 8
  ctx.fillStyle = '#fff'
  ctx.fillRect(0, 0, W, H)
  const { log10, T, steps } = gradFlowMatrix(snapshots)
  if (!T || !steps.length) return
  const cw = (W - left - right) / T, ch = (H - top - bottom) / steps.length
  const [lo, hi] = range
  log10.forEach((row, i) => row.forEach((v, t) => {
    ctx.fillStyle = v === null ? '#ddd' : viridis((v - lo) / (hi - lo || 1))
    ctx.fillRect(left + t * cw, top + i * ch, Math.ceil(cw), Math.ceil(ch))
  }))
  ctx.fillStyle = '#333'
  ctx.font = '11px system-ui, sans-serif'
  ctx.textAlign = 'center'
  for (const t of [0, Math.floor((T - 1) / 2), T - 1]) ctx.fillText(String(t + 1), left + (t + 0.5) * cw, H - bottom + 13)
  ctx.fillText('timestep t', left + (W - left - right) / 2, H - 3)
  ctx.textAlign = 'right'
  for (const i of [0, steps.length - 1]) ctx.fillText(String(steps[i]), left - 4, top + (i + 0.5) * ch + 4)
}
