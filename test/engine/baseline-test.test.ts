// Did a run learn: the paired test of a network's errors against a baseline's on the same items
// (src-main/engine/baseline-test.ts), and every task's item scoring it relies on. For each task, the
// mean of its per-item losses must give back the metric its score() reports, and the baseline's
// per-item losses the baseline's metric: otherwise the test would compare something else than the
// numbers the user reads.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BASELINE_TEST_ALPHA, blockLength, pairedBaselineTest } from '../../src-main/engine/baseline-test'
import { Rng } from '../../src-main/engine/rng'
import { createTask } from '../../src-main/engine/tasks'
import type { TaskName } from '../../src-main/engine/tasks/task'

const FIX = join(__dirname, '..', 'fixtures', 'baselines')
const identity = (m: number) => m

describe('the paired baseline test', () => {
  it('finds a network whose errors are lower on the same items, and not one that only matches the baseline', () => {
    const rng = new Rng(1)
    const baseline = Array.from({ length: 512 }, () => rng.uniform() * 0.3)
    const better = baseline.map((b) => b * 0.8 + 0.01 * rng.normal())
    const same = baseline.map((b) => b + 0.02 * rng.normal())
    const won = pairedBaselineTest({ model: better, baseline, metricOf: identity, timeOrdered: false }, 7)!
    expect(won.beat).toBe(true)
    expect(won.p).toBeLessThanOrEqual(BASELINE_TEST_ALPHA)
    expect([won.method, won.block, won.items]).toEqual(['bootstrap', 1, 512])
    const lost = pairedBaselineTest({ model: same, baseline, metricOf: identity, timeOrdered: false }, 7)!
    expect(lost.beat).toBe(false)
    expect(lost.p).toBeGreaterThan(BASELINE_TEST_ALPHA)
  })

  it('passes its bar exactly when it beats the baseline, for error metrics and accuracies alike', () => {
    const rng = new Rng(2)
    let beats = 0
    for (let trial = 0; trial < 300; trial++) {
      const n = 20 + (trial % 50)
      const baseline: number[] = Array.from({ length: n }, () => (rng.uniform() < 0.4 ? 1 : 0)) // misclassified: 1
      const shift = (trial % 7) / 10
      const model = baseline.map((b) => (rng.uniform() < shift ? 0 : b))
      const accuracy = (m: number) => 1 - m
      const t = pairedBaselineTest({ model, baseline, metricOf: accuracy, timeOrdered: trial % 2 === 0 }, trial)!
      const metric = accuracy(model.reduce((a, b) => a + b, 0) / n)
      expect(metric > t.bar, `trial ${trial}: accuracy ${metric}, bar ${t.bar}, p ${t.p}`).toBe(t.beat)
      if (t.beat) beats++
    }
    expect(beats).toBeGreaterThan(50)
    expect(beats).toBeLessThan(290)
  })

  it('resamples time-ordered items in blocks, and holds its level on errors that move together', () => {
    expect(blockLength(24)).toBe(3)
    expect(blockLength(1000)).toBe(10)
    // AR(1) differences (ρ = 0.6) with mean 0: a block bootstrap should call "beat" in about 5% of series.
    const rng = new Rng(3)
    let calls = 0
    const N = 400
    for (let k = 0; k < N; k++) {
      let e = 0
      const d = Array.from({ length: 120 }, () => (e = 0.6 * e + rng.normal()))
      const t = pairedBaselineTest({ model: d.map((v) => 10 + v), baseline: d.map(() => 10), metricOf: identity, timeOrdered: true }, k)!
      expect(t.method).toBe('block-bootstrap')
      if (t.beat) calls++
    }
    expect(calls / N).toBeLessThan(0.1)
  })

  it('gives no test for fewer than two items, or for items that do not line up', () => {
    expect(pairedBaselineTest({ model: [1], baseline: [1], metricOf: identity, timeOrdered: false }, 1)).toBeNull()
    expect(pairedBaselineTest({ model: [1, 2], baseline: [1], metricOf: identity, timeOrdered: false }, 1)).toBeNull()
    expect(pairedBaselineTest({ model: [1, NaN], baseline: [1, 2], metricOf: identity, timeOrdered: false }, 1)).toBeNull()
  })
})

