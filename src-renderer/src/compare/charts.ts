// The compare view's Chart.js configurations, built from runs by the functions in analysis.ts.
// Each function returns null when the runs give it nothing to draw, with the reason left to the view.
// Every series is styled by seriesStyle (colour by cell or the chosen setting, dash by backend), so
// a series looks the same in every chart, the live view and the report.

import { stepTimeOf, stepTimeShown } from '../../../src-shared/lost-cpu'
import type { ChartConfiguration, ChartTypeRegistry, Scale, TooltipItem } from 'chart.js'
import type { SettingName } from '../../../src-shared/settings'
import type { RunView, SeriesByRun } from '../../../src-main/ipc/contract'
import type { TunedView } from '../../../src-main/model/verdicts'
import { CELLS, type CellKind } from '../../../src-shared/names'
import { formatBytes, formatValue } from '../../../src-shared/format'
import { ink, isDarkPage, logTicks, seriesStyle } from '../charts/styles'
import { beatsBaseline } from '../../../src-shared/baseline-rule'
import { configKey, groupBy, medianLines, paretoFront, quantile, seedBand, settingText, settingValues, smoothEma, type FinishedRun } from './analysis'

export type { ColorMetric } from './parallel'

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

/** How series are coloured: by a setting, whose values are `keys` in a fixed order. */
export interface Styling { colorBy: SettingName; keys: string[] }
export const styling = (runs: RunView[], colorBy: SettingName): Styling => ({ colorBy, keys: settingValues(runs, colorBy) })
const styleOf = (r: RunView, s: Styling, alpha = 1) => seriesStyle(s.colorBy, settingText(r, s.colorBy), s.keys, r.config.backend, alpha)

/** Ticks at exactly these values (the swept hidden sizes, not a scale's 10, 20, 50). */
function ticksAt(values: number[]) {
  const sorted = [...new Set(values)].filter(Number.isFinite).sort((a, b) => a - b)
  return {
    afterBuildTicks: (axis: Scale) => { axis.ticks = sorted.map((value) => ({ value })) },
    ticks: { callback: (v: number | string) => String(v), autoSkip: false },
    // One value alone gets room on either side, instead of an axis of 47.5 to 52.5.
    ...(sorted.length === 1 ? { min: sorted[0] / 2, max: sorted[0] * 2 } : {}),
  }
}

/** A log axis when the values span a factor of four or more, else linear; ticks at the values either way. */
function valueAxis(values: number[], title: string) {
  const lo = Math.min(...values), hi = Math.max(...values)
  const log = lo > 0 && hi / lo >= 4
  return { type: log || values.length <= 1 ? 'logarithmic' : 'linear', title: { display: true, text: log ? `${title} (log)` : title }, ...ticksAt(values) } as const
}

const lineGroup = (r: FinishedRun) => `${r.config.cell} · ${r.config.backend}`

export function stepTimeChart(runs: FinishedRun[]): ChartConfiguration | null {
  const lines = medianLines(runs, lineGroup, (r) => r.config.hiddenSize, (r) => stepTimeShown(r.figures))
  if (!lines.some((l) => l.points.length)) return null
  const cellStyle = styling(runs, 'cell')
  return {
    type: 'line',
    data: {
      datasets: lines.map((l) => {
        const st = styleOf(l.points[0]?.runs[0] ?? runs[0], cellStyle)
        return {
          label: l.label, borderColor: st.color, backgroundColor: st.color, borderDash: st.dash, pointStyle: st.point as never,
          data: l.points.map((p) => {
            // A run too contended to judge is drawn by the median of its steps, and said to be.
            const unjudged = p.runs.filter((r) => stepTimeOf(r.figures) === null).length
            return { x: p.x, y: p.y, tip: [`${l.label}, H=${p.x}: median ${p.y.toFixed(3)} ms/step over ${p.runs.length} run(s)`, ...(unjudged ? [`${unjudged} timed under contention (not judged): the median of its steps`] : [])] }
          }),
          parsing: false as const,
        }
      }),
    },
    options: {
      scales: {
        x: valueAxis(runs.map((r) => r.config.hiddenSize), 'hidden size H'),
        y: { type: 'logarithmic', ticks: logTicks, title: { display: true, text: 'ms per training step (median of runs, log)' } },
      },
      plugins: { tooltip },
    },
  }
}

