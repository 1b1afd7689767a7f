// The numbers behind the compare view's charts, as plain functions over runs (no Chart.js, no DOM),
// so that they are unit-tested: filtering and grouping by any setting, medians per group, the
// Pareto front, bands over seeds, and the gradient-flow matrix.

import type { RunView, SeriesColumns } from '../../../src-main/ipc/contract'
import { groupBy, median } from '../../../src-shared/collections'
import { settingText as textOf, varyingSettings as varyingOf, type SettingName } from '../../../src-shared/settings'
import type { GradFlowSnapshot } from '../../../src-main/engine/training'

export type FinishedRun = RunView & { figures: NonNullable<RunView['figures']> }

export const isFinished = (r: RunView): r is FinishedRun => (r.status === 'done' || r.status === 'diverged') && r.figures !== null

/** A run's setting as shown and compared (src-shared/settings.ts). */
export const settingText = (r: RunView, k: SettingName): string => textOf(r.config, k)

/** Settings whose values differ between these runs. */
export const varyingSettings = (runs: RunView[]): SettingName[] => varyingOf(runs.map((r) => r.config))

export { groupBy, median }

/** The values each setting takes, in first-seen order (numbers sorted). */
export function settingValues(runs: RunView[], k: SettingName): string[] {
  const values = [...new Set(runs.map((r) => settingText(r, k)))]
  return values.every((v) => v !== '' && Number.isFinite(Number(v))) ? values.sort((a, b) => Number(a) - Number(b)) : values
}

/** Filters: for a setting, the values kept; a setting absent keeps every value. */
export type Filters = Partial<Record<SettingName, string[]>>

export function applyFilters<R extends RunView>(runs: R[], filters: Filters): R[] {
  const active = Object.entries(filters).filter(([, kept]) => kept !== undefined) as Array<[SettingName, string[]]>
  return runs.filter((r) => active.every(([k, kept]) => kept.includes(settingText(r, k))))
}

/**
 * For each group, the median of `y` over runs sharing an `x`: one line per group, points in x order.
 * How the step-time and memory charts reduce repeats and other settings to one point.
 */
export function medianLines(runs: FinishedRun[], group: (r: FinishedRun) => string, x: (r: FinishedRun) => number, y: (r: FinishedRun) => number) {
  return [...groupBy(runs, group)].map(([label, members]) => ({
    label,
    points: [...groupBy(members, (r) => String(x(r)))]
      .map(([, at]) => ({ x: x(at[0]), y: median(at.map(y)), runs: at }))
      .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
      .sort((a, b) => a.x - b.x),
  }))
}

/**
 * Indices of the non-dominated points: nothing else is at least as good on every objective and
 * strictly better on one. Every objective is minimized; negate one that is maximized.
 */
export function paretoFront(points: number[][]): number[] {
  const front: number[] = []
  points.forEach((p, i) => {
    if (p.some((v) => !Number.isFinite(v))) return
    const dominated = points.some((q, j) => j !== i && q.every((v, k) => Number.isFinite(v) && v <= p[k]) && q.some((v, k) => v < p[k]))
    if (!dominated) front.push(i)
  })
  return front
}

/** A run's configuration without its seed: runs that differ only by seed are repeats of one configuration. */
export const configKey = (r: RunView): string => JSON.stringify({ ...r.config, seed: undefined })

export interface Band { step: number[]; mean: number[]; low: number[]; high: number[]; n: number }

/**
 * Mean and min–max band of a series over the repeats of one configuration, at the steps every
 * repeat recorded (repeats with a shorter series, a time budget or divergence, end the band).
 */
export function seedBand(series: SeriesColumns[]): Band {
  const maps = series.map((s) => new Map(s.step.map((st, i) => [st, s.value[i]])))
  const steps = series.length ? series[0].step.filter((st) => maps.every((m) => m.has(st))) : []
  const band: Band = { step: [], mean: [], low: [], high: [], n: series.length }
  for (const st of steps) {
    const values = maps.map((m) => m.get(st)).filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v))
    if (!values.length) continue
    band.step.push(st)
    band.mean.push(values.reduce((a, b) => a + b, 0) / values.length)
    band.low.push(Math.min(...values))
    band.high.push(Math.max(...values))
  }
  return band
}

