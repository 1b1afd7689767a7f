// The worker pool against a real database and the built worker (npm test builds it first).

import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { expandSweep } from '../../src-main/engine/sweep/expand'
import { parseSweepSpec } from '../../src-main/engine/sweep/spec'
import { Store } from '../../src-main/store/store'
import { SweepRunner } from '../../src-main/workers/pool'
import { repoRoot } from '../helpers/cli'
import { backendsUnderTest, skipUnavailable } from '../helpers/backends'

const workerScript = pathToFileURL(join(repoRoot, 'out', 'main', 'worker.js'))
/** The production worker behind injected faults (test/helpers/fault-worker.mjs): the shipped one has no fault path. */
const faultWorker = pathToFileURL(join(repoRoot, 'test', 'helpers', 'fault-worker.mjs'))
if (!existsSync(workerScript)) throw new Error('out/main/worker.js is missing: run `npm run build` (npm test does it first)')

function tinySweep(store: Store, repeats: number, steps = 15) {
  const spec = parseSweepSpec({ settings: { task: 'adding', seqLen: 6, hiddenSize: 4, batchSize: 4 }, axes: { cell: ['lstm', 'gru', 'rnn_tanh'] }, repeats, seed: 100, budget: { steps }, evalEvery: 5 })
  return store.createSweep('tiny', spec, expandSweep(spec))
}

describe('SweepRunner', () => {
  it('runs every pending run in worker threads and stores figures and series', async () => {
    const store = new Store(':memory:')
    const id = tinySweep(store, 1)
    const ended: string[] = []
    const summary = await new SweepRunner(store, { workers: 2, workerScript, events: { runEnded: (r) => ended.push(r.status) } }).run(id)
    expect(summary.counts).toEqual({ done: 3 })
    expect(ended).toEqual(['done', 'done', 'done'])
    for (const run of store.listRuns(id)) {
      expect(run.status).toBe('done')
      expect(run.attempts).toBe(1)
      expect(run.figures!.steps).toBe(15)
      // where its time went, with the main thread's writes of its rows beside it
      const phases = run.figures!.phases!
      expect(phases.stepsMs).toBeGreaterThan(0)
      expect(phases.startupMs).toBeGreaterThan(0) // from the worker's message: the probe, the task, the model
      expect(phases.storeMs).toBeGreaterThan(0)
      expect(run.environment).toMatchObject({ backend: 'cpu-js', cores: expect.any(Number), host: expect.any(String) })
      // timing hygiene: what shared the machine while the steps were timed
      expect(run.environment).toMatchObject({ workers: 2, loadAvgStart: expect.any(Number), loadAvgEnd: expect.any(Number) })
      expect([1, 2]).toContain(run.environment!.concurrentRuns)
      expect(store.series(run.id, 'train_loss')).toHaveLength(15)
      expect(store.series(run.id, 'val_metric').map((p) => p.step)).toEqual([0, 5, 10, 15])
    }
    store.close()
  })

  it('ships no fault path: the production worker ignores a fault it is handed', async () => {
    const store = new Store(':memory:')
    const id = tinySweep(store, 1) // seed 100
    expect((await new SweepRunner(store, { workers: 2, workerScript, workerData: { fault: 'crash:100' } }).run(id)).counts).toEqual({ done: 3 })
    store.close()
  })

  it('marks a run whose worker crashes or throws as failed, and the sweep goes on', async () => {
    const store = new Store(':memory:')
    const id = tinySweep(store, 3) // seeds 100, 101, 102
    const crash = await new SweepRunner(store, { workers: 2, workerScript: faultWorker, workerData: { fault: 'crash:101' } }).run(id)
    expect(crash.counts).toEqual({ done: 6, failed: 3 })
    const runs = store.listRuns(id)
    for (const r of runs) {
      if (r.config.seed === 101) expect(r.error).toMatch(/worker exited with code 70 during the run/)
      else expect(r.status).toBe('done')
    }
    const id2 = tinySweep(store, 2)
    const thrown = await new SweepRunner(store, { workers: 2, workerScript: faultWorker, workerData: { fault: 'throw:100' } }).run(id2)
    expect(thrown.counts).toEqual({ done: 3, failed: 3 })
    expect(store.listRuns(id2).filter((r) => r.status === 'failed').every((r) => r.error === 'injected fault for seed 100')).toBe(true)
    // resume leaves failed runs alone unless asked, then retries them
    expect((await new SweepRunner(store, { workers: 2, workerScript }).run(id2)).started).toBe(0)
    const retried = await new SweepRunner(store, { workers: 2, workerScript }).run(id2, { retryFailed: true })
    expect(retried.counts).toEqual({ done: 3 })
    expect(store.listRuns(id2).map((r) => r.status)).toEqual(Array(6).fill('done'))
    store.close()
  })

  it('cancels runs in progress, and a resume finishes them without repeating finished ones', async () => {
    const store = new Store(':memory:')
    const id = tinySweep(store, 2, 400)
    const runner = new SweepRunner(store, {
      workers: 2, workerScript,
      events: { runEnded: () => void runner.cancel() }, // stop as soon as the first run ends
    })
    const first = await runner.run(id)
    expect(first.cancelled).toBe(true)
    const after = store.listRuns(id)
    const done = after.filter((r) => r.status === 'done')
    expect(done.length).toBeGreaterThanOrEqual(1)
    expect(after.filter((r) => r.status === 'cancelled').length).toBeGreaterThanOrEqual(1)
    expect(after.some((r) => r.status === 'running')).toBe(false)

    const second = await new SweepRunner(store, { workers: 2, workerScript }).run(id)
    expect(second.started).toBe(6 - done.length)
    const final = store.listRuns(id)
    expect(final.every((r) => r.status === 'done')).toBe(true)
    for (const r of done) {
      const again = final.find((f) => f.id === r.id)!
      expect(again.attempts).toBe(1)
      expect(again.finishedAt).toBe(r.finishedAt) // untouched
    }
    // a re-run starts clean: one train_loss point per step, no leftovers from the cancelled attempt
    for (const r of final) expect(store.series(r.id, 'train_loss')).toHaveLength(r.figures!.steps)
    store.close()
  })
})

