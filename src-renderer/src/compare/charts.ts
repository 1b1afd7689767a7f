// The compare view's Chart.js configurations, built from runs by the functions in analysis.ts.
// Each function returns null when the runs give it nothing to draw, with the reason left to the view.

import type { ChartConfiguration, ChartTypeRegistry, TooltipItem } from 'chart.js'
import type { SettingName } from '../../../src-shared/settings'
import type { RunView, SeriesByRun } from '../../../src-main/ipc/contract'
import { formatBytes, formatValue } from '../../../src-shared/format'
import { colorFor, logTicks } from '../charts/setup'
import { viridis } from './heatmap'
import { configKey, groupBy, medianLines, paretoFront, parallelAxes, seedBand, type FinishedRun } from './analysis'

/** A point that carries its run's description for the tooltip. */
interface TipPoint { x: number; y: number; tip: string[] }

const SHOWN: SettingName[] = ['task', 'cell', 'backend', 'hiddenSize', 'numLayers', 'bidirectional', 'seqLen', 'batchSize', 'lr', 'dropout', 'optimizer']

/** A run's configuration in a few lines, for tooltips. */
export function describeRun(r: RunView): string[] {
  const c = r.config
  return [
    `run #${r.idx + 1} · ${c.cell} on ${c.backend} · seed ${c.seed}`,
    SHOWN.filter((k) => !['cell', 'backend'].includes(k) && c[k] !== undefined).map((k) => `${k} ${String(c[k])}`).join(', '),
  ]
}

const tooltip = {
  callbacks: {
    label: (item: TooltipItem<keyof ChartTypeRegistry>) => {
      const raw = item.raw as Partial<TipPoint>
      return raw.tip ?? `${item.dataset.label}: ${formatValue(item.parsed.y ?? NaN)}`
    },
  },
}

const lineGroup = (r: FinishedRun) => `${r.config.cell} · ${r.config.backend}`

type MedianLines = ReturnType<typeof medianLines>

/** One line per cell and backend through the medians; `y` scales a median and writes its tooltip. */
function medianLineChart(lines: MedianLines, groups: string[], y: (label: string, p: MedianLines[number]['points'][number]) => { y: number; tip: string }, axes: { x: object; y: object }): ChartConfiguration | null {
  if (!lines.some((l) => l.points.length)) return null
  return {
    type: 'line',
    data: {
      datasets: lines.map((l) => ({
        label: l.label, borderColor: colorFor(groups.indexOf(l.label)), backgroundColor: colorFor(groups.indexOf(l.label)),
        data: l.points.map((p) => { const v = y(l.label, p); return { x: p.x, y: v.y, tip: [v.tip] } }),
        parsing: false as const,
      })),
    },
    options: { scales: axes, plugins: { tooltip } },
  }
}

export function stepTimeChart(runs: FinishedRun[], groups: string[]): ChartConfiguration | null {
  const lines = medianLines(runs, lineGroup, (r) => r.config.hiddenSize, (r) => r.figures.stepMs.total.median)
  return medianLineChart(lines, groups, (label, p) => ({ y: p.y, tip: `${label}, H=${p.x}: median ${p.y.toFixed(3)} ms/step over ${p.runs.length} run(s)` }), {
    x: { type: 'logarithmic', ticks: logTicks, title: { display: true, text: 'hidden size H (log)' } },
    y: { type: 'logarithmic', ticks: logTicks, title: { display: true, text: 'training step, ms (median, log)' } },
  })
}

export function memoryChart(runs: FinishedRun[], groups: string[]): ChartConfiguration | null {
  const lines = medianLines(runs, lineGroup, (r) => r.figures.task.seqLen, (r) => r.figures.memory.deviceBytes ?? r.figures.memory.analyticTotalBytes)
  return medianLineChart(lines, groups, (label, p) => ({ y: p.y / 2 ** 20, tip: `${label}, T=${p.x}: ${formatBytes(p.y)} (median of ${p.runs.length})` }), {
    x: { type: 'linear', title: { display: true, text: 'sequence length T' } },
    y: { type: 'logarithmic', ticks: logTicks, title: { display: true, text: 'memory, MiB (log)' } },
  })
}