/**
 * The gradient-flow heatmap of one run: rows are training steps (snapshots), columns timesteps;
 * each value is log10 of ‖∂L/∂h_t‖ summed over the layer-directions. Zero norms become null.
 */
export function gradFlowMatrix(snapshots: GradFlowSnapshot[]): { steps: number[]; T: number; log10: Array<Array<number | null>> } {
  const T = snapshots.length ? Math.max(...snapshots.map((s) => s.T)) : 0
  const log10 = snapshots.map((s) => {
    const row: Array<number | null> = new Array(T).fill(null)
    for (let t = 0; t < s.T; t++) {
      let sum = 0
      for (let r = 0; r < s.rows; r++) sum += s.norms[r * s.T + t]
      row[t] = sum > 0 && Number.isFinite(sum) ? Math.log10(sum) : null
    }
    return row
  })
  return { steps: snapshots.map((s) => s.step), T, log10 }
}

/**
 * Exponential moving average, de-biased as TensorBoard's smoothing slider is: m_t = β·m_{t-1} +
 * (1−β)·x_t from m_0 = 0, shown as m_t / (1 − β^t), so the first points are not pulled towards 0.
 * A missing or infinite value stays missing and leaves the average as it was. β = 0 returns the values.
 */
export function smoothEma(values: ReadonlyArray<number | null>, beta: number): number[] {
  if (!(beta > 0)) return values.map((v) => (v === null ? NaN : v))
  let m = 0, t = 0
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return NaN
    t++
    m = beta * m + (1 - beta) * v
    return m / (1 - beta ** t)
  })
}

/** The q-quantile (0–1) of the finite values, linear between order statistics; NaN when there are none. */
export function quantile(values: number[], q: number): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (!v.length) return NaN
  const pos = (v.length - 1) * Math.min(1, Math.max(0, q)), i = Math.floor(pos)
  return i + 1 < v.length ? v[i] + (v[i + 1] - v[i]) * (pos - i) : v[i]
}

/** One cell's sensitivity to the settings: the share of its runs' spread each setting explains. */
export interface CellSensitivity { cell: string; runs: number; shares: Partial<Record<SettingName, number>> }

/**
 * Which settings matter, per cell: for each cell, over its finished runs of one task, the share of
 * the variance of the log final metric that each varying setting explains on its own (η², the
 * between-values sum of squares over the total; one-way, so shares of correlated settings can
 * overlap and need not sum to 1). A setting with one value among a cell's runs explains nothing and
 * is left out. Seeds are not a setting: their spread is the part no setting explains.
 */
export function settingSensitivity(runs: FinishedRun[], settings: SettingName[]): CellSensitivity[] {
  const out: CellSensitivity[] = []
  for (const [cell, members] of groupBy(runs, (r) => r.config.cell)) {
    const ys = members.map((r) => Math.log(r.figures.finalMetric))
    const ok = members.filter((_, i) => Number.isFinite(ys[i]))
    const y = ys.filter(Number.isFinite)
    if (y.length < 3) continue
    const mean = y.reduce((s, v) => s + v, 0) / y.length
    const total = y.reduce((s, v) => s + (v - mean) ** 2, 0)
    const shares: Partial<Record<SettingName, number>> = {}
    for (const k of settings) {
      if (k === 'cell') continue
      const levels = groupBy(ok.map((r, i) => ({ v: settingText(r, k), y: y[i] })), (p) => p.v)
      if (levels.size < 2 || !(total > 0)) continue
      let between = 0
      for (const l of levels.values()) { const m = l.reduce((s, p) => s + p.y, 0) / l.length; between += l.length * (m - mean) ** 2 }
      shares[k] = between / total
    }
    out.push({ cell, runs: y.length, shares })
  }
  return out
}
