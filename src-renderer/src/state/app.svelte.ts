// What every view shares: the machine's report, the presets, the sweeps in the database, which
// view and sweep are open, and the one-line error to show. Kept fresh by the main process's events.

import type { AppEvent, DoctorReport, PresetInfo, SweepSummary } from '../../../src-main/ipc/contract'
import { api } from '../api'

/** The views; a run's page ('run') has no tab of its own: it opens from the runs tables. */
export type View = 'builder' | 'live' | 'compare' | 'runs' | 'history' | 'run'
export const VIEWS: Array<{ id: View; label: string }> = [
  { id: 'builder', label: 'New sweep' }, { id: 'live', label: 'Live' }, { id: 'compare', label: 'Compare' }, { id: 'runs', label: 'Runs' }, { id: 'history', label: 'History' },
]

export interface Route {
  view: View
  /** The sweeps shown: compare and runs may show several at once (#/compare/3,5). */
  sweepIds: number[]
  run: number | null
  /** What the view was showing: sort, search, filters, ticked runs (compare.svelte.ts reads and writes it). */
  query: URLSearchParams
}

/**
 * The view, sweep and run in the address bar: #/compare/3, #/compare/3,5 (two sweeps compared as
 * one), #/runs/3?q=H%3D64&sort=-stepMs, #/live/3, #/run/3/17 (run 17 of sweep 3, numbered as
 * every table numbers it), #/builder, #/history. Null for an address that is none of these.
 */
export function parseRoute(hash: string): Route | null {
  const [path, search = ''] = hash.split('?', 2)
  const query = new URLSearchParams(search)
  const run = /^#\/run\/(\d+)\/(\d+)$/.exec(path)
  if (run) return { view: 'run', sweepIds: [Number(run[1])], run: Number(run[2]), query }
  const m = /^#\/(builder|live|compare|runs|history)(?:\/(\d+(?:,\d+)*))?$/.exec(path)
  if (!m) return null
  const ids = m[2] ? [...new Set(m[2].split(',').map(Number))] : []
  return { view: m[1] as View, sweepIds: m[1] === 'live' ? ids.slice(0, 1) : ids, run: null, query }
}