/** Memory per run against the sequence length, or against the hidden size when every run has one T. */
export function memoryChart(runs: FinishedRun[]): { config: ChartConfiguration; against: 'seqLen' | 'hiddenSize' } | null {
  if (!runs.length) return null
  const Ts = new Set(runs.map((r) => r.figures.task.seqLen))
  const against = Ts.size > 1 || new Set(runs.map((r) => r.config.hiddenSize)).size <= 1 ? 'seqLen' : 'hiddenSize'
  const xOf = (r: FinishedRun) => (against === 'seqLen' ? r.figures.task.seqLen : r.config.hiddenSize)
  const bytes = (r: FinishedRun) => r.figures.memory.deviceBytes ?? r.figures.memory.analyticTotalBytes
  const cellStyle = styling(runs, 'cell')
  const datasets = [...groupBy(runs, lineGroup)].map(([label, members]) => {
    const st = styleOf(members[0], cellStyle, 0.8)
    return {
      label, backgroundColor: st.color, borderColor: st.color, pointStyle: st.point as never, pointRadius: 4,
      data: members.map((r) => ({ x: xOf(r), y: bytes(r) / 2 ** 20, tip: [`run #${r.idx + 1} · ${label}, H=${r.config.hiddenSize}, T=${r.figures.task.seqLen}: ${formatBytes(bytes(r))}`] })),
      parsing: false as const,
    }
  })
  return {
    against,
    config: {
      type: 'scatter', data: { datasets },
      options: {
        scales: {
          x: valueAxis(runs.map(xOf), against === 'seqLen' ? 'sequence length T' : 'hidden size H'),
          y: { type: 'logarithmic', ticks: logTicks, title: { display: true, text: 'memory, MiB (log)' } },
        },
        plugins: { tooltip },
      },
    },
  }
}

export interface CurveOptions { /** EMA weight of the smoothing, 0 to 0.99. */ smoothing: number; logY: boolean; /** The x axis: wall time (the default) or training step. */ x?: 'time' | 'step' }

