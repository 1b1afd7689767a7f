// The compare view's state: the sweep's runs, series and verdicts as last fetched, and what the user
// chose (filters, colouring, brushed ranges, the runs table's order and ticks). Every fetch is
// numbered and only the latest one is applied: switching sweeps while a large one loads, or a slow
// refresh landing after a fast one, never shows one sweep's numbers under another's title.

import type { GradFlowSnapshot } from '../../../src-main/engine/training'
import type { AppEvent, RunView, SeriesByRun } from '../../../src-main/ipc/contract'
import type { Verdict, VerdictReport } from '../../../src-main/reports/verdicts'
import { SETTING_NAMES, type SettingName } from '../../../src-shared/settings'
import { untrack } from 'svelte'
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

/** What the compare and runs views put in the address: every choice a reload should restore. */
export interface CompareQuery { search: string; sort: RunSort; filters: Filters; ticked: number[]; colorBy: SettingName; task: string; hidden: string[]; matching: 'hidden' | 'params' }

/** The choices as the address's query: only what differs from the defaults, so a plain link stays plain. */
export function queryOf(c: CompareQuery): string {
  const q = new URLSearchParams()
  if (c.search) q.set('q', c.search)
  if (c.sort.key !== 'number' || c.sort.descending) q.set('sort', `${c.sort.descending ? '-' : ''}${c.sort.key}`)
  for (const [k, kept] of Object.entries(c.filters)) if (kept) q.set(`f.${k}`, kept.join(','))
  if (c.ticked.length) q.set('tick', c.ticked.join(','))
  if (c.colorBy !== 'cell') q.set('color', c.colorBy)
  if (c.task) q.set('task', c.task)
  if (c.hidden.length) q.set('hide', c.hidden.join(','))
  if (c.matching !== 'hidden') q.set('matching', c.matching)
  return q.toString()
}

/** The address's query read back; what it does not name keeps its default. Values are checked where they are used (an unknown column sorts as run order). */
export function readQuery(q: URLSearchParams): Partial<CompareQuery> {
  const out: Partial<CompareQuery> = {}
  const list = (v: string | null) => (v ? v.split(',').filter(Boolean) : [])
  if (q.get('q')) out.search = q.get('q')!
  const sort = q.get('sort')
  if (sort) out.sort = { key: sort.replace(/^-/, '') as RunSort['key'], descending: sort.startsWith('-') }
  const filters: Filters = {}
  for (const [k, v] of q) if (k.startsWith('f.') && (SETTING_NAMES as readonly string[]).includes(k.slice(2))) filters[k.slice(2) as SettingName] = list(v)
  if (Object.keys(filters).length) out.filters = filters
  const ticked = list(q.get('tick')).map(Number).filter(Number.isInteger)
  if (ticked.length) out.ticked = ticked
  const color = q.get('color')
  if (color && (SETTING_NAMES as readonly string[]).includes(color)) out.colorBy = color as SettingName
  if (q.get('task')) out.task = q.get('task')!
  if (q.get('hide')) out.hidden = list(q.get('hide'))
  if (q.get('matching') === 'params') out.matching = 'params'
  return out
}

export class CompareState {
  /** The sweeps whose numbers are held (one, or several compared as one); empty before the first load. */
  sweepIds = $state<number[]>([])
  /** The first of them: the one the title and the charts are named after. */
  readonly sweepId = $derived(this.sweepIds[0] ?? null)
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
  /** Runs-table columns switched off in its column chooser. */
  hidden = $state<string[]>([])
  /** Convergence chart: a log y axis, and the smoothing of the loss curves (0: none). */
  logY = $state(false)
  smoothing = $state(0)
  /** Convergence against wall time or training step; and only the best N runs of the task (0: all). */
  convergenceX = $state<'time' | 'step'>('time')
  topN = $state(0)

  /** The number of the latest fetch: an answer to any earlier one is dropped. */
  private latest = 0
  private latestVerdicts = 0
  private verdictsAt = 0

  /** The key of the sweeps held, to compare with what a view asks for. */
  private keyOf = (ids: number[]) => ids.join(',')

  /**
   * Opens a sweep, or several as one: everything fetched anew, the choices reset, then set from
   * `query` (the address's) where it names them. Opening what is held does nothing.
   */
  async open(ids: number | number[], query: URLSearchParams | null = null): Promise<void> {
    const list = Array.isArray(ids) ? [...new Set(ids)] : [ids]
    if (this.keyOf(list) === this.keyOf(this.sweepIds) && (this.runs.length || this.loading)) return
    this.sweepIds = list
    this.runs = []; this.series = {}; this.verdicts = null; this.gradFlows = {}
    this.filters = {}; this.chosen = null; this.brushes = {}; this.ticked = []; this.search = ''; this.hidden = []
    this.sort = { key: 'number', descending: false }
    this.matching = 'hidden'
    const { task: linkedTask, ...linked } = query ? readQuery(query) : {}
    Object.assign(this, linked)
    this.loading = true
    const total = list.reduce((n, id) => n + (app.sweeps.find((x) => x.id === id)?.total ?? 100), 0)
    await this.fetch(list, total, true, () => {
      this.task = linkedTask && this.runs.some((r) => r.config.task === linkedTask) ? linkedTask : this.runs[0]?.config.task ?? ''
    })
  }

