// The compare view's state: the sweep's runs, series and verdicts as last fetched, and what the user
// chose (filters, colouring, brushed ranges, the runs table's order and ticks). Every fetch is
// numbered and only the latest one is applied: switching sweeps while a large one loads, or a slow
// refresh landing after a fast one, never shows one sweep's numbers under another's title.

import type { GradFlowSnapshot } from '../../../src-main/engine/training'
import type { AppEvent, RunView, SeriesByRun } from '../../../src-main/ipc/contract'
import type { Verdict, VerdictReport } from '../../../src-main/reports/verdicts'
import type { SettingName } from '../../../src-shared/settings'
import { api } from '../api'
import type { ColorMetric, ParetoX } from '../compare/charts'
import type { Brushes } from '../compare/parallel'
import type { Filters } from '../compare/analysis'
import type { RunSort } from '../compare/runs-table'
import { app } from './app.svelte'

/**
 * Points per series fetched for the charts: enough for the eye, and fewer as runs grow so that a
 * sweep of 1,000 runs stays near 60,000 points a chart.
 */
export const pointsPerSeries = (runs: number) => Math.max(30, Math.min(150, Math.floor(60_000 / Math.max(1, runs))))

/** A running sweep's verdicts are fetched again at most this often, ms. */
const VERDICT_REFRESH_MS = 15_000

export class CompareState {
  /** The sweep whose numbers are held; null before the first load. */
  sweepId = $state<number | null>(null)
  runs = $state<RunView[]>([])
  series = $state<SeriesByRun>({})
  gradFlows = $state<Record<number, GradFlowSnapshot[]>>({})
  verdicts = $state<VerdictReport | null>(null)
  loading = $state(false)

  // What the user chose; reset when another sweep is opened.
  matching = $state<'hidden' | 'params'>('hidden')
  filters = $state<Filters>({})
  colorBy = $state<SettingName>('cell')
  paretoX = $state<ParetoX>('time')
  parallelColor = $state<ColorMetric>('metric')
  task = $state('')
  /** The verdict whose runs the table shows, when one is clicked. */
  chosen = $state<Verdict | null>(null)
  /** Ranges brushed on the parallel-coordinate axes: the runs table keeps the runs inside all of them. */
  brushes = $state<Brushes>({})
  sort = $state<RunSort>({ key: 'number', descending: false })
  /** Text the runs table's rows must contain (any setting or figure as shown). */
  search = $state('')
  /** Runs ticked to compare side by side, by id. */
  ticked = $state<number[]>([])
  /** Convergence chart: a log y axis, and the smoothing of the loss curves (0: none). */
  logY = $state(false)
  smoothing = $state(0)

  /** The number of the latest fetch: an answer to any earlier one is dropped. */
  private latest = 0
  private latestVerdicts = 0
  private verdictsAt = 0

  /** Opens a sweep: everything fetched anew, the choices reset. Opening the one held does nothing. */
  async open(id: number): Promise<void> {
    if (id === this.sweepId && (this.runs.length || this.loading)) return
    this.sweepId = id
    this.runs = []; this.series = {}; this.verdicts = null; this.gradFlows = {}
    this.filters = {}; this.chosen = null; this.brushes = {}; this.ticked = []; this.search = ''
    this.sort = { key: 'number', descending: false }
    this.loading = true
    const total = app.sweeps.find((x) => x.id === id)?.total ?? 100
    const result = await this.fetch(id, total, true)
    if (result) this.task = this.runs[0]?.config.task ?? ''
  }

  /** New runs and series of the sweep held, keeping every choice made. */
  async refresh(): Promise<void> {
    if (this.sweepId === null) return
    await this.fetch(this.sweepId, this.runs.length, !this.chosen && Date.now() - this.verdictsAt >= VERDICT_REFRESH_MS)
  }

  /** The verdicts again, for the matching now chosen. */
  async rematch(): Promise<void> {
    const id = this.sweepId, matching = this.matching, n = ++this.latestVerdicts
    if (id === null) return
    const v = await app.attempt(() => api.verdicts(id, matching))
    if (v && n === this.latestVerdicts && id === this.sweepId) { this.verdicts = v; this.chosen = null; this.verdictsAt = Date.now() }
  }

  /** Follow the sweep held as it changes (its own runs ending, or another process writing); returns the unsubscribe. */
  follow(): () => void {
    let timer: ReturnType<typeof setTimeout> | null = null
    const off = api.onEvent((e: AppEvent) => {
      const mine = 'sweepId' in e && e.sweepId === this.sweepId
      if (e.type === 'sweepEnded' && mine) this.verdictsAt = 0 // the final verdicts, whenever the last refresh was
      const due = ((e.type === 'runEnded' || e.type === 'sweepEnded') && mine) || (e.type === 'changedElsewhere' && this.sweepId !== null)
      if (!due || timer) return
      const elsewhere = e.type === 'changedElsewhere'
      timer = setTimeout(() => {
        timer = null
        // Another process writes all the time while it runs a sweep, maybe not this one: fetch
        // again only when this sweep's counts (refreshed by the app on the same event) moved.
        if (elsewhere && this.fetchedCounts !== null && app.countsOf(this.sweepId) === this.fetchedCounts) return
        void this.refresh()
      }, elsewhere ? 1500 : 3000)
    })
    return () => { off(); if (timer) clearTimeout(timer) }
  }

  /** The sweep's counts, as the app's list had them when this state last fetched it; null when unknown. */
  private fetchedCounts: string | null = null

  private async fetch(id: number, runCount: number, withVerdicts: boolean): Promise<boolean> {
    const n = ++this.latest
    this.fetchedCounts = app.countsOf(id)
    const matching = this.matching
    const result = await app.attempt(() => Promise.all([
      api.getSweep(id), api.sweepSeries(id, ['val_metric', 'train_loss'], pointsPerSeries(runCount)), withVerdicts ? api.verdicts(id, matching) : Promise.resolve(null),
    ]))
    if (n !== this.latest || id !== this.sweepId) return false
    this.loading = false
    if (!result) return false
    const [sweep, series, verdicts] = result
    this.runs = sweep.runs
    this.series = series
    if (verdicts && matching === this.matching) { this.verdicts = verdicts; this.verdictsAt = Date.now() }
    return true
  }

  /** A gradient-flow record, fetched once per run. */
  loadGradFlow(runId: number): void {
    if (this.gradFlows[runId]) return
    this.gradFlows[runId] = []
    const sweep = this.sweepId
    void api.gradFlow(runId).then((s) => { if (this.sweepId === sweep) this.gradFlows[runId] = s }).catch(() => { delete this.gradFlows[runId] })
  }

  toggleTick(runId: number, on: boolean): void {
    this.ticked = on ? [...new Set([...this.ticked, runId])] : this.ticked.filter((id) => id !== runId)
  }
}

/** The one compare state of the app: leaving the view and coming back keeps what was chosen. */
export const compare = new CompareState()