/** Validation metric against wall time, one line per run, with the baseline dashed; a y range an outlier cannot flatten. */
export function convergenceChart(runs: FinishedRun[], series: SeriesByRun, style: Styling, opts: CurveOptions = { smoothing: 0, logY: false }): { config: ChartConfiguration; clippedAbove: number | null } | null {
  const withSeries = runs.filter((r) => series[r.id]?.val_metric?.step.length)
  if (!withSeries.length) return null
  const metric = withSeries[0].figures.metric
  const baseline = withSeries[0].figures.baseline
  const byStep = opts.x === 'step'
  const xsOf = (s: NonNullable<SeriesByRun[number]['val_metric']>) => (byStep ? s.step : s.wallMs.map((w) => w / 1000))
  const maxX = Math.max(...withSeries.map((r) => Math.max(...xsOf(series[r.id].val_metric!))))
  const all: number[] = []
  const datasets: ChartConfiguration['data']['datasets'] = withSeries.map((r) => {
    const s = series[r.id].val_metric!
    const ys = smoothEma(s.value, opts.smoothing)
    all.push(...ys)
    const tip = describeRun(r)
    const st = styleOf(r, style, 0.75)
    return {
      label: `${settingText(r, style.colorBy)} · ${r.config.backend} #${r.idx + 1}`, legendGroup: `${settingText(r, style.colorBy)} · ${r.config.backend}`,
      borderColor: st.color, borderDash: st.dash, borderWidth: 1.2, pointRadius: 0,
      data: xsOf(s).map((x, i) => ({ x, y: ys[i], tip })), parsing: false as const, normalized: true, spanGaps: true,
    } as never
  })
  datasets.push({
    label: `baseline (${baseline.description}): ${formatValue(baseline.metric)}`, borderColor: '#888', borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0,
    data: [{ x: 0, y: baseline.metric }, { x: maxX, y: baseline.metric }], parsing: false as const,
  })
  const classical = withSeries[0].figures.classical
  if (classical) datasets.push(classicalLine(classical, 0, maxX))
  // A robust top, unless the log axis is chosen: Tukey's far fence (Q3 + 3·IQR) of what is drawn,
  // or the baseline if higher. A diverged run at MSE 10 goes off the top instead of flattening the rest.
  const q1 = quantile(all, 0.25), q3 = quantile(all, 0.75)
  const top = Math.max(q3 + 3 * (q3 - q1), baseline.metric, classical?.metric ?? -Infinity) * 1.05
  const realTop = Math.max(...all.filter(Number.isFinite), baseline.metric, classical?.metric ?? -Infinity)
  const clip = !opts.logY && realTop > top ? top : null
  return {
    clippedAbove: clip,
    config: {
      type: 'line', data: { datasets },
      options: {
        scales: {
          x: { type: 'linear', title: { display: true, text: byStep ? 'training step' : 'wall time, s' } },
          y: opts.logY
            ? { type: 'logarithmic', ticks: logTicks, title: { display: true, text: `validation ${metric.name} (log)` } }
            : { type: 'linear', ...(clip !== null ? { max: Number(clip.toPrecision(2)) } : {}), title: { display: true, text: `validation ${metric.name} (${metric.lowerIsBetter ? 'lower' : 'higher'} is better)` } },
        },
        plugins: { tooltip },
      },
    },
  }
}

/** The classical baseline as a dotted line from x0 to x1 (a linear autoregression, naive Bayes, a bigram model). */
export function classicalLine(c: { metric: number; description: string }, x0: number, x1: number) {
  return {
    label: `classical (${c.description.split(' (')[0]}): ${formatValue(c.metric)}`, borderColor: isDarkPage() ? '#b58ee0' : '#6a3d9a', borderDash: [2, 3], borderWidth: 1.8, pointRadius: 0,
    data: [{ x: x0, y: c.metric }, { x: x1, y: c.metric }], parsing: false as const,
  }
}

export type ParetoX = 'time' | 'memory'

/**
 * Cost (step time or memory) against the final validation metric. Runs that did not beat the
 * task's baseline, by the one rule the verdicts and the runs table read (src-shared/baseline-rule.ts:
 * each run's paired test on the validation items), are grey and take no part in the front: a run no
 * better than predicting the mean is not a trade-off worth making. The front is a staircase: at
 * any cost, the best metric some run reached at that cost or less. The baselines are drawn.
 */
