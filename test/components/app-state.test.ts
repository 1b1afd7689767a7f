// The app's shared state follows a running sweep from its events alone: a run starting or ending
// moves one count, a sweep ending sets its counts; only a change to the list asks for it again.

import { beforeAll, describe, expect, it, vi } from 'vitest'
import type { SweepSummary } from '../../src-main/ipc/contract'
import { installFakeApi, settle } from './fake-api'

vi.useFakeTimers() // settle() advances this clock: no test here waits on the wall clock

const sweep: SweepSummary = {
  id: 7, name: 'big', createdAt: '2026-12-01T00:00:00.000Z', spec: {} as never, total: 1000, planned: 1000, incomplete: null, active: true, runningElsewhere: null,
  counts: { pending: 1000, running: 0, done: 0, failed: 0, diverged: 0, cancelled: 0 },
}
/** What the database holds, as listSweeps reads it; `listDelays` holds back the next answers (ms on the fake clock). */
let stored: SweepSummary = sweep
const listDelays: number[] = []
const fake = installFakeApi({
  listSweeps: async () => {
    const read = [stored] // read now, answered after the delay: as a slow main process does
    const delay = listDelays.shift() ?? 0
    if (delay) await new Promise((r) => setTimeout(r, delay))
    return read
  },
  doctor: () => ({}) as never, presets: () => [],
})

let app: typeof import('../../src-renderer/src/state/app.svelte').app
beforeAll(async () => {
  ;({ app } = await import('../../src-renderer/src/state/app.svelte'))
  await app.init()
})

describe('AppState', () => {
  it('counts runs from events without reloading the list, and reloads it when the list changes', async () => {
    const lists = () => fake.calls.filter(([c]) => c === 'listSweeps').length
    const before = lists()
    for (let runId = 1; runId <= 50; runId++) {
      fake.emit({ type: 'runStarted', sweepId: 7, runId })
      fake.emit({ type: 'runEnded', sweepId: 7, runId, status: runId % 10 ? 'done' : 'failed', error: null })
    }
    fake.emit({ type: 'runStarted', sweepId: 7, runId: 51 })
    await settle()
    expect(lists()).toBe(before)
    expect(app.sweeps[0].counts).toMatchObject({ pending: 949, running: 1, done: 45, failed: 5 })
    const ended = { pending: 0, running: 0, done: 990, failed: 10, diverged: 0, cancelled: 0 }
    stored = { ...sweep, active: false, counts: ended }
    fake.emit({ type: 'sweepEnded', sweepId: 7, counts: ended })
    expect(app.sweeps[0]).toMatchObject({ active: false, counts: { done: 990, failed: 10, running: 0 } })
    await settle()
    expect(lists()).toBe(before + 1) // the end, read back once
    expect(app.sweeps[0]).toMatchObject({ active: false, counts: ended })
    fake.emit({ type: 'sweepsChanged' })
    await settle()
    expect(lists()).toBe(before + 2)
  })

  it('never lets a slow list answer, read before the sweep ended, replace the list read after', async () => {
    const running = { pending: 0, running: 1, done: 5, failed: 0, diverged: 0, cancelled: 0 }
    const ended = { pending: 0, running: 0, done: 6, failed: 0, diverged: 0, cancelled: 0 }
    stored = { ...sweep, total: 6, active: true, counts: running }
    listDelays.push(500) // this answer, read while the last run ran, arrives last
    fake.emit({ type: 'sweepsChanged' })
    stored = { ...sweep, total: 6, active: false, counts: ended }
    fake.emit({ type: 'sweepEnded', sweepId: 7, counts: ended })
    await settle(1000)
    expect(app.sweeps[0]).toMatchObject({ active: false, counts: ended })
  })
})
