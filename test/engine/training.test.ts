import { describe, expect, it } from 'vitest'
import type { RunConfig } from '../../src-main/engine/run-config'
import { RunCancelled, runTraining, summarize, type GradFlowSnapshot, type Point } from '../../src-main/engine/training'
import { lostCpu, stepTimeShown } from '../../src-shared/lost-cpu'

const base: RunConfig = {
  task: 'adding', seqLen: 8, cell: 'gru', backend: 'cpu-js', hiddenSize: 8, numLayers: 1, bidirectional: false, dropout: 0,
  batchSize: 16, optimizer: 'adam', lr: 0.01, momentum: 0, weightDecay: 0, clipNorm: 1, forgetBias1: false,
  seed: 1, dataSeed: 1, steps: 60, seconds: 0, evalEvery: 20, warmupSteps: 5, gradFlowEvery: 30, target: null, threads: 1,
}

describe('a training run', () => {
  it('says where its wall time went: each phase measured, the parts adding up to the whole', async () => {
    const asked = performance.now()
    const f = await runTraining({ ...base, steps: 40, evalEvery: 10 }, {}, undefined, asked)
    const p = f.phases!
    const parts = p.startupMs + p.stepsMs + p.batchesMs + p.evaluationMs + p.testMs + p.otherMs
    expect(parts).toBeCloseTo(p.wallMs, 6)
    for (const ms of [p.startupMs, p.stepsMs, p.timedStepsMs, p.batchesMs, p.evaluationMs, p.testMs]) expect(ms).toBeGreaterThan(0)
    // The timed steps are the steps past warm-up, as the backend timed them: inside the loop's wait for all steps.
    expect(p.timedStepsMs).toBeLessThan(p.stepsMs)
    expect(p.timedStepsMs).toBeGreaterThanOrEqual(0.9 * f.stepMs.total.n * f.stepMs.total.p10) // nine in ten steps take p10 or more
    // The run's own wall time starts after start-up: the phases' whole holds both.
    expect(p.wallMs).toBeGreaterThan(f.wallSeconds * 1000)
    expect(p.wallMs).toBeLessThanOrEqual(performance.now() - asked)
    expect(p.storeMs).toBeUndefined() // only a worker pool writes rows
  })

  it('records speed, memory, accuracy and the series', async () => {
    const points: Point[] = [], flows: GradFlowSnapshot[] = []
    const f = await runTraining({ ...base, numLayers: 2, bidirectional: true }, { onPoints: (p) => points.push(...p), onGradFlow: (s) => flows.push(s) })
    expect(f.status).toBe('done')
    expect(f.steps).toBe(60)
    expect(f.stepMs.total.n).toBe(55) // warm-up excluded
    expect(f.stepMs.total.p10).toBeLessThanOrEqual(f.stepMs.total.median)
    expect(f.stepMs.total.median).toBeLessThanOrEqual(f.stepMs.total.p90)
    // a CPU backend times the forward and the backward apart
    expect(f.stepMs.forward!.median + f.stepMs.backward!.median).toBeLessThanOrEqual(f.stepMs.total.p90 * 1.5)
    // Throughput from the step-time figure the verdicts read (the clean steps' where the CPU was sampled)
    expect(f.samplesPerSecond).toBeCloseTo((16 * 1000) / stepTimeShown(f), 6)
    // Linux: every timed step's run-queue wait was read; the figure is the clean steps' 25th percentile
    if (process.platform === 'linux') {
      const cpu = f.cpu!
      expect(cpu.signal).toBe('run-queue wait')
      if (cpu.signal !== 'run-queue wait') return
      expect(cpu).toMatchObject({ threads: 1, steps: 55 })
      expect(cpu.lost).toBeGreaterThanOrEqual(0)
      expect(cpu.lost).toBeLessThanOrEqual(55)
      expect(cpu.waitMs).toBeGreaterThanOrEqual(0)
      expect(cpu.wallMs).toBeCloseTo(points.filter((p) => p.series === 'step_ms' && p.step > 5).reduce((a, p) => a + p.value, 0), 6)
      const waits = points.filter((p) => p.series === 'wait_ms' && p.step > 5)
      expect(waits).toHaveLength(55)
      expect(waits.reduce((a, p) => a + p.value, 0)).toBeCloseTo(cpu.waitMs, 6)
      const clean = points.filter((p) => p.series === 'step_ms' && p.step > 5).filter((p) => !lostCpu({ wallMs: p.value, waitMs: waits.find((w) => w.step === p.step)!.value }))
      expect(clean).toHaveLength(55 - cpu.lost)
      if (cpu.estimateMs !== null) expect(cpu.estimateMs).toBeGreaterThanOrEqual(Math.min(...clean.map((p) => p.value)))
    }
    expect(f.timestepsPerSecond).toBeCloseTo(f.samplesPerSecond * 8, 6)
    // 3·2·G·H·(In+H)·B·T per layer and direction: layer 0 In = 2, layer 1 In = 16
    expect(f.flopsPerStep).toBe(2 * (6 * 3 * 8 * (2 + 8) * 16 * 8) + 2 * (6 * 3 * 8 * (16 + 8) * 16 * 8))
    expect(f.parameterCount).toBe(2 * (3 * 8 * (2 + 8) + 6 * 8) + 2 * (3 * 8 * (16 + 8) + 6 * 8) + 16 + 1)
    expect(f.memory.parameterBytes).toBe(4 * f.parameterCount)
    expect(f.memory.optimizerBytes).toBe(8 * f.parameterCount) // Adam: two moments
    expect(f.memory.activationBytes).toBeGreaterThan(0)
    expect(f.baseline.metric).toBeGreaterThan(0.1)
    expect(f.finalMetric).toBeLessThan(f.baseline.metric * 2)
    const series = (name: string) => points.filter((p) => p.series === name)
    expect(series('train_loss')).toHaveLength(60)
    expect(series('grad_norm')).toHaveLength(60)
    expect(series('step_ms')).toHaveLength(60) // each step's wall time, warm-up included
    expect(series('val_metric').map((p) => p.step)).toEqual([0, 20, 40, 60])
    expect(series('train_metric').map((p) => p.step)).toEqual([60]) // once, beside the last validation metric
    expect(series('train_metric').every((p) => Number.isFinite(p.value) && p.value >= 0)).toBe(true)
    expect(flows.map((s) => s.step)).toEqual([0, 30])
    expect(flows[0]).toMatchObject({ rows: 4, T: 8 })
    expect(flows[0].norms).toHaveLength(32)
    expect(flows[0].norms.every((v) => v >= 0 && Number.isFinite(v))).toBe(true)
  })

  it('reports BPTT activation memory of the training batch, not of the validation set', async () => {
    const f = await runTraining({ ...base, cell: 'lstm' })
    const T = 8, B = 16, H = 8
    // LSTM, one layer: h and c in [T+1, B, H], gates [T, B, 4H], the layer output [T, B, H]; float32
    expect(f.memory.activationBytes).toBe(4 * (2 * (T + 1) * B * H + T * B * 4 * H + T * B * H))
  })

  it('ends diverged, not crashed, when the loss explodes', async () => {
    const f = await runTraining({ ...base, cell: 'rnn_relu', optimizer: 'sgd', lr: 9, clipNorm: 0, hiddenSize: 32, steps: 200 })
    expect(f.status).toBe('diverged')
    expect(f.divergence).toMatch(/loss (became|exploded)/)
    expect(f.steps).toBeLessThan(200)
  })

  it('stops on its time budget', async () => {
    const t0 = performance.now()
    const f = await runTraining({ ...base, steps: 0, seconds: 0.5 })
    expect((performance.now() - t0) / 1000).toBeLessThan(3)
    expect(f.steps).toBeGreaterThan(5)
  })

  it('never overruns a time budget by more than one step, and says when its step times come from warm-up', async () => {
    // the budget is gone before the first step: one step, timed although it is a warm-up step, and flagged
    const f = await runTraining({ ...base, steps: 0, seconds: 1e-6, warmupSteps: 2 })
    expect(f.steps).toBe(1)
    expect(f.stepMs.total.n).toBe(1)
    expect(f.stepTimesFromWarmup).toBe(true)
    expect(Number.isFinite(f.gflops)).toBe(true)
    // with warm-up done inside the budget, the step times are the timed steps' alone
    const g = await runTraining({ ...base, steps: 0, seconds: 0.3, warmupSteps: 1 })
    expect(g.steps).toBeGreaterThan(1)
    expect(g.stepMs.total.n).toBe(g.steps - 1)
    expect(g.stepTimesFromWarmup).toBeUndefined()
    // slow steps (H = 256 on cpu-js, tens of ms each) against a budget of 10 ms: at most one step past it
    const slow = await runTraining({ ...base, hiddenSize: 256, batchSize: 32, steps: 0, seconds: 0.01, warmupSteps: 3 })
    expect(slow.steps).toBeLessThanOrEqual(2)
  })

  it('records time-to-target when the metric reaches it', async () => {
    const f = await runTraining({ ...base, steps: 100, target: 10 }) // any MSE is below 10
    expect(f.timeToTarget).toEqual({ seconds: expect.any(Number), step: 0 })
    const g = await runTraining({ ...base, steps: 20, target: 1e-9 })
    expect(g.timeToTarget).toBeNull()
  })

  it('throws RunCancelled when asked to stop', async () => {
    let polls = 0
    await expect(runTraining(base, { shouldStop: () => ++polls > 3 })).rejects.toBeInstanceOf(RunCancelled)
  })

  it('summarizes samples with linear-interpolated percentiles', () => {
    expect(summarize([5, 1, 3, 2, 4])).toEqual({ median: 3, p10: 1.4, p90: 4.6, n: 5 })
    expect(summarize([]).n).toBe(0)
  })
})