export function paretoChart(runs: FinishedRun[], x: ParetoX, style: Styling): { config: ChartConfiguration; front: FinishedRun[]; learned: FinishedRun[] } | null {
  const usable = runs.filter((r) => Number.isFinite(r.figures.finalMetric))
  if (!usable.length) return null
  const metric = usable[0].figures.metric
  const baseline = usable[0].figures.baseline.metric
  const xOf = (r: FinishedRun) => (x === 'time' ? stepTimeShown(r.figures) : (r.figures.memory.deviceBytes ?? r.figures.memory.analyticTotalBytes) / 2 ** 20)
  const learned = usable.filter((r) => beatsBaseline(r.figures))
  const objectives = learned.map((r) => [xOf(r), metric.lowerIsBetter ? r.figures.finalMetric : -r.figures.finalMetric])
  const frontIdx = new Set(paretoFront(objectives))
  const front = learned.filter((_, i) => frontIdx.has(i)).sort((a, b) => xOf(a) - xOf(b))
  const point = (r: FinishedRun) => ({ x: xOf(r), y: r.figures.finalMetric, tip: [...describeRun(r), `final ${metric.name} ${formatValue(r.figures.finalMetric)}, ${stepTimeShown(r.figures).toFixed(3)} ms/step, ${formatBytes(r.figures.memory.analyticTotalBytes)}`] })
  const datasets: ChartConfiguration['data']['datasets'] = [...groupBy(learned, (r) => `${settingText(r, style.colorBy)} · ${r.config.backend}`)].map(([key, members]) => {
    const st = styleOf(members[0], style, 0.75)
    return { label: key, data: members.map(point), backgroundColor: st.color, borderColor: st.color, pointStyle: st.point as never, pointRadius: 4, parsing: false as const }
  })
  const failed = usable.filter((r) => !beatsBaseline(r.figures))
  if (failed.length) datasets.push({ label: `did not beat the baseline (${failed.length})`, data: failed.map(point), backgroundColor: 'rgba(140, 140, 140, 0.45)', borderColor: 'rgba(140, 140, 140, 0.6)', pointRadius: 3, parsing: false as const })
  const xs = usable.map(xOf)
  datasets.push({
    label: `baseline: ${formatValue(baseline)}`, type: 'line' as never, data: [{ x: Math.min(...xs) * 0.9, y: baseline }, { x: Math.max(...xs) * 1.1, y: baseline }],
    borderColor: '#888', borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0, parsing: false as const,
  } as never)
  const classical = usable[0].figures.classical
  if (classical) datasets.push({ ...classicalLine(classical, Math.min(...xs) * 0.9, Math.max(...xs) * 1.1), type: 'line' } as never)
  if (front.length) {
    datasets.unshift({
      label: `Pareto front (nothing is both ${x === 'time' ? 'faster' : 'smaller'} and better)`, type: 'line' as never, data: front.map(point),
      borderColor: ink(), backgroundColor: ink(), borderWidth: 1.5, pointRadius: 7, pointStyle: 'rectRot', showLine: true, stepped: 'after', parsing: false as const,
    } as never)
  }
  return {
    front, learned,
    config: {
      type: 'scatter', data: { datasets },
      options: {
        scales: {
          x: { type: 'logarithmic', ticks: logTicks, title: { display: true, text: x === 'time' ? 'ms per training step (log)' : 'memory, MiB (log)' } },
          y: { type: 'linear', title: { display: true, text: `final validation ${metric.name}` } },
        },
        plugins: { tooltip },
      },
    },
  }
}

/** Past this many configurations the bands are drawn per colour group (cell or chosen setting, and backend) instead of per configuration. */
export const BAND_CONFIGURATIONS = 36

/**
 * The mean training loss and the band from the lowest to the highest, at any count: per
 * configuration over its seeds, or, past BAND_CONFIGURATIONS configurations (where a band each
 * would be an unreadable wash and would hold the page for seconds), per colour group over all its
 * runs, each group saying how many configurations it holds.
 */
export function lossBandsChart(runs: FinishedRun[], series: SeriesByRun, style: Styling, smoothing = 0): { config: ChartConfiguration; grouped: boolean } | null {
  const withLoss = runs.filter((r) => series[r.id]?.train_loss?.step.length)
  const configs = [...groupBy(withLoss, configKey)]
  if (!configs.length) return null
  const grouped = configs.length > BAND_CONFIGURATIONS
  const groups = grouped ? [...groupBy(withLoss, (r) => `${settingText(r, style.colorBy)} · ${r.config.backend}`)] : configs
  const bandAlpha = groups.length > 12 ? 0.07 : 0.18
  const datasets: ChartConfiguration['data']['datasets'] = []
  for (const [key, members] of groups) {
    const band = seedBand(members.map((r) => series[r.id].train_loss!))
    const st = styleOf(members[0], style)
    const fill = styleOf(members[0], style, bandAlpha).color
    const label = grouped
      ? `${key} (${new Set(members.map(configKey)).size} configurations, ${band.n} runs)`
      : `${describeRun(members[0])[0].replace(/^run #\d+ · /, '').replace(/ · seed \d+$/, '')} (${band.n} seed${band.n > 1 ? 's' : ''})`
    const pts = (ys: number[]) => { const s = smoothEma(ys, smoothing); return band.step.map((x, i) => ({ x, y: s[i] })) }
    datasets.push(
      { label: `${label} min`, legendGroup: label, inLegend: false, data: pts(band.low), borderWidth: 0, pointRadius: 0, parsing: false as const, fill: false } as never,
      { label: `${label} max`, legendGroup: label, inLegend: false, data: pts(band.high), borderWidth: 0, pointRadius: 0, parsing: false as const, fill: '-1', backgroundColor: fill } as never,
      { label, legendGroup: label, data: pts(band.mean), borderColor: st.color, borderDash: st.dash, borderWidth: 1.5, pointRadius: 0, parsing: false as const } as never,
    )
  }
  return {
    grouped,
    config: {
      type: 'line', data: { datasets },
      options: {
        scales: { x: { type: 'linear', title: { display: true, text: 'training step' } }, y: { type: 'logarithmic', ticks: logTicks, title: { display: true, text: 'training loss (log)' } } },
        plugins: { legend: { labels: { filter: (item) => !/ (min|max)$/.test(item.text) } }, tooltip },
      },
    },
  }
}

