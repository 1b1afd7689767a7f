// One sweep as it runs: its runs, each one's progress and ETA, and the training-loss points that
// arrive while it trains, fed by the main process's events.

import type { AppEvent, RunView } from '../../../src-main/ipc/contract'
import { api } from '../api'
import { app } from './app.svelte'

export interface RunProgress { fraction: number; step: number; loss: number; startedAt: number; updatedAt: number }

export class LiveSweep {
  runs = $state<RunView[]>([])
  progress = $state<Record<number, RunProgress>>({})
  /** Training loss per run: what has been stored, then what arrives live. */
  loss = $state<Record<number, { step: number[]; value: number[] }>>({})
  private unsubscribe: (() => void) | null = null

  constructor(readonly sweepId: number) {}

  readonly finished = $derived(this.runs.filter((r) => r.status !== 'pending' && r.status !== 'running').length)
  readonly fraction = $derived(this.runs.length ? (this.finished + Object.values(this.progress).reduce((a, p) => a + p.fraction, 0)) / this.runs.length : 0)

  async start(): Promise<void> {
    this.unsubscribe = api.onEvent((e) => this.apply(e))
    await this.reload()
    await this.reloadLoss()
  }

  stop(): void {
    this.unsubscribe?.()
    if (this.elsewhereTimer) clearTimeout(this.elsewhereTimer)
    this.stopped = true
  }
  private stopped = false

  /** The stored training loss of every run (a sweep run elsewhere sends no points: this is all there is). */
  private async reloadLoss(): Promise<void> {
    const series = await api.sweepSeries(this.sweepId, ['train_loss'], 300)
    if (this.stopped) return
    const loss: typeof this.loss = {}
    for (const [id, s] of Object.entries(series)) if (s.train_loss) loss[Number(id)] = { step: s.train_loss.step, value: s.train_loss.value.map((v) => v ?? NaN) }
    this.loss = loss
  }

  /**
   * Another process wrote: this sweep's runs and curves again, at most every two seconds, while
   * another process runs it or its counts moved; a write to some other sweep costs nothing here.
   */
  private elsewhereTimer: ReturnType<typeof setTimeout> | null = null
  private loadedCounts: string | null = null
  private followElsewhere(): void {
    if (this.elsewhereTimer) return
    this.elsewhereTimer = setTimeout(() => {
      this.elsewhereTimer = null
      if (this.stopped) return
      const sweep = app.sweeps.find((s) => s.id === this.sweepId)
      if (sweep && sweep.runningElsewhere === null && app.countsOf(this.sweepId) === this.loadedCounts) return
      this.loadedCounts = app.countsOf(this.sweepId)
      void this.reload().then(() => this.reloadLoss()).catch(() => { /* the next write tries again */ })
    }, 2000)
  }

  async reload(): Promise<void> {
    const runs = (await api.getSweep(this.sweepId)).runs
    if (!this.stopped) this.runs = runs
  }

  /** Seconds left for a running run, from its pace up to its last report; null until it has one. */
  eta(runId: number, now: number): number | null {
    const p = this.progress[runId]
    if (!p || p.fraction <= 0.01 || p.updatedAt <= p.startedAt) return null
    const elapsed = (p.updatedAt - p.startedAt) / 1000
    return Math.max(0, elapsed / p.fraction - elapsed - Math.max(0, now - p.updatedAt) / 1000)
  }

  /** Seconds left for the sweep, from the pace since this view began watching; null until it has one. */
  sweepEta(now: number): number | null {
    const fraction = this.fraction
    if (!this.watchedFrom) {
      if (fraction < 1) this.watchedFrom = { time: now, fraction }
      return null
    }
    const done = fraction - this.watchedFrom.fraction, seconds = (now - this.watchedFrom.time) / 1000
    if (done <= 0.01 || seconds < 1) return null
    return Math.max(0, (seconds / done) * (1 - fraction))
  }
  private watchedFrom: { time: number; fraction: number } | null = null

  private apply(e: AppEvent): void {
    if (e.type === 'changedElsewhere') { this.followElsewhere(); return }
    if (!('sweepId' in e) || e.sweepId !== this.sweepId) return
    switch (e.type) {
      case 'runStarted':
        this.progress[e.runId] = { fraction: 0, step: 0, loss: NaN, startedAt: Date.now(), updatedAt: Date.now() }
        this.loss[e.runId] = { step: [], value: [] }
        this.setStatus(e.runId, 'running')
        break
      case 'runProgress': {
        const p = this.progress[e.runId] ?? { fraction: 0, step: 0, loss: NaN, startedAt: Date.now(), updatedAt: Date.now() }
        this.progress[e.runId] = { ...p, fraction: e.fraction, step: e.step, loss: e.loss, updatedAt: Date.now() }
        break
      }
      case 'points': {
        const l = this.loss[e.runId] ?? { step: [], value: [] }
        for (const p of e.points) if (p.series === 'train_loss') { l.step.push(p.step); l.value.push(p.value) }
        this.loss[e.runId] = l
        break
      }
      case 'runEnded':
        delete this.progress[e.runId]
        void this.reload()
        break
      case 'sweepEnded':
        void this.reload()
        break
    }
  }

  private setStatus(runId: number, status: RunView['status']): void {
    const run = this.runs.find((r) => r.id === runId)
    if (run) run.status = status
  }
}
