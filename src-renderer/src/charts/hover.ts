// Hover on a chart of many lines: the line nearest the pointer is drawn thick and the others fade,
// and the tooltip lists every line at that x (up to TOOLTIP_LINES, nearest in value first, then
// how many more), so that a line among sixty can be found and named. Plain options for Chart.js.

import type { ActiveElement, Chart, ChartConfiguration, ChartEvent, TooltipItem } from 'chart.js'

export const TOOLTIP_LINES = 12

type Styled = { borderWidth?: number; _base?: number; _colour?: string; borderColor?: unknown }

/** Restores every line's width, then thickens the one under the pointer. */
function highlight(chart: Chart, index: number | null): void {
  let changed = false
  chart.data.datasets.forEach((d, i) => {
    const s = d as Styled
    if (s._base === undefined) s._base = typeof s.borderWidth === 'number' ? s.borderWidth : 1.2
    const want = index === null ? s._base : i === index ? Math.max(3, s._base * 2.5) : s._base
    if (s.borderWidth !== want) { s.borderWidth = want; changed = true }
  })
  if (changed) chart.update('none')
}

/** `cfg` with nearest-line hover and a tooltip of every line at the pointer's x. */
export function withLineHover(cfg: ChartConfiguration): ChartConfiguration {
  const options = (cfg.options ??= {})
  options.interaction = { mode: 'nearest', axis: 'xy', intersect: false }
  options.onHover = (_e: ChartEvent, active: ActiveElement[], chart: Chart) => highlight(chart, active[0]?.datasetIndex ?? null)
  const plugins = (options.plugins ??= {}) as Record<string, unknown>
  const tooltip = (plugins.tooltip ?? {}) as Record<string, unknown>
  plugins.tooltip = {
    ...tooltip,
    mode: 'x', intersect: false,
    filter: (_item: TooltipItem<'line'>, i: number) => i < TOOLTIP_LINES,
    callbacks: {
      ...((tooltip.callbacks as object) ?? {}),
      footer: (items: TooltipItem<'line'>[]) => {
        const total = items[0]?.chart.data.datasets.filter((d, i) => !items[0].chart.getDatasetMeta(i).hidden && (d.data as unknown[]).length).length ?? 0
        return total > TOOLTIP_LINES ? `and up to ${total - TOOLTIP_LINES} more lines at this x` : ''
      },
    },
  }
  return cfg
}
