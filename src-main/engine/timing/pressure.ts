// The machine's CPU pressure through a run: Linux's pressure-stall information
// (/proc/pressure/cpu, "some" line), whose `total` counts the microseconds during which at least
// one runnable task on the machine waited for a CPU. Sampled at the run's start, at each
// evaluation and at its end: the share of the run's wall time under pressure, and the highest
// share between two samples (a burst the whole-run share averages away). It counts every task,
// this process's own included: two workers on two cores beside a third busy program show here.

import { readFileSync } from 'node:fs'

export interface PressureFigures {
  /** Share of the run's wall time during which some task waited for a CPU (0–1). */
  share: number
  /** The highest share between two consecutive samples. */
  peakShare: number
  samples: number
}

function someTotalUs(): number | null {
  try {
    const m = /^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'latin1'))
    return m ? Number(m[1]) : null
  } catch {
    return null // not Linux, or a kernel without PSI (CONFIG_PSI, or psi=0 on its command line)
  }
}

export class PressureSampler {
  private first: { atMs: number; us: number } | null = null
  private last: { atMs: number; us: number } | null = null
  private peak = 0
  private samples = 0

  /** Takes a sample now; does nothing where the kernel has no pressure figures. */
  sample(): void {
    const us = someTotalUs()
    if (us === null) return
    const now = { atMs: performance.now(), us }
    if (this.last && now.atMs > this.last.atMs) this.peak = Math.max(this.peak, Math.min(1, (now.us - this.last.us) / 1000 / (now.atMs - this.last.atMs)))
    this.first ??= now
    this.last = now
    this.samples++
  }

  /** Null where nothing was sampled, or only once. */
  figures(): PressureFigures | null {
    if (!this.first || !this.last || this.last.atMs <= this.first.atMs) return null
    const share = Math.min(1, (this.last.us - this.first.us) / 1000 / (this.last.atMs - this.first.atMs))
    return { share, peakShare: Math.max(this.peak, share), samples: this.samples }
  }
}

/** The machine's CPU pressure now (avg10: the share of the last 10 s), or null where there is none to read. */
export function pressureNow(): { avg10: number; avg60: number } | null {
  try {
    const m = /^some avg10=([\d.]+) avg60=([\d.]+)/m.exec(readFileSync('/proc/pressure/cpu', 'latin1'))
    return m ? { avg10: Number(m[1]) / 100, avg60: Number(m[2]) / 100 } : null
  } catch {
    return null
  }
}