const [native] = await backendsUnderTest(['cpu-native'])

describe('a sweep over backends', () => {
  if (skipUnavailable(native)) return
  it('runs cpu-native in worker threads beside cpu-js, each recording where it ran', async () => {
    const store = new Store(':memory:')
    const spec = parseSweepSpec({ settings: { task: 'sentiment', seqLen: 8, hiddenSize: 8, batchSize: 8 }, axes: { backend: ['cpu-js', 'cpu-native'], cell: ['lstm', 'gru'] }, budget: { steps: 30 }, evalEvery: 10 })
    const id = store.createSweep('backends', spec, expandSweep(spec))
    const summary = await new SweepRunner(store, { workers: 2, workerScript }).run(id)
    expect(summary.counts).toEqual({ done: 4 })
    for (const run of store.listRuns(id)) {
      expect(run.environment).toMatchObject({ backend: run.config.backend })
      expect(String(run.environment!.device)).toMatch(run.config.backend === 'cpu-native' ? /C\+\+ (avx512|avx2-fma|portable) kernels/ : /TypeScript reference/)
      expect(run.figures!.steps).toBe(30)
      expect(Number.isFinite(run.figures!.finalMetric)).toBe(true)
    }
    store.close()
  })
})

const [webgpu] = await backendsUnderTest(['webgpu'])

describe('a sweep with the webgpu backend', () => {
  if (skipUnavailable(webgpu)) return
  it('runs webgpu in worker threads beside the CPU backends, recording its timing and dispatches per step', async () => {
    const store = new Store(':memory:')
    const spec = parseSweepSpec({ settings: { task: 'adding', seqLen: 10, hiddenSize: 8, batchSize: 8 }, axes: { backend: ['cpu-js', 'webgpu'], cell: ['lstm', 'gru'] }, budget: { steps: 24 }, evalEvery: 8 })
    const id = store.createSweep('webgpu beside cpu-js', spec, expandSweep(spec))
    const summary = await new SweepRunner(store, { workers: 2, workerScript }).run(id)
    expect(summary.counts).toEqual({ done: 4 })
    const runs = store.listRuns(id)
    for (const run of runs) {
      const f = run.figures!
      expect(run.environment).toMatchObject({ backend: run.config.backend })
      expect(f.steps).toBe(24)
      expect(Number.isFinite(f.finalValLoss)).toBe(true)
      if (run.config.backend === 'webgpu') {
        expect(f.timing).toMatch(/^(gpu-timestamps|wall-clock)$/)
        expect(f.dispatchesPerStep).toBeGreaterThan(2 * 10)
        expect(f.memory.deviceBytes).toBeGreaterThan(0)
        expect(f.stepMs.total.median).toBeGreaterThan(0)
      } else {
        expect(f.dispatchesPerStep).toBeNull()
      }
    }
    // The same seeds give the same training on both backends, up to float32 rounding.
    for (const cell of ['lstm', 'gru']) {
      const [js, gpu] = ['cpu-js', 'webgpu'].map((b) => runs.find((r) => r.config.backend === b && r.config.cell === cell)!.figures!)
      expect(Math.abs(js.finalTrainLoss - gpu.finalTrainLoss), cell).toBeLessThan(1e-3 * (1 + Math.abs(js.finalTrainLoss)))
    }
    store.close()
  })
})