export function routeOf(view: View, sweepIds: number[] | number | null, run: number | null = null, query = ''): string {
  const ids = sweepIds === null ? [] : Array.isArray(sweepIds) ? sweepIds : [sweepIds]
  if (view === 'run' && ids.length && run !== null) return `#/run/${ids[0]}/${run}`
  if (view === 'run') view = 'compare'
  const many = view === 'compare' || view === 'runs'
  const shown = many ? ids : view === 'live' ? ids.slice(0, 1) : []
  return `#/${view}${shown.length ? `/${shown.join(',')}` : ''}${many && query ? `?${query}` : ''}`
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

  /** Sweeps compared beside the first (History: compare several); empty for one sweep. */
  alsoCompared = $state<number[]>([])
  /** The sweeps the compare and runs views show: the open one, then those compared with it. */
  readonly comparedIds = $derived(this.sweepId === null ? [] : [this.sweepId, ...this.alsoCompared.filter((id) => id !== this.sweepId)])
  /** A link that named what the database does not hold, in one line: shown instead of another view. */
  notFound = $state<string | null>(null)
  /** The query of the address the app last followed, for the view that reads it (compare and runs). */
  linkedQuery = $state<URLSearchParams>(new URLSearchParams())

  async init(): Promise<void> {
    try {
      api.onEvent((e) => this.apply(e))
      // What the machine runs and the presets (doctor probes every backend: 1.3 s here) arrive
      // beside the sweeps; only the builder needs them before it shows.
      const machine = Promise.all([api.doctor(), api.presets()]).then(([doctor, presets]) => { this.doctor = doctor; this.presets = presets })
      await this.refreshSweeps()
      // Open where the address says (a deep link), else on the sweep most worth seeing: the one
      // running, else the latest.
      const linked = parseRoute(location.hash)
      if (linked) this.follow(linked)
      else {
        this.sweepId = this.activeSweep?.id ?? this.sweeps[0]?.id ?? null
        if (this.sweepId !== null) this.view = this.activeSweep ? 'live' : 'compare'
        history.replaceState(null, '', location.pathname + location.search + routeOf(this.view, this.sweepId, this.runNumber))
      }
      // Back and forward, and links pasted into the address bar, move between views.
      window.addEventListener('hashchange', () => {
        if (location.hash === this.ownHash) { this.ownHash = ''; return } // open() moved there: nothing new to follow (once: Back and Forward to it later are followed)
        const r = parseRoute(location.hash)
        if (r) this.follow(r)
      })
      if (this.view === 'builder') await machine
      this.ready = true
      await machine
    } catch (err) {
      this.error = (err as Error).message
    }
  }

  /** Shows what a route names, or says in one line which sweep it names that the database lacks. */
  private follow(r: Route): void {
    this.linkedQuery = r.query
    const missing = r.sweepIds.filter((id) => !this.sweeps.some((s) => s.id === id))
    const held = this.sweeps.length ? `the database holds sweep${this.sweeps.length === 1 ? '' : 's'} ${this.sweeps.map((s) => `#${s.id}`).join(', ')}` : 'the database holds no sweep yet'
    this.notFound = missing.length
      ? r.view === 'run' ? `Run ${r.run} of sweep #${missing[0]} not found: there is no sweep #${missing[0]} (${held}).` : `Sweep #${missing.join(', #')} not found (${held}).`
      : null
    this.view = r.view
    this.runNumber = r.run
    if (!missing.length) {
      this.sweepId = r.sweepIds[0] ?? this.sweepId ?? this.activeSweep?.id ?? this.sweeps[0]?.id ?? null
      this.alsoCompared = r.sweepIds.slice(1)
    }
  }

  /** The view's own state in the address (sort, search, filters), replacing the entry: a reload restores it, and Back does not step through every keystroke. */
  setQuery(query: string): void {
    const route = routeOf(this.view, this.view === 'compare' || this.view === 'runs' ? this.comparedIds : this.sweepId, this.runNumber, query)
    if (location.hash !== route) history.replaceState(null, '', location.pathname + location.search + route)
  }

  /** A sweep's run counts in the list, as text to compare (has it moved?); null when the list does not have it. */
  countsOf(id: number | null): string | null {
    const s = this.sweeps.find((x) => x.id === id)
    return s ? JSON.stringify(s.counts) : null
  }

  /** The latest list asked for: an earlier answer arriving after it is older than what it shows. */
  private listAsked = 0

  async refreshSweeps(): Promise<void> {
    const asked = ++this.listAsked
    const sweeps = await api.listSweeps()
    // A slow answer read the database before a later one did (and before the events applied
    // since it was asked): it never replaces the later one's list.
    if (asked === this.listAsked) this.sweeps = sweeps
  }

  /**
   * An event from the main process, applied to the list held here: a run starting or ending moves
   * one count, a sweep ending sets its counts. Only a change to the list itself (a sweep created,
   * renamed, deleted, started) asks for the list again: a sweep of 1,000 runs no longer reloads
   * every sweep 1,000 times.
   */
  apply(e: AppEvent): void {
    if (e.type === 'sweepsChanged' || e.type === 'changedElsewhere') { void this.refreshSweeps(); return }
    // A sweep's end is also read back from the database, once: the counts here were kept from
    // events, and a list read while they arrived may have missed some.
    if (e.type === 'sweepEnded') void this.refreshSweeps()
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
    if (sweepId !== undefined && sweepId !== this.sweepId) { this.sweepId = sweepId; this.alsoCompared = [] }
    this.runNumber = view === 'run' ? runNumber ?? this.runNumber : null
    if (view === 'run' && this.runNumber === null) view = 'compare'
    this.view = view
    this.notFound = null
    const route = routeOf(view, view === 'compare' || view === 'runs' ? this.comparedIds : this.sweepId, this.runNumber)
    this.ownHash = route
    if (location.hash.split('?')[0] !== route) location.hash = route
    this.error = null
  }

  private ownHash = ''

  /** Several sweeps in one compare view: their runs side by side, their verdicts over pairs from all of them. */
  compareSweeps(ids: number[]): void {
    const [first, ...rest] = [...new Set(ids)]
    if (first === undefined) return
    this.sweepId = first
    this.alsoCompared = rest
    this.open('compare')
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
