// The run-queue wait clock (engine/timing/sched-wait.ts) on this machine: it reads the calling
// thread's and its helpers' wait, sees the wait that more runnable threads than cores cause, and
// says why where it cannot read. Linux only: elsewhere the clock is unknown by design (checked).

import os from 'node:os'
import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { openWaitClock } from '../../src-main/engine/timing/sched-wait'
import { PressureSampler } from '../../src-main/engine/timing/pressure'
import { backendsUnderTest } from '../helpers/backends'

const linux = process.platform === 'linux'
if (!linux) console.log(`[sched-wait] skipped on ${process.platform}: the clock is Linux's schedstat`)

describe.skipIf(!linux)('the run-queue wait clock', () => {
  it('reads the calling thread, and never goes back', () => {
    const clock = openWaitClock()
    if (!('read' in clock)) throw new Error(`no clock: ${clock.unknown}`)
    expect(clock.threads).toBe(1)
    let last = clock.read()
    for (let i = 0; i < 1000; i++) { const now = clock.read(); expect(now).toBeGreaterThanOrEqual(last); last = now }
    clock.close()
  })

  it('sees the wait when more threads than cores want the CPU', async () => {
    const clock = openWaitClock()
    if (!('read' in clock)) throw new Error(`no clock: ${clock.unknown}`)
    // One spinning thread per core besides this one: this thread must wait for a core at some
    // point. Waits for that event, however long the scheduler takes to make it.
    const stop = new Int32Array(new SharedArrayBuffer(4))
    const spinners = Array.from({ length: os.availableParallelism() }, () => new Worker('const { workerData } = require("node:worker_threads"); const s = new Int32Array(workerData); while (Atomics.load(s, 0) === 0) {}', { eval: true, workerData: stop.buffer }))
    await Promise.all(spinners.map((w) => new Promise((resolve) => w.once('online', resolve))))
    const start = clock.read()
    let x = 0
    while (clock.read() === start) for (let i = 0; i < 1e5; i++) x += Math.sqrt(i)
    Atomics.store(stop, 0, 1)
    await Promise.all(spinners.map((w) => new Promise((resolve) => w.once('exit', resolve))))
    expect(clock.read()).toBeGreaterThan(start)
    expect(x).toBeGreaterThan(0)
    clock.close()
  }, 120_000)

  it('sums a native pool\'s threads with the caller\'s', async (ctx) => {
    const [native] = await backendsUnderTest(['cpu-native'])
    if (!native.backend) return ctx.skip(native.reason)
    const model = await native.backend.createModel({ network: { cell: 'gru', inputSize: 4, hiddenSize: 16, numLayers: 1, bidirectional: false, dropout: 0 } }, { threads: 3 })
    const threads = model.stepThreads!()
    expect('helpers' in threads && threads.helpers).toHaveLength(2)
    const clock = openWaitClock('helpers' in threads ? threads.helpers : [])
    expect('read' in clock && clock.threads).toBe(3)
    if ('close' in clock) clock.close()
    model.dispose()
  })

  it('says why where a thread cannot be read', () => {
    const clock = openWaitClock([2 ** 30])
    expect(clock).toEqual({ unknown: expect.stringMatching(/^the kernel's per-thread scheduler statistics cannot be read \(ENOENT/) })
  })
})

describe.skipIf(!linux)('the CPU pressure sampler', () => {
  it('gives a share between 0 and 1 once sampled twice, and nothing before', async () => {
    const p = new PressureSampler()
    expect(p.figures()).toBeNull()
    p.sample()
    expect(p.figures()).toBeNull()
    // a second sample at a later instant: wait for the clock to move, not for a set time
    const t = performance.now()
    while (performance.now() === t) await Promise.resolve()
    p.sample()
    const f = p.figures()
    if (f === null) return console.log('[sched-wait] no /proc/pressure/cpu on this kernel: pressure not recorded')
    expect(f.samples).toBe(2)
    expect(f.share).toBeGreaterThanOrEqual(0)
    expect(f.share).toBeLessThanOrEqual(1)
    expect(f.peakShare).toBeGreaterThanOrEqual(f.share)
  })
})
