// Progress of a sweep, on standard error: a bar with ETA redrawn in place on a terminal (kept
// within its width, so that it never wraps), and a plain line per finished run. When standard
// error is a pipe or a file there is no bar, only the lines: `2>&1 | tee sweep.log`, or `--log
// FILE` (withLog below), keeps them.

import { stepTimeLine } from '../../src-shared/lost-cpu'
import type { RunConfig } from '../engine/run-config'
import type { RunFigures } from '../engine/training'
import type { RunStatus } from '../store/store'
import type { RunnerEvents } from '../workers/pool'
import type { Io } from './command'
import { closeSync, openSync, writeSync } from 'node:fs'
import { formatDuration, formatMetric } from '../../src-shared/format'
import { InputError } from '../engine/errors'

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
    const what = run.figures ? `${formatMetric(run.figures)}, ${stepTimeLine(run.figures)}, ${formatDuration(run.figures.wallSeconds)}` : run.error ?? ''
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
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.finished}/${this.total} runs, ${this.running.size} running, ${formatDuration(elapsed)} elapsed, ETA ${formatDuration(eta)}`
    this.io.err(fitTo(line, (this.io.columns ?? 80) - 1))
  }

  private clearLine(): void {
    if (this.io.isTty) this.io.err('\r\x1b[K')
  }
}

/** A redrawn line cut to the terminal's width: one that wraps can no longer be cleared in place. */
export function fitTo(line: string, width: number): string {
  if (width < 8 || line.length <= width) return line.slice(0, Math.max(0, width))
  return `${line.slice(0, width - 1)}…`
}

/**
 * The same Io, with every complete line written to standard error also appended to `path`:
 * the progress lines and the summary, without the redrawn bar or terminal escapes.
 */
export function withLog(io: Io, path: string): Io & { close(): void } {
  let fd: number
  try {
    fd = openSync(path, 'a')
  } catch (err) {
    throw new InputError('--log', `cannot write ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (err as Error).message}`)
  }
  let pending = ''
  return {
    ...io,
    get columns() { return io.columns },
    out: (text) => io.out(text),
    err(text) {
      io.err(text)
      // A clear starts the line again: what was drawn since the last newline was the bar.
      const cleared = text.lastIndexOf('\r\x1b[K')
      if (cleared >= 0) { pending = ''; text = text.slice(cleared + 4) }
      pending += text
      const end = pending.lastIndexOf('\n')
      if (end >= 0) { writeSync(fd, pending.slice(0, end + 1)); pending = pending.slice(end + 1) }
    },
    close() { closeSync(fd) },
  }
}