export function convergenceChart(runs: FinishedRun[], series: SeriesByRun, colorKey: (r: RunView) => string, keys: string[]): ChartConfiguration | null {
  const withSeries = runs.filter((r) => series[r.id]?.val_metric?.step.length)
  if (!withSeries.length) return null
  const metric = withSeries[0].figures.metric
  const baseline = withSeries[0].figures.baseline
  const maxX = Math.max(...withSeries.map((r) => Math.max(...series[r.id].val_metric!.wallMs)))
  const datasets: ChartConfiguration['data']['datasets'] = withSeries.map((r) => {
    const s = series[r.id].val_metric!
    const tip = describeRun(r)
    return {
      label: `${colorKey(r)} #${r.idx + 1}`, borderColor: colorFor(keys.indexOf(colorKey(r)), 0.75), borderWidth: 1.2, pointRadius: 0,
      data: s.wallMs.map((w, i) => ({ x: w / 1000, y: s.value[i] ?? NaN, tip })), parsing: false as const, normalized: true, spanGaps: true,
    }
  })
  datasets.push({
    label: `baseline (${baseline.description}): ${formatValue(baseline.metric)}`, borderColor: '#888', borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0,
    data: [{ x: 0, y: baseline.metric }, { x: maxX / 1000, y: baseline.metric }], parsing: false as const,
  })
  return {
    type: 'line', data: { datasets },
    options: {
      scales: {
        x: { type: 'linear', title: { display: true, text: 'wall time, s' } },
        y: { type: 'linear', title: { display: true, text: `validation ${metric.name} (${metric.lowerIsBetter ? 'lower' : 'higher'} is better)` } },
      },
      plugins: { tooltip, legend: { display: datasets.length <= 14 } },
    },
  }
}

export type ParetoX = 'time' | 'memory'

export function paretoChart(runs: FinishedRun[], x: ParetoX, colorKey: (r: RunView) => string, keys: string[]): { config: ChartConfiguration; front: FinishedRun[] } | null {
  const usable = runs.filter((r) => Number.isFinite(r.figures.bestMetric))
  if (!usable.length) return null
  const metric = usable[0].figures.metric
  const xOf = (r: FinishedRun) => (x === 'time' ? r.figures.stepMs.total.median : (r.figures.memory.deviceBytes ?? r.figures.memory.analyticTotalBytes) / 2 ** 20)
  const objectives = usable.map((r) => [xOf(r), metric.lowerIsBetter ? r.figures.bestMetric : -r.figures.bestMetric])
  const frontIdx = new Set(paretoFront(objectives))
  const front = usable.filter((_, i) => frontIdx.has(i)).sort((a, b) => xOf(a) - xOf(b))
  const point = (r: FinishedRun) => ({ x: xOf(r), y: r.figures.bestMetric, tip: [...describeRun(r), `best ${metric.name} ${formatValue(r.figures.bestMetric)}, ${r.figures.stepMs.total.median.toFixed(3)} ms/step, ${formatBytes(r.figures.memory.analyticTotalBytes)}`] })
  const datasets: ChartConfiguration['data']['datasets'] = [...groupBy(usable, colorKey)].map(([key, members]) => ({
    label: key, data: members.map(point), backgroundColor: colorFor(keys.indexOf(key), 0.55), pointRadius: 4, parsing: false as const,
  }))
  datasets.unshift({
    label: 'Pareto front (nothing is both faster and better)', type: 'line' as never, data: front.map(point),
    borderColor: '#111', backgroundColor: '#111', borderWidth: 1.5, pointRadius: 7, pointStyle: 'rectRot', showLine: true, parsing: false as const,
  } as never)
  return {
    front,
    config: {
      type: 'scatter', data: { datasets },
      options: {
        scales: {
          x: { type: 'logarithmic', ticks: logTicks, title: { display: true, text: x === 'time' ? 'training step, ms (median, log)' : 'memory, MiB (log)' } },
          y: { type: 'linear', title: { display: true, text: `best validation ${metric.name}` } },
        },
        plugins: { tooltip },
      },
    },
  }
}

