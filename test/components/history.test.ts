// The history view as a component: every sweep listed with its state, rename, and delete only
// after the user confirms.

import { flushSync, mount, unmount } from 'svelte'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { SweepSummary } from '../../src-main/ipc/contract'
import { installFakeApi, settle } from './fake-api'

vi.useFakeTimers() // settle() advances this clock: no test here waits on the wall clock

const sweep = (id: number, name: string, over: Partial<SweepSummary> = {}): SweepSummary => ({
  id, name, createdAt: '2026-11-20T10:00:00.000Z', spec: {} as never, total: 4, planned: 4, incomplete: null, active: false, runningElsewhere: null,
  counts: { pending: 0, running: 0, done: 3, failed: 1, diverged: 0, cancelled: 0 }, ...over,
})
let sweeps = [
  sweep(3, 'elsewhere', { runningElsewhere: 'running in pid 4242 on host lab', counts: { pending: 1, running: 1, done: 2, failed: 0, diverged: 0, cancelled: 0 } }),
  sweep(2, 'second', { active: true, counts: { pending: 2, running: 2, done: 0, failed: 0, diverged: 0, cancelled: 0 } }), sweep(1, 'first'),
  sweep(4, 'merged 3 of 4', { total: 12, planned: 16, incomplete: '12 of 16 runs present; 4 never ran (shard 4 of 4 missing)', counts: { pending: 0, running: 0, done: 12, failed: 0, diverged: 0, cancelled: 0 } }),
]
const fake = installFakeApi({
  listSweeps: () => sweeps,
  renameSweep: (id, name) => { sweeps = sweeps.map((s) => (s.id === id ? { ...s, name } : s)); return { renamed: true } },
  deleteSweep: (id) => { sweeps = sweeps.filter((s) => s.id !== id); return { deleted: true } },
})

let HistoryView: typeof import('../../src-renderer/src/views/HistoryView.svelte').default
let app: typeof import('../../src-renderer/src/state/app.svelte').app
let component: ReturnType<typeof mount> | null = null
beforeAll(async () => {
  ;({ app } = await import('../../src-renderer/src/state/app.svelte'))
  HistoryView = (await import('../../src-renderer/src/views/HistoryView.svelte')).default
})
afterEach(() => { if (component) unmount(component); component = null })

const row = (id: number) => document.querySelector(`[data-testid="sweep-${id}"]`)!
const button = (id: number, label: string) => [...row(id).querySelectorAll('button')].find((b) => b.textContent === label)!

describe('HistoryView', () => {
  it('lists every sweep with its state; a running one cannot be deleted', async () => {
    await app.refreshSweeps()
    component = mount(HistoryView, { target: document.body })
    flushSync()
    expect(row(2).textContent).toContain('running')
    expect(row(1).textContent).toContain('3 done, 1 failed')
    expect(button(2, 'delete').disabled).toBe(true)
    expect(button(1, 'delete').disabled).toBe(false)
    // run by another process: said, and not deletable from here, with the reason on the button
    expect(row(3).textContent).toContain('running in pid 4242 on host lab')
    expect(button(3, 'delete').disabled).toBe(true)
    expect(button(3, 'delete').title).toBe('running in pid 4242 on host lab')
    // a merge of some of its shards: what is missing, and not "done"
    expect(row(4).textContent).toContain('12 of 16')
    expect(row(4).textContent).toContain('incomplete: 12 of 16 runs present; 4 never ran (shard 4 of 4 missing)')
  })

  it('renames a sweep', async () => {
    await app.refreshSweeps()
    component = mount(HistoryView, { target: document.body })
    flushSync()
    button(1, 'rename').click()
    flushSync()
    const input = document.querySelector('[data-testid="rename-input"]') as HTMLInputElement
    input.value = 'renamed'
    input.dispatchEvent(new Event('input', { bubbles: true }))
    input.form!.requestSubmit()
    await settle(10)
    expect(fake.calls.at(-1)).toEqual(['renameSweep', [1, 'renamed']])
  })

  it('deletes only after the user confirms', async () => {
    await app.refreshSweeps()
    component = mount(HistoryView, { target: document.body })
    flushSync()
    const confirm = vi.fn().mockReturnValueOnce(false).mockReturnValueOnce(true)
    window.confirm = confirm // happy-dom has no dialogs
    button(1, 'delete').click()
    await settle(10)
    expect(fake.calls.some(([c]) => c === 'deleteSweep')).toBe(false)
    button(1, 'delete').click()
    await settle(10)
    expect(confirm).toHaveBeenCalledTimes(2)
    expect(fake.calls.at(-1)).toEqual(['deleteSweep', [1]])
  })

  it('re-run opens the builder with that sweep\'s spec, to edit before starting; nothing starts', async () => {
    const { builder } = await import('../../src-renderer/src/state/builder.svelte')
    sweeps = sweeps.map((s) => (s.id === 3 ? { ...s, spec: { name: 'elsewhere', strategy: 'grid', repeats: 3, seed: 1, settings: { task: 'copy' }, axes: { cell: ['gru'] }, budget: { steps: 77, seconds: 0 }, warmupSteps: 3, target: null, threads: 1 } as never } : s))
    await app.refreshSweeps()
    component = mount(HistoryView, { target: document.body })
    flushSync()
    button(3, 're-run').click()
    flushSync()
    expect(app.view).toBe('builder')
    expect(builder.name).toBe('elsewhere (again)')
    expect(builder.tasks).toEqual(['copy'])
    expect(builder.cells).toEqual(['gru'])
    expect(builder.steps).toBe('77')
    expect(fake.calls.some(([c]) => c === 'startSweep' || c === 'rerunSweep')).toBe(false)
  })
})
