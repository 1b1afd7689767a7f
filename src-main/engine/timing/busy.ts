// How busy the machine is right now, said before timing starts (`rnnbench bench`, the start of a
// sweep, `rnnbench doctor`, the builder): how many cores other work keeps busy, sampled over a
// quarter of a second (every process's CPU time, from the OS's per-core counters, less this
// process's own), and Linux's CPU pressure over the last 10 s where the kernel keeps it.

import os from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { pressureNow } from './pressure'

export interface MachineLoad {
  /** Cores' worth of CPU time other processes used over the sample. */
  otherCores: number
  cores: number
  /** Share of the last 10 s during which some task waited for a CPU (Linux); null elsewhere. */
  pressure10: number | null
  /** Other work uses half a core or more, or tasks waited for a CPU over a tenth of the last 10 s. */
  busy: boolean
  /** "other work uses 1.0 of 2 cores now, and some task waited for a CPU 35% of the last 10 s". */
  text: string
  /** The one-line warning said before timing on a busy machine; null on a quiet one. */
  warning: string | null
}

/** Other work on half a core or more is enough to take CPU from a run: with two workers on two cores, any. */
export const BUSY_CORES = 0.5
export const BUSY_PRESSURE = 0.1
const SAMPLE_MS = 250

function cpuTimes(): { busy: number; total: number } {
  let busy = 0, total = 0
  for (const c of os.cpus()) {
    const t = c.times
    busy += t.user + t.nice + t.sys + t.irq
    total += t.user + t.nice + t.sys + t.irq + t.idle
  }
  return { busy, total }
}

/** Samples the machine for a quarter of a second (`sampleMs`). */
export async function machineLoad(sampleMs = SAMPLE_MS): Promise<MachineLoad> {
  const cores = os.cpus().length || 1
  const before = cpuTimes(), ownBefore = process.cpuUsage(), start = performance.now()
  await sleep(sampleMs)
  const after = cpuTimes(), own = process.cpuUsage(ownBefore), elapsed = performance.now() - start
  const total = after.total - before.total
  const allCores = total > 0 ? ((after.busy - before.busy) / total) * cores : 0
  const ownCores = (own.user + own.system) / 1000 / elapsed
  const otherCores = Math.max(0, allCores - ownCores)
  const pressure10 = pressureNow()?.avg10 ?? null
  const busy = otherCores >= BUSY_CORES || (pressure10 ?? 0) > BUSY_PRESSURE
  const text = `other work uses ${otherCores.toFixed(1)} of ${cores} core${cores === 1 ? '' : 's'} now${pressure10 === null ? '' : `, and some task waited for a CPU ${Math.round(100 * pressure10)}% of the last 10 s`}`
  const warning = busy ? `this machine is busy (${text}): steps that lose the CPU to it are left out of the step times, and a run left with too few is not judged for speed` : null
  return { otherCores, cores, pressure10, busy, text, warning }
}

/** The warning printed before timing on a busy machine, one line; null on a quiet one. */
export function busyWarning(load: MachineLoad): string | null {
  return load.warning
}