export function lossBandsChart(runs: FinishedRun[], series: SeriesByRun, colorKey: (r: RunView) => string, keys: string[], maxConfigs = 24): ChartConfiguration | 'too-many' | null {
  const configs = [...groupBy(runs.filter((r) => series[r.id]?.train_loss?.step.length), configKey)]
  if (!configs.length) return null
  if (configs.length > maxConfigs) return 'too-many'
  const datasets: ChartConfiguration['data']['datasets'] = []
  for (const [, members] of configs) {
    const band = seedBand(members.map((r) => series[r.id].train_loss!))
    const key = colorKey(members[0])
    const color = keys.indexOf(key)
    const label = `${describeRun(members[0])[0].replace(/^run #\d+ · /, '').replace(/ · seed \d+$/, '')} (${band.n} seed${band.n > 1 ? 's' : ''})`
    const pts = (ys: number[]) => band.step.map((s, i) => ({ x: s, y: ys[i] }))
    datasets.push(
      { label: `${label} min`, data: pts(band.low), borderWidth: 0, pointRadius: 0, parsing: false as const, fill: false },
      { label: `${label} max`, data: pts(band.high), borderWidth: 0, pointRadius: 0, parsing: false as const, fill: '-1', backgroundColor: colorFor(color, 0.18) },
      { label, data: pts(band.mean), borderColor: colorFor(color), borderWidth: 1.5, pointRadius: 0, parsing: false as const },
    )
  }
  return {
    type: 'line', data: { datasets },
    options: {
      scales: { x: { type: 'linear', title: { display: true, text: 'training step' } }, y: { type: 'logarithmic', ticks: logTicks, title: { display: true, text: 'training loss (mean over seeds, band: min–max)' } } },
      plugins: { legend: { display: configs.length <= 8, labels: { filter: (item) => !/ (min|max)$/.test(item.text) } }, tooltip },
    },
  }
}

export type ColorMetric = 'metric' | 'stepMs' | 'memory'

export function parallelChart(runs: FinishedRun[], settings: SettingName[], colorBy: ColorMetric): ChartConfiguration | null {
  if (!runs.length || !settings.length) return null
  const value = (r: FinishedRun) => (colorBy === 'metric' ? r.figures.bestMetric : colorBy === 'stepMs' ? r.figures.stepMs.total.median : r.figures.memory.analyticTotalBytes)
  const metric = runs[0].figures.metric
  const axes = parallelAxes(runs, settings)
  const values = runs.map(value).filter(Number.isFinite)
  const lo = Math.min(...values), hi = Math.max(...values)
  // Better is yellow: for a metric where lower is better, and for time and memory, low values.
  const better = (v: number) => { const u = (v - lo) / (hi - lo || 1); return colorBy === 'metric' && !metric.lowerIsBetter ? u : 1 - u }
  const labels = [...axes.map((a) => a.name), colorBy === 'metric' ? `best ${metric.name}` : colorBy === 'stepMs' ? 'ms/step' : 'memory']
  return {
    type: 'line',
    data: {
      labels,
      datasets: runs.map((r) => {
        const v = value(r)
        const tip = [...describeRun(r), `${labels.at(-1)}: ${colorBy === 'memory' ? formatBytes(v) : formatValue(v)}`]
        return {
          label: `#${r.idx + 1}`, borderColor: viridis(Number.isFinite(v) ? better(v) : 0, 0.6), borderWidth: 1, pointRadius: runs.length > 200 ? 0 : 2,
          data: [...axes.map((a) => ({ x: a.name, y: a.position(r), tip })), { x: labels.at(-1)!, y: Number.isFinite(v) ? (v - lo) / (hi - lo || 1) : NaN, tip }] as never,
        }
      }),
    },
    options: {
      scales: { y: { min: -0.05, max: 1.05, ticks: { display: false }, grid: { display: false } }, x: { grid: { color: '#999' } } },
      plugins: { legend: { display: false }, tooltip },
    },
  }
}

