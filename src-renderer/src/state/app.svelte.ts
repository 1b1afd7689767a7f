// What every view shares: the machine's report, the presets, the sweeps in the database, which
// view and sweep are open, and the one-line error to show. Kept fresh by the main process's events.

import type { AppEvent, DoctorReport, PresetInfo, SweepSummary } from '../../../src-main/ipc/contract'
import { api } from '../api'

/** The views; a run's page ('run') has no tab of its own: it opens from the runs tables. */
export type View = 'builder' | 'live' | 'compare' | 'history' | 'run'
export const VIEWS: Array<{ id: View; label: string }> = [
  { id: 'builder', label: 'New sweep' }, { id: 'live', label: 'Live' }, { id: 'compare', label: 'Compare' }, { id: 'history', label: 'History' },
]

/**
 * The view, sweep and run in the address bar: #/compare/3, #/live/3, #/run/3/17 (run 17 of sweep
 * 3, numbered as every table numbers it), #/builder, #/history.
 */
export function parseRoute(hash: string): { view: View; sweepId: number | null; run: number | null } | null {
  const run = /^#\/run\/(\d+)\/(\d+)$/.exec(hash)
  if (run) return { view: 'run', sweepId: Number(run[1]), run: Number(run[2]) }
  const m = /^#\/(builder|live|compare|history)(?:\/(\d+))?$/.exec(hash)
  if (!m) return null
  return { view: m[1] as View, sweepId: m[2] ? Number(m[2]) : null, run: null }
}

export function routeOf(view: View, sweepId: number | null, run: number | null = null): string {
  if (view === 'run' && sweepId !== null && run !== null) return `#/run/${sweepId}/${run}`
  if (view === 'run') view = 'compare'
  return `#/${view}${sweepId !== null && (view === 'live' || view === 'compare') ? `/${sweepId}` : ''}`
}

export class AppState {
  view = $state<View>('builder')
  doctor = $state<DoctorReport | null>(null)
  presets = $state<PresetInfo[]>([])
  sweeps = $state<SweepSummary[]>([])
  /** The sweep the live and compare views show. */
  sweepId = $state<number | null>(null)
  /** The run whose page is open (its number in the sweep, 1-based). */
  runNumber = $state<number | null>(null)
  error = $state<string | null>(null)
  ready = $state(false)

  readonly selected = $derived(this.sweeps.find((s) => s.id === this.sweepId) ?? null)
  readonly activeSweep = $derived(this.sweeps.find((s) => s.active) ?? null)
  /** A sweep another process (the CLI, another window) is running now. */
  readonly elsewhereSweep = $derived(this.sweeps.find((s) => s.runningElsewhere !== null) ?? null)

  async init(): Promise<void> {
    try {
      api.onEvent((e) => this.apply(e))
      const [doctor, presets] = await Promise.all([api.doctor(), api.presets()])
      this.doctor = doctor
      this.presets = presets
      await this.refreshSweeps()
      // Open where the address says (a deep link), else on the sweep most worth seeing: the one
      // running, else the latest.
      const linked = parseRoute(location.hash)
      if (linked && (linked.sweepId === null || this.sweeps.some((s) => s.id === linked.sweepId))) {
        this.view = linked.view
        this.runNumber = linked.run
        this.sweepId = linked.sweepId ?? this.activeSweep?.id ?? this.sweeps[0]?.id ?? null
      } else {
        this.sweepId = this.activeSweep?.id ?? this.sweeps[0]?.id ?? null
        if (this.sweepId !== null) this.view = this.activeSweep ? 'live' : 'compare'
      }
      history.replaceState(null, '', location.pathname + location.search + routeOf(this.view, this.sweepId, this.runNumber))
      // Back and forward, and links pasted into the address bar, move between views.
      window.addEventListener('hashchange', () => {
        const r = parseRoute(location.hash)
        if (!r) return
        this.view = r.view
        this.runNumber = r.run
        if (r.sweepId !== null) this.sweepId = r.sweepId
      })
      this.ready = true
    } catch (err) {
      this.error = (err as Error).message
    }
  }

  /** A sweep's run counts in the list, as text to compare (has it moved?); null when the list does not have it. */
  countsOf(id: number | null): string | null {
    const s = this.sweeps.find((x) => x.id === id)
    return s ? JSON.stringify(s.counts) : null
  }

  async refreshSweeps(): Promise<void> {
    this.sweeps = await api.listSweeps()
  }

  /**
   * An event from the main process, applied to the list held here: a run starting or ending moves
   * one count, a sweep ending sets its counts. Only a change to the list itself (a sweep created,
   * renamed, deleted, started) asks for the list again: a sweep of 1,000 runs no longer reloads
   * every sweep 1,000 times.
   */
  apply(e: AppEvent): void {
    if (e.type === 'sweepsChanged' || e.type === 'changedElsewhere') { void this.refreshSweeps(); return }
    const i = this.sweeps.findIndex((s) => s.id === e.sweepId)
    if (i < 0) return
    const s = this.sweeps[i]
    const counts = { ...s.counts }
    if (e.type === 'runStarted') {
      counts.running++
      if (counts.pending > 0) counts.pending--
    } else if (e.type === 'runEnded') {
      if (counts.running > 0) counts.running--
      counts[e.status]++
    } else if (e.type === 'sweepEnded') {
      Object.assign(counts, e.counts)
    } else {
      return
    }
    this.sweeps[i] = { ...s, counts, active: e.type === 'sweepEnded' ? false : s.active }
  }

  open(view: View, sweepId?: number, runNumber?: number): void {
    if (sweepId !== undefined) this.sweepId = sweepId
    this.runNumber = view === 'run' ? runNumber ?? this.runNumber : null
    if (view === 'run' && this.runNumber === null) view = 'compare'
    this.view = view
    const route = routeOf(view, this.sweepId, this.runNumber)
    if (location.hash !== route) location.hash = route
    this.error = null
  }

  /** Runs an action, showing its error (one line) instead of throwing. */
  async attempt<T>(action: () => Promise<T>): Promise<T | undefined> {
    try {
      this.error = null
      return await action()
    } catch (err) {
      this.error = (err as Error).message
      return undefined
    }
  }
}

export const app = new AppState()
