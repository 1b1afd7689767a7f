// Progress of a sweep on the terminal: a bar with ETA redrawn in place on a TTY; plain lines, one
// per finished run, when the output is a pipe or a file (CI logs, `| tee`).

import type { RunConfig } from '../engine/run-config'
import type { RunFigures } from '../engine/training'
import type { RunStatus } from '../store/store'
import type { RunnerEvents } from '../workers/pool'
import type { Io } from './command'
import { formatDuration, formatMetric } from '../../src-shared/format'

export class ProgressReporter implements RunnerEvents {
  private readonly running = new Map<number, number>() // run id → fraction
  private finished = 0
  private readonly start = Date.now()
  private timer: NodeJS.Timeout | null = null

  /** @param total runs this session will run; `describe` names a run in one short phrase. */
  constructor(private readonly io: Io, private readonly total: number, private readonly describe: (c: RunConfig) => string) {
    if (io.isTty) this.timer = setInterval(() => this.draw(), 250).unref()
  }

  runStarted(run: { id: number }): void {
    this.running.set(run.id, 0)
    this.draw()
  }

  runProgress(id: number, progress: { fraction: number }): void {
    this.running.set(id, progress.fraction)
  }

  runEnded(run: { id: number; idx: number; config: RunConfig; status: RunStatus; figures: RunFigures | null; error: string | null }): void {
    this.running.delete(run.id)
    this.finished++
    const what = run.figures ? `${formatMetric(run.figures)}, ${run.figures.stepMs.total.median.toFixed(2)} ms/step, ${formatDuration(run.figures.wallSeconds)}` : run.error ?? ''
    this.clearLine()
    this.io.err(`[${this.finished}/${this.total}] ${run.status.padEnd(9)} #${run.idx + 1} ${this.describe(run.config)}: ${what}\n`)
    this.draw()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.clearLine()
  }

  private fraction(): number {
    let f = this.finished
    for (const v of this.running.values()) f += v
    return this.total ? f / this.total : 1
  }

  private draw(): void {
    if (!this.io.isTty) return
    const f = this.fraction(), width = 24
    const filled = Math.round(f * width)
    const elapsed = (Date.now() - this.start) / 1000
    const eta = f > 0.01 ? (elapsed * (1 - f)) / f : NaN
    this.clearLine()
    this.io.err(`[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.finished}/${this.total} runs, ${this.running.size} running, ${formatDuration(elapsed)} elapsed, ETA ${formatDuration(eta)}`)
  }

  private clearLine(): void {
    if (this.io.isTty) this.io.err('\r\x1b[K')
  }
}