  /**
   * For a view's $effect: opens the sweeps the address names (with the choices its query holds),
   * and writes every choice made since back to the address, so that a reload or the link pasted
   * elsewhere shows the same.
   */
  showInAddress(): void {
    const ids = app.comparedIds
    if (ids.length) void this.open(ids, untrack(() => app.linkedQuery))
    const q = this.query
    if (this.sweepIds.length && !this.loading) untrack(() => app.setQuery(q))
  }

  /** Every choice a reload should restore, as the address's query. */
  get query(): string {
    return queryOf({ search: this.search, sort: this.sort, filters: this.filters, ticked: this.ticked, colorBy: this.colorBy, task: this.task === this.runs[0]?.config.task ? '' : this.task, hidden: this.hidden, matching: this.matching })
  }

  /** New runs and series of the sweeps held, keeping every choice made. */
  async refresh(): Promise<void> {
    if (!this.sweepIds.length) return
    await this.fetch(this.sweepIds, this.runs.length, !this.chosen && Date.now() - this.verdictsAt >= VERDICT_REFRESH_MS)
  }

  /** The verdicts again, for the matching now chosen. */
  async rematch(): Promise<void> {
    const ids = this.sweepIds, matching = this.matching, n = ++this.latestVerdicts
    if (!ids.length) return
    const v = await app.attempt(() => api.verdicts(ids.length === 1 ? ids[0] : ids, matching))
    if (v && n === this.latestVerdicts && this.keyOf(ids) === this.keyOf(this.sweepIds)) { this.verdicts = v; this.chosen = null; this.verdictsAt = Date.now() }
  }

  /** Follow the sweep held as it changes (its own runs ending, or another process writing); returns the unsubscribe. */
  follow(): () => void {
    let timer: ReturnType<typeof setTimeout> | null = null
    const off = api.onEvent((e: AppEvent) => {
      const mine = 'sweepId' in e && this.sweepIds.includes(e.sweepId)
      if (e.type === 'sweepEnded' && mine) this.verdictsAt = 0 // the final verdicts, whenever the last refresh was
      const due = ((e.type === 'runEnded' || e.type === 'sweepEnded') && mine) || (e.type === 'changedElsewhere' && this.sweepId !== null)
      if (!due || timer) return
      const elsewhere = e.type === 'changedElsewhere'
      timer = setTimeout(() => {
        timer = null
        // Another process writes all the time while it runs a sweep, maybe not this one: fetch
        // again only when this sweep's counts (refreshed by the app on the same event) moved.
        if (elsewhere && this.fetchedCounts !== null && this.countsNow() === this.fetchedCounts) return
        void this.refresh()
      }, elsewhere ? 1500 : 3000)
    })
    return () => { off(); if (timer) clearTimeout(timer) }
  }

  /** The sweeps' counts, as the app's list had them when this state last fetched them; null when unknown. */
  private fetchedCounts: string | null = null
  private countsNow = (): string | null => {
    const counts = this.sweepIds.map((id) => app.countsOf(id))
    return counts.some((c) => c === null) ? null : counts.join('|')
  }

  /**
   * The runs and series, then the verdicts: asked for together, applied as each arrives, so that
   * the charts draw while the main process is still computing the verdicts (on 1,000 runs they took
   * as long as everything else: the charts waited 2.4 s for them). `applied` runs once the runs are in.
   */
  private async fetch(ids: number[], runCount: number, withVerdicts: boolean, applied?: () => void): Promise<boolean> {
    const n = ++this.latest
    this.fetchedCounts = this.countsNow()
    const matching = this.matching
    const points = pointsPerSeries(runCount)
    const current = () => n === this.latest && this.keyOf(ids) === this.keyOf(this.sweepIds)
    const data = app.attempt(() => Promise.all([
      Promise.all(ids.map((id) => api.getSweep(id))), Promise.all(ids.map((id) => api.sweepSeries(id, ['val_metric', 'train_loss'], points))),
    ]))
    const verdicts = withVerdicts ? app.attempt(() => api.verdicts(ids.length === 1 ? ids[0] : ids, matching)) : Promise.resolve(null)
    const result = await data
    if (!current()) return false
    this.loading = false
    if (!result) return false
    const [sweeps, series] = result
    this.runs = sweeps.flatMap((s) => s.runs)
    this.series = Object.assign({}, ...series)
    applied?.()
    const v = await verdicts
    if (!current()) return false
    if (v && matching === this.matching) { this.verdicts = v; this.verdictsAt = Date.now() }
    return true
  }

  /** A gradient-flow record, fetched once per run. */
  loadGradFlow(runId: number): void {
    if (this.gradFlows[runId]) return
    this.gradFlows[runId] = []
    const held = this.keyOf(this.sweepIds)
    void api.gradFlow(runId).then((s) => { if (this.keyOf(this.sweepIds) === held) this.gradFlows[runId] = s }).catch(() => { delete this.gradFlows[runId] })
  }

  toggleTick(runId: number, on: boolean): void {
    this.ticked = on ? [...new Set([...this.ticked, runId])] : this.ticked.filter((id) => id !== runId)
  }
}

/** The one compare state of the app: leaving the view and coming back keeps what was chosen. */
export const compare = new CompareState()
