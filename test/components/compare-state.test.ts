// The compare view's state: only the latest fetch is applied (a slow answer for the sweep left
// behind never replaces the one opened since), choices reset when another sweep opens, and a
// write by another process brings a refresh.

import { describe, expect, it, vi } from 'vitest'
import type { RunView } from '../../src-main/ipc/contract'
import { installFakeApi, settle } from './fake-api'

vi.useFakeTimers() // settle() advances this clock: no test here waits on the wall clock

const runsOf = (sweepId: number, n: number) => Array.from({ length: n }, (_, idx) => ({ id: sweepId * 100 + idx, sweepId, idx, status: 'done', config: { task: 'adding' } }) as unknown as RunView)
/** Sweep 1 answers slowly, sweep 2 at once. */
const delayOf = (id: number) => (id === 1 ? 150 : 0)
/** An answer `ms` later on the fake clock (at once for 0). */
const later = (ms: number) => (ms ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve())
const fake = installFakeApi({
  getSweep: async (id) => { await later(delayOf(id)); return { sweep: {} as never, runs: runsOf(id, id === 1 ? 5 : 3) } },
  sweepSeries: async (id) => { await later(delayOf(id)); return {} },
  verdicts: async (id) => { await later(delayOf(Number(id))); return { questions: [], finishedRuns: id } as never },
})

describe('CompareState', () => {
  it('shows the sweep opened last, whatever order the answers come in', async () => {
    const { compare } = await import('../../src-renderer/src/state/compare.svelte')
    const first = compare.open(1)
    await settle(10)
    const second = compare.open(2)
    await settle(200) // sweep 1 answers after sweep 2
    await Promise.all([first, second])
    expect(compare.sweepId).toBe(2)
    expect(compare.runs.map((r) => r.sweepId)).toEqual([2, 2, 2])
    expect((compare.verdicts as unknown as { finishedRuns: number }).finishedRuns).toBe(2)
    expect(compare.loading).toBe(false)
  })

  it('resets what was chosen when another sweep opens, and keeps it on a refresh', async () => {
    const { compare } = await import('../../src-renderer/src/state/compare.svelte')
    await compare.open(2)
    compare.ticked = [201]
    compare.search = 'lstm'
    await compare.refresh()
    expect(compare.ticked).toEqual([201])
    expect(compare.search).toBe('lstm')
    const opening = compare.open(1)
    await settle(200)
    await opening
    expect(compare.ticked).toEqual([])
    expect(compare.search).toBe('')
    expect(compare.runs).toHaveLength(5)
  })

  it('refreshes when another process writes to the database', async () => {
    const { compare } = await import('../../src-renderer/src/state/compare.svelte')
    await compare.open(2)
    const stop = compare.follow()
    const before = fake.calls.filter(([c]) => c === 'getSweep').length
    fake.emit({ type: 'changedElsewhere' })
    await settle(1500) // follow() waits 1.5 s, gathering a burst of writes into one refresh
    stop()
    expect(fake.calls.filter(([c]) => c === 'getSweep').length).toBe(before + 1)
  })
})
