// The estimate a sweep shows before it starts: memory from the analytic counts, time from measured
// speeds where this machine has them, and how runs share the workers.

import { describe, expect, it } from 'vitest'
import { estimateRun, estimateSweep, type TaskShape } from '../../src-main/engine/sweep/estimate'
import { expandSweep } from '../../src-main/engine/sweep/expand'
import { parseSweepSpec } from '../../src-main/engine/sweep/spec'
import { stackFlops, networkOf } from '../../src-main/engine/run-config'

const shape: TaskShape = { inputSize: 2, outputSize: 1, seqLen: 50, head: 'last', loss: 'mse', evalBatches: 0 }
const config = (over: object) => expandSweep(parseSweepSpec({ settings: { task: 'adding', ...over }, budget: { steps: 100 }, evalEvery: 1000 }))[0]

describe('sweep estimate', () => {
  it('counts parameters, gradients, Adam moments and the activations BPTT keeps', () => {
    const c = config({ cell: 'lstm', hiddenSize: 32, batchSize: 8 })
    const params = 4 * 32 * (2 + 32) + 2 * 4 * 32 + 32 + 1 // W_ih, W_hh, two biases, head
    const activations = 6 * 50 * 8 * 32
    expect(estimateRun(c, shape, {}).bytes).toBe(4 * (params * 4 + activations + 50 * 8 * 2))
    // SGD without momentum keeps no optimizer state; a GRU keeps 5·H per step
    const g = config({ cell: 'gru', hiddenSize: 32, batchSize: 8, optimizer: 'sgd' })
    const gParams = 3 * 32 * (2 + 32) + 2 * 3 * 32 + 32 + 1
    expect(estimateRun(g, shape, {}).bytes).toBe(4 * (gParams * 2 + 5 * 50 * 8 * 32 + 50 * 8 * 2))
  })

  it('takes the time from a measured speed, else a default, and says which', () => {
    const c = config({ cell: 'gru', hiddenSize: 64, backend: 'cpu-native' })
    const flops = stackFlops(networkOf(c, 2), c.batchSize, 50)
    const measured = estimateRun(c, shape, { 'cpu-native': { gru: 10 } })
    expect(measured.measured).toBe(true)
    expect(measured.seconds).toBeCloseTo(100 * flops / 10e9 + 0.5, 6)
    expect(estimateRun(c, shape, {}).measured).toBe(false)
    // a time budget caps it
    const capped = estimateRun({ ...c, seconds: 0.001 }, shape, { 'cpu-native': { gru: 1e-6 } })
    expect(capped.seconds).toBeCloseTo(0.501, 6)
  })

  it('calls a speed measured on another task a guess, and uses it over the default', () => {
    const c = config({ cell: 'gru', hiddenSize: 64, backend: 'cpu-native' })
    const speeds = { 'cpu-native': { gru: 10 }, ofTask: { sentiment: { 'cpu-native': { gru: 10 } } } }
    const other = estimateRun(c, shape, speeds) // c is an adding run; only sentiment was measured
    expect(other).toMatchObject({ measured: false, fromOtherTask: true })
    expect(other.seconds).toBeCloseTo(estimateRun(c, shape, { 'cpu-native': { gru: 10 } }).seconds, 9)
    expect(estimateRun({ ...c, task: 'sentiment' }, shape, speeds)).toMatchObject({ measured: true })
    expect(estimateSweep([other, other], 1).otherTaskRuns).toBe(2)
  })

  it('hands runs to the first free worker and counts memory for the runs in flight together', () => {
    const runs = [{ seconds: 4, bytes: 10, measured: true }, { seconds: 1, bytes: 30, measured: false }, { seconds: 1, bytes: 20, measured: true }, { seconds: 1, bytes: 5, measured: true }]
    expect(estimateSweep(runs, 2)).toEqual({ runs: 4, seconds: 4, peakBytes: 50, measuredRuns: 3 })
    expect(estimateSweep(runs, 1)).toEqual({ runs: 4, seconds: 7, peakBytes: 30, measuredRuns: 3 })
  })
})
