// The app service, as both the desktop app and `serve` use it: plans with estimates, sweeps run in
// worker threads with their events, one sweep at a time, history operations, and errors that name
// the field.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { AppService } from '../../src-main/app/service'
import type { AppEvent } from '../../src-main/ipc/contract'
import { dispatch } from '../../src-main/ipc/dispatch'
import { Store } from '../../src-main/store/store'
import { repoRoot } from '../helpers/cli'

const workerScript = pathToFileURL(join(repoRoot, 'out', 'main', 'worker.js'))
if (!existsSync(workerScript)) throw new Error('out/main/worker.js is missing: run `npm run build` (npm test does it first)')

const tinySpec = (name = 'tiny') => ({
  name, settings: { task: 'adding', seqLen: 6, hiddenSize: 4, batchSize: 4 }, axes: { cell: ['lstm', 'rnn_tanh'] }, budget: { steps: 12 }, evalEvery: 4, gradFlowEvery: 4,
})

function service(store = new Store(':memory:')) {
  return new AppService(store, { workers: 2, workerScript, appVersion: 'test', readText: async () => 'text' })
}

describe('AppService', () => {
  it('keeps an uploaded data file beside the database, refusing what a data file may not be; no file dialog under serve', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnbench-upload-'))
    const app = new AppService(new Store(join(dir, 'db.sqlite')), { workers: 1, workerScript, appVersion: 'test', readText: async () => 'text' })
    try {
      const csv = 'month,visitors\n2001-01,1\n'
      const { path } = await app.handlers.uploadDataFile('../../my data.csv', Buffer.from(csv).toString('base64'))
      expect(path).toMatch(new RegExp(`^${dir}/rnnbench-uploads/[0-9a-f]{12}-my_data\\.csv$`))
      expect(readFileSync(path, 'utf8')).toBe(csv)
      await expect(app.handlers.uploadDataFile('x.csv', Buffer.from('a,b\ncaf\xe9,1\n', 'latin1').toString('base64'))).rejects.toThrow(/^dataFile: x\.csv is not UTF-8 text/)
      await expect(app.handlers.uploadDataFile('x.exe', Buffer.from('a').toString('base64'))).rejects.toThrow(/give a \.csv, \.tsv or \.txt file/)
      await expect(app.handlers.chooseDataFile()).rejects.toThrow(/^dataFile: there is no file dialog in a browser/)
    } finally {
      await app.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('computes the plan once per Start: the one the builder just showed, unless the spec or the database changed', async () => {
    const store = new Store(':memory:')
    const app = service(store)
    const spec = { settings: { task: 'adding', seqLen: 5, hiddenSize: 4, batchSize: 4 }, axes: { cell: ['lstm', 'gru'] }, budget: { steps: 2 } }
    await app.handlers.planSweep(spec)
    await app.handlers.planSweep(spec) // the builder asks again: a preview is computed each time
    expect(app.plansComputed).toBe(2)
    const { sweepId } = await app.handlers.startSweep(spec, 'once')
    expect(app.plansComputed).toBe(2) // Start took the preview's plan
    expect(store.listRuns(sweepId)).toHaveLength(2)
    // After a sweep was created, the same spec is planned afresh (its runs change what the estimate knows).
    await app.handlers.planSweep(spec)
    expect(app.plansComputed).toBe(3)
    await app.close()
  })

  it('tells its windows when another process writes to the database, and not for its own writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnbench-watch-'))
    const path = join(dir, 'db.sqlite')
    const mine = new Store(path), other = new Store(path)
    // The watcher's polls on a fake clock: each advance of 20 ms is one poll, however busy the machine.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const app = new AppService(mine, { workers: 1, workerScript, appVersion: 'test', readText: async () => 'text', watchMs: 20 })
    const events: AppEvent[] = []
    app.subscribe((e) => events.push(e))
    try {
      await app.handlers.renameSweep(mine.createSweep('mine', { settings: {}, axes: {} } as never, []), 'still mine')
      vi.advanceTimersByTime(100) // five polls after its own writes
      expect(events.filter((e) => e.type === 'changedElsewhere')).toHaveLength(0)
      other.createSweep('from the CLI', { settings: {}, axes: {} } as never, []) // another connection, as a CLI sweep is
      vi.advanceTimersByTime(20) // the next poll
      expect(events.filter((e) => e.type === 'changedElsewhere')).toHaveLength(1)
      vi.advanceTimersByTime(100)
      expect(events.filter((e) => e.type === 'changedElsewhere')).toHaveLength(1) // once per write, not per poll
      expect((await app.handlers.listSweeps()).map((s) => s.name)).toContain('from the CLI')
    } finally {
      vi.useRealTimers()
      await app.close()
      mine.close(); other.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('plans a spec: its runs, an estimate of time and memory, nothing stored', async () => {
    const app = service()
    const plan = await app.handlers.planSweep({ ...tinySpec(), settings: { task: 'adding', seqLen: 6, batchSize: 4 }, axes: { cell: ['lstm', 'gru', 'rnn_tanh'], hiddenSize: [4, 64] } })
    expect(plan.runs).toBe(6)
    expect(plan.estimate.seconds).toBeGreaterThan(0)
    // memory grows with H: the H=64 LSTM run dominates, two workers may hold two runs at once
    expect(plan.estimate.peakBytes).toBeGreaterThan(4 * 4 * 64 * 64 * 2)
    expect(plan.estimate.measuredRuns).toBe(0)
    expect(await app.handlers.listSweeps()).toEqual([])
  })

  it('starts one sweep when two clients start one at the same moment', async () => {
    const store = new Store(':memory:')
    const app = service(store)
    const both = await Promise.allSettled([app.handlers.startSweep(tinySpec('first'), null), app.handlers.startSweep(tinySpec('second'), null)])
    expect(both.map((r) => r.status)).toEqual(['fulfilled', 'rejected'])
    expect(String((both[1] as PromiseRejectedResult).reason.message)).toMatch(/^sweep: another sweep is being started/)
    await app.running?.done
    expect(store.listSweeps().map((s) => s.name)).toEqual(['first'])
    await app.close()
  })

  it('names the field of a bad spec, through dispatch as the UI receives it', async () => {
    const app = service()
    const answer = await dispatch(app.handlers, 'planSweep', [{ ...tinySpec(), axes: { cell: ['lstm', 'lsmt'] } }])
    expect(answer).toEqual({ ok: false, error: { field: 'axes.cell[1]', message: expect.stringContaining('must be one of') } })
  })

  it('runs a sweep in worker threads with live events, then uses its measured speeds in the next estimate', async () => {
    const app = service()
    const events: AppEvent[] = []
    app.subscribe((e) => events.push(e))
    const { sweepId } = await app.handlers.startSweep(tinySpec(), null)
    expect(app.running?.sweepId).toBe(sweepId)
    // a second sweep while one runs is refused, naming why
    await expect(Promise.resolve(app.handlers.startSweep(tinySpec('second'), null))).rejects.toThrow(/sweep #\d+ is running/)
    await app.running!.done
    const { sweep, runs } = await app.handlers.getSweep(sweepId)
    expect(sweep.counts.done).toBe(2)
    expect(runs.every((r) => r.figures!.steps === 12)).toBe(true)
    const types = events.filter((e) => 'sweepId' in e && e.sweepId === sweepId).map((e) => e.type)
    expect(types.filter((t) => t === 'runStarted')).toHaveLength(2)
    expect(types.filter((t) => t === 'runEnded')).toHaveLength(2)
    expect(types).toContain('points')
    expect(types.at(-1)).toBe('sweepEnded')
    const series = await app.handlers.sweepSeries(sweepId, ['train_loss', 'val_metric'], 5)
    for (const r of runs) {
      expect(series[r.id].train_loss!.step).toEqual([1, 4, 7, 10, 12]) // every 3rd of 12, to 5 points, the last kept
      expect(series[r.id].val_metric!.step).toEqual([0, 4, 8, 12])
    }
    expect((await app.handlers.gradFlow(runs[0].id)).length).toBeGreaterThan(0)
    const replan = await app.handlers.planSweep(tinySpec())
    expect(replan.estimate.measuredRuns).toBe(2)
  })

  it('renames, exports, re-runs and deletes sweeps; refuses unknown ids', async () => {
    const store = new Store(':memory:')
    const app = service(store)
    const { sweepId } = await app.handlers.startSweep(tinySpec(), 'first')
    await app.running!.done
    await app.handlers.renameSweep(sweepId, 'renamed')
    expect((await app.handlers.listSweeps())[0].name).toBe('renamed')
    const csv = await app.handlers.exportSweep(sweepId, 'csv', 'hidden')
    expect(csv).toMatchObject({ filename: expect.stringMatching(/\.csv$/), encoding: 'utf8' })
    expect(csv.data.split('\n')[0]).toContain('config.cell')
    expect(csv.data.trim().split('\n')).toHaveLength(3)
    const html = await app.handlers.exportSweep(sweepId, 'html', 'params')
    expect(html.data).toContain('at about equal parameter count')
    const spec = JSON.parse((await app.handlers.exportSweep(sweepId, 'spec', 'hidden')).data)
    expect(await app.handlers.parseSpec(JSON.stringify(spec))).toEqual(spec)
    const again = await app.handlers.rerunSweep(sweepId)
    await app.running!.done
    expect((await app.handlers.getSweep(again.sweepId)).sweep.counts.done).toBe(2)
    expect(await app.handlers.deleteSweep(sweepId)).toEqual({ deleted: true })
    expect(store.listRuns(sweepId)).toEqual([])
    expect(await dispatch(app.handlers, 'getSweep', [sweepId])).toEqual({ ok: false, error: { field: 'id', message: expect.stringContaining(`no sweep ${sweepId}`) } })
    expect(await dispatch(app.handlers, 'parseSpec', ['{not json'])).toMatchObject({ ok: false, error: { field: 'spec' } })
  })

  it('cancels the sweep in progress; resume finishes it', async () => {
    const app = service()
    // Cancelled once a run has reported progress: mid-run, not before the first one starts.
    const progressed = new Promise<void>((resolve) => app.subscribe((e) => { if (e.type === 'points') resolve() }))
    const { sweepId } = await app.handlers.startSweep({ ...tinySpec(), budget: { steps: 100_000, seconds: 30 } }, null)
    await progressed
    expect(await app.handlers.cancelSweep(sweepId)).toEqual({ cancelled: true })
    await app.running?.done
    expect((await app.handlers.getSweep(sweepId)).sweep.counts.cancelled).toBeGreaterThan(0)
    await app.handlers.resumeSweep(sweepId, false)
    await app.close() // cancels again: close never leaves a sweep running
    expect(app.running).toBeNull()
  })
})