/**
 * A tuned question's budget curves (Dodge et al. 2019): per cell, the expected best validation
 * metric of n = 1 … N trials with its 95% bootstrap band, and the baselines the trials were
 * scored against as horizontal lines.
 */
export function expectedMaxChart(view: TunedView): ChartConfiguration | null {
  const cells = (Object.keys(view.expectedMax) as CellKind[]).filter((c) => view.expectedMax[c]!.length)
  if (!cells.length) return null
  const N = Math.max(...cells.map((c) => view.expectedMax[c]!.length))
  const style = (c: string, alpha = 1) => seriesStyle('cell', c, cells, '', alpha)
  const name = CELLS[cells[0]] ? (c: CellKind) => CELLS[c].label : (c: CellKind) => c
  const datasets: ChartConfiguration['data']['datasets'] = cells.flatMap((c) => {
    const values = view.expectedMax[c]!, band = view.band[c] ?? []
    const at = (ys: number[]) => ys.map((y, k) => ({ x: k + 1, y }))
    const edge = (ys: number[]) => ({ label: `${name(c)} 95% band`, legendGroup: name(c), inLegend: false, data: at(ys), borderColor: 'transparent', backgroundColor: style(c, 0.15).color, pointRadius: 0 })
    return [
      { ...edge(band.map((b) => b[0])) },
      { ...edge(band.map((b) => b[1])), fill: '-1' },
      { label: name(c), legendGroup: name(c), data: at(values), borderColor: style(c).color, backgroundColor: style(c).color, borderWidth: 2, pointRadius: 2 },
    ] as never
  })
  const flat = (label: string, y: number | null, dash: number[]) => (y === null ? [] : [{ label, data: [{ x: 1, y }, { x: N, y }], borderColor: ink(), borderDash: dash, borderWidth: 1, pointRadius: 0 }])
  datasets.push(...flat('trivial baseline (validation)', view.baselines.trivial, [6, 4]) as never[], ...flat('classical baseline (validation)', view.baselines.classical, [2, 3]) as never[])
  const metric = view.metric.name.toUpperCase()
  return {
    type: 'line',
    data: { datasets },
    options: {
      parsing: false,
      scales: {
        x: { type: 'linear', min: 1, max: N, title: { display: true, text: 'trials (tuning budget)' }, ticks: { stepSize: 1, precision: 0 } },
        y: { title: { display: true, text: `expected best ${metric} (${view.metric.lowerIsBetter ? 'lower' : 'higher'} is better)` } },
      },
      plugins: { tooltip: { callbacks: { label: (item: TooltipItem<keyof ChartTypeRegistry>) => { const p = item.parsed as { x: number; y: number }; return `${item.dataset.label}: ${formatValue(p.y)} at ${p.x} trial${p.x === 1 ? '' : 's'}` } } } },
    },
  }
}
