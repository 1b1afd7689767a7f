// How long the threads that run a training step waited for a CPU: the run-queue delay Linux keeps
// per thread (the second field of /proc/<pid>/task/<tid>/schedstat, in ns: time spent runnable
// but not running). Read before and after each step, the difference is the time the step was
// held up by other work on the machine: other runs, other programs, this process's own threads.
// Unlike CPU time it is exact for the thread that reads it (the kernel adds each wait when the
// thread gets a CPU back) and it does not count the time a thread sleeps by choice (a pool
// worker between parallel regions). Other systems keep no such per-thread figure that a
// program can read cheaply (macOS and Windows have per-thread CPU time, not the wait): there the
// figures say the CPU was not sampled.

import { closeSync, openSync, readSync } from 'node:fs'

export interface WaitClock {
  /** Threads read: the caller's own, and the helpers it was given. */
  readonly threads: number
  /** Total run-queue wait of those threads so far, in ms. */
  read(): number
  close(): void
}

const SCHEDSTAT_BYTES = 96

/**
 * A clock over the calling thread (/proc/thread-self: the thread that opens it, even inside a
 * worker thread, since Node's synchronous file calls run on the calling thread) and the helper
 * threads given by their kernel ids. Each file is opened once and re-read at offset 0.
 */
export function openWaitClock(helperTids: readonly number[] = []): WaitClock | { unknown: string } {
  if (process.platform !== 'linux') return { unknown: `${process.platform} keeps no per-thread run-queue wait to read` }
  const fds: number[] = []
  try {
    fds.push(openSync('/proc/thread-self/schedstat', 'r'))
    for (const tid of helperTids) fds.push(openSync(`/proc/self/task/${tid}/schedstat`, 'r'))
  } catch (err) {
    for (const fd of fds) closeSync(fd)
    return { unknown: `the kernel's per-thread scheduler statistics cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}; a kernel without CONFIG_SCHED_INFO)` }
  }
  const buf = Buffer.alloc(SCHEDSTAT_BYTES)
  const waitNs = (fd: number) => {
    const n = readSync(fd, buf, 0, SCHEDSTAT_BYTES, 0)
    const first = buf.indexOf(32), second = buf.indexOf(32, first + 1)
    return Number(buf.toString('latin1', first + 1, second < 0 || second > n ? n : second))
  }
  return {
    threads: fds.length,
    read() {
      let ns = 0
      for (const fd of fds) ns += waitNs(fd)
      return ns / 1e6
    },
    close() { for (const fd of fds.splice(0)) closeSync(fd) },
  }
}