describe('every task scores its validation items as its metric', () => {
  const seriesText = readFileSync(join(FIX, 'series.csv'), 'utf8')
  const sentencesText = readFileSync(join(FIX, 'sentences.tsv'), 'utf8')
  const cases: Array<[TaskName, Parameters<typeof createTask>[1]]> = [
    ['adding', { seqLen: 20 }], ['copy', { seqLen: 10 }], ['airline', { seqLen: 12 }], ['co2', { seqLen: 24 }],
    ['charlm', { seqLen: 32 }], ['sentiment', {}], ['digits', {}],
    ['series', { dataFile: 'series.csv', data: seriesText, column: 'visitors', seqLen: 24 }],
    ['classify', { dataFile: 'sentences.tsv', data: sentencesText }],
  ]
  it.each(cases)('%s: mean item loss → metric on validation and on test, for random outputs and for its baselines', (name, options) => {
    const task = createTask(name, options, 5)
    const rng = new Rng(4)
    const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length
    const splits = [
      { split: 'validation', batches: task.validation, baselines: [task.baseline, task.classical] },
      { split: 'test', batches: task.test.batches, baselines: [task.test.baseline, task.test.classical] },
    ]
    for (const { split, batches, baselines } of splits) {
      const outputs = batches.map((b) => {
        const rows = b.targets.length
        return Float32Array.from({ length: rows * (task.head.loss === 'mse' ? 1 : task.head.outputSize) }, () => rng.normal())
      })
      const losses = task.items.losses(outputs, batches)
      expect(task.items.metricOf(mean(losses)), `${name} ${split}`).toBeCloseTo(task.score(outputs, batches).metric, 5)
      expect(baselines[1] === undefined, `${name}: a classical baseline on one split only`).toBe(splits[0].baselines[1] === undefined)
      for (const b of baselines) {
        if (!b) continue
        expect(b.losses, `${name} ${split}: ${b.description}`).toBeDefined()
        expect(b.losses!.length).toBe(losses.length)
        expect(b.items, `${name} ${split}: ${b.description}`).toBeGreaterThan(1)
        expect(task.items.metricOf(mean(b.losses!)), `${name} ${split}: ${b.description}`).toBeCloseTo(b.metric, 5)
      }
    }
    // the test split is other data than the validation split: not the same inputs in the same order
    const [v, t] = [task.validation[0], task.test.batches[0]] as Array<{ x: Float32Array; targets: ArrayLike<number> }>
    expect(v.x.length === t.x.length && v.x.every((x, i) => x === t.x[i]), `${name}: test inputs equal validation's`).toBe(false)
    expect(task.items.timeOrdered).toBe(['airline', 'co2', 'series'].includes(name))
  })
})

describe('a training run records its paired baseline tests', () => {
  it('tests its final validation outputs against both baselines, and stores the baselines without their per-item losses', async () => {
    const { runTraining } = await import('../../src-main/engine/training')
    const f = await runTraining({
      task: 'adding', seqLen: 8, cell: 'gru', backend: 'cpu-js', hiddenSize: 16, numLayers: 1, bidirectional: false, dropout: 0,
      batchSize: 32, optimizer: 'adam', lr: 0.02, momentum: 0, weightDecay: 0, clipNorm: 1, forgetBias1: false,
      seed: 3, dataSeed: 3, steps: 300, seconds: 0, evalEvery: 100, warmupSteps: 5, gradFlowEvery: 0, target: null, threads: 1,
    })
    expect(f.baselineTest).toMatchObject({ method: 'bootstrap', block: 1, items: 512, resamples: 1999 })
    expect(f.classicalTest).toBeDefined()
    expect(f.testItems).toBe('validation sequences')
    // A GRU learns the adding problem at T = 8 in 300 steps: below the mean predictor, by its own paired test.
    expect(f.finalMetric).toBeLessThan(f.baseline.metric / 2)
    expect(f.baselineTest!.beat).toBe(true)
    expect(f.finalMetric).toBeLessThan(f.baselineTest!.bar)
    expect('losses' in f.baseline).toBe(false)
    expect(JSON.stringify(f).length).toBeLessThan(20_000)
  })
})
