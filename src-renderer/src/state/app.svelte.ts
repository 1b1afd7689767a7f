// What every view shares: the machine's report, the presets, the sweeps in the database, which
// view and sweep are open, and the one-line error to show. Kept fresh by the main process's events.

import type { AppEvent, DoctorReport, PresetInfo, SweepSummary } from '../../../src-main/ipc/contract'
import { api } from '../api'

export type View = 'builder' | 'live' | 'compare' | 'history'
export const VIEWS: Array<{ id: View; label: string }> = [
  { id: 'builder', label: 'New sweep' }, { id: 'live', label: 'Live' }, { id: 'compare', label: 'Compare' }, { id: 'history', label: 'History' },
]

/** The view and sweep in the address bar: #/compare/3, #/live/3, #/builder, #/history. */
export function parseRoute(hash: string): { view: View; sweepId: number | null } | null {
  const m = /^#\/(builder|live|compare|history)(?:\/(\d+))?$/.exec(hash)
  if (!m) return null
  return { view: m[1] as View, sweepId: m[2] ? Number(m[2]) : null }
}

export function routeOf(view: View, sweepId: number | null): string {
  return `#/${view}${sweepId !== null && (view === 'live' || view === 'compare') ? `/${sweepId}` : ''}`
}

export class AppState {
  view = $state<View>('builder')
  doctor = $state<DoctorReport | null>(null)
  presets = $state<PresetInfo[]>([])
  sweeps = $state<SweepSummary[]>([])
  /** The sweep the live and compare views show. */
  sweepId = $state<number | null>(null)
  error = $state<string | null>(null)
  ready = $state(false)

  readonly selected = $derived(this.sweeps.find((s) => s.id === this.sweepId) ?? null)
  readonly activeSweep = $derived(this.sweeps.find((s) => s.active) ?? null)

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
        this.sweepId = linked.sweepId ?? this.activeSweep?.id ?? this.sweeps[0]?.id ?? null
      } else {
        this.sweepId = this.activeSweep?.id ?? this.sweeps[0]?.id ?? null
        if (this.sweepId !== null) this.view = this.activeSweep ? 'live' : 'compare'
      }
      history.replaceState(null, '', location.pathname + location.search + routeOf(this.view, this.sweepId))
      // Back and forward, and links pasted into the address bar, move between views.
      window.addEventListener('hashchange', () => {
        const r = parseRoute(location.hash)
        if (!r) return
        this.view = r.view
        if (r.sweepId !== null) this.sweepId = r.sweepId
      })
      this.ready = true
    } catch (err) {
      this.error = (err as Error).message
    }
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
    if (e.type === 'sweepsChanged') { void this.refreshSweeps(); return }
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

  open(view: View, sweepId?: number): void {
    if (sweepId !== undefined) this.sweepId = sweepId
    this.view = view
    const route = routeOf(view, this.sweepId)
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
