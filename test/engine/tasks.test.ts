// Tasks: the data are what the papers describe, seeded, and each baseline is what its definition
// says, computed from the data (checked here against the closed forms where there are any).

import { describe, expect, it } from 'vitest'
import { Rng } from '../../src-main/engine/rng'
import { createTask, TASK_NAMES, taskShape } from '../../src-main/engine/tasks'
import { AIRLINE_PASSENGERS } from '../../src-main/engine/tasks/airline'
import { makeReview } from '../../src-main/engine/tasks/sentiment'
import type { TaskName, TaskOptions } from '../../src-main/engine/tasks/task'
import { sentencesCsv, seriesCsv } from '../helpers/user-data'

/** What a task needs besides its sequence length: the user's data for series and classify, as the tests write it. */
const DATA: Partial<Record<TaskName, TaskOptions>> = {
  series: { dataFile: 'series.csv', data: seriesCsv(), column: 'visitors' },
  classify: { dataFile: 'sentences.tsv', data: sentencesCsv(), textColumn: 'sentence', labelColumn: 'label' },
}
const opts = (name: TaskName, o: TaskOptions = {}): TaskOptions => ({ ...DATA[name], ...o })

describe('adding problem', () => {
  const task = createTask('adding', { seqLen: 30 }, 1)
  it('marks exactly two steps and targets the sum of their values', () => {
    const b = task.trainBatch(64, new Rng(3))
    for (let i = 0; i < b.B; i++) {
      let marks = 0, sum = 0
      for (let t = 0; t < b.T; t++) {
        const v = b.x[(t * b.B + i) * 2], m = b.x[(t * b.B + i) * 2 + 1]
        expect(v >= 0 && v < 1).toBe(true)
        if (m === 1) { marks++; sum += v }
      }
      expect(marks).toBe(2)
      expect(b.targets[i]).toBeCloseTo(sum, 5)
    }
  })
  it('has a mean-prediction baseline near the closed form 1/6', () => {
    expect(task.baseline.metric).toBeGreaterThan(0.14)
    expect(task.baseline.metric).toBeLessThan(0.19)
  })
})

describe('copy memory', () => {
  const delay = 15, task = createTask('copy', { seqLen: delay }, 2)
  it('replays the 10 symbols after the delimiter and is blank elsewhere', () => {
    const b = task.trainBatch(8, new Rng(4))
    const L = delay + 20, C = 10
    expect(b.T).toBe(L)
    const inputAt = (t: number, i: number) => Array.from(b.x.slice((t * b.B + i) * C, (t * b.B + i + 1) * C)).indexOf(1)
    for (let i = 0; i < b.B; i++) {
      expect(inputAt(delay + 9, i)).toBe(9) // delimiter
      for (let t = 0; t < 10; t++) {
        expect(inputAt(t, i)).toBeGreaterThanOrEqual(1)
        expect(b.targets[(delay + 10 + t) * b.B + i]).toBe(inputAt(t, i))
      }
      for (let t = 0; t < delay + 10; t++) expect(b.targets[t * b.B + i]).toBe(0)
    }
  })
  it('has the memoryless baseline 10·ln 8/(T+20)', () => {
    expect(task.baseline.metric).toBeCloseTo((10 * Math.log(8)) / (delay + 20), 2)
  })
})

describe('airline passengers', () => {
  it('ships the 144 values of Series G (sum 40,363)', () => {
    expect(AIRLINE_PASSENGERS).toHaveLength(144)
    expect(AIRLINE_PASSENGERS.reduce((a, b) => a + b, 0)).toBe(40363)
  })
  it('validates on 1957–1958, tests on 1959–1960, and scores RMSE in passengers against seasonal naive on each', () => {
    const task = createTask('airline', { seqLen: 12 }, 0)
    expect([task.validation[0].B, task.test.batches[0].B]).toEqual([24, 24])
    for (const [from, baseline] of [[96, task.baseline], [120, task.test.baseline]] as const) {
      // seasonal naive computed independently
      const errors = Array.from({ length: 24 }, (_, i) => (AIRLINE_PASSENGERS[from + i] - AIRLINE_PASSENGERS[from - 12 + i]) ** 2)
      const mse = errors.reduce((a, b) => a + b, 0) / 24, sd = Math.sqrt(errors.reduce((s, e) => s + (e - mse) ** 2, 0) / 23)
      expect(baseline.metric).toBeCloseTo(Math.sqrt(mse), 10)
      // its standard error over the 24 months, by the delta method: SE(mean squared error) / (2·RMSE)
      expect(baseline.items).toBe(24)
      expect(baseline.standardError).toBeCloseTo(sd / Math.sqrt(24) / (2 * Math.sqrt(mse)), 10)
    }
    // a perfect forecast scores 0, one off by the training std scores that std
    const perfect = Float32Array.from(task.test.batches[0].targets)
    expect(task.score([perfect], task.test.batches).metric).toBeCloseTo(0, 3)
    const train = AIRLINE_PASSENGERS.slice(0, 96)
    const mean = train.reduce((a, b) => a + b, 0) / 96
    const std = Math.sqrt(train.reduce((s, v) => s + (v - mean) ** 2, 0) / 96)
    expect(task.score([perfect.map((v) => v + 1)], task.test.batches).metric).toBeCloseTo(std, 1)
  })
  it('scores its training metric on all 84 training windows', () => {
    const task = createTask('airline', { seqLen: 12 }, 0)
    expect(task.trainSample[0].B).toBe(84)
    expect(task.score([Float32Array.from(task.trainSample[0].targets)], task.trainSample).metric).toBeCloseTo(0, 3)
  })

  it('never shows the model a validation or test month during training', () => {
    const task = createTask('airline', { seqLen: 12 }, 0)
    const b = task.trainBatch(500, new Rng(1)) as unknown as { x: Float32Array; targets: Float32Array }
    const train = AIRLINE_PASSENGERS.slice(0, 96)
    const mean = train.reduce((a, c) => a + c, 0) / 96
    const std = Math.sqrt(train.reduce((s, v) => s + (v - mean) ** 2, 0) / 96)
    const trainScaled = new Set(train.map((v) => Math.fround((v - mean) / std)))
    // every target and every input of a training window is a training month's value
    for (let i = 0; i < b.targets.length; i++) expect(trainScaled.has(b.targets[i])).toBe(true)
    for (let i = 0; i < b.x.length; i++) expect(trainScaled.has(b.x[i])).toBe(true)
  })
})

describe('character language model', () => {
  it('scores in bits per character with a unigram baseline below log2(vocabulary)', () => {
    const task = createTask('charlm', { seqLen: 16 }, 5)
    expect(task.baseline.metric).toBeGreaterThan(3)
    expect(task.baseline.metric).toBeLessThan(Math.log2(task.inputSize))
    // uniform logits score exactly log2(V)
    const uniform = new Float32Array(task.validation[0].T * task.validation[0].B * task.inputSize)
    expect(task.score([uniform], task.validation).metric).toBeCloseTo(Math.log2(task.inputSize), 5)
  })
  it('learns a user text and refuses one too short', () => {
    const text = 'abcabcabc'.repeat(40)
    const task = createTask('charlm', { seqLen: 8, text, textFile: 'abc.txt' }, 1)
    expect(task.inputSize).toBe(3)
    expect(task.citation).toContain('abc.txt')
    expect(() => createTask('charlm', { seqLen: 50, text: 'too short' }, 1)).toThrow(/too short/)
  })
})

describe('sentiment with negation', () => {
  it('flips the label under negation', () => {
    const rng = new Rng(8)
    let checked = 0
    for (let i = 0; i < 2000; i++) {
      const { words, label } = makeReview(12, rng)
      const opinions = words.filter((w) => ['good', 'great', 'fun', 'brilliant', 'moving', 'bad', 'boring', 'awful', 'dull', 'weak'].includes(w))
      if (opinions.length !== 1) continue
      const k = words.indexOf(opinions[0])
      const positive = ['good', 'great', 'fun', 'brilliant', 'moving'].includes(opinions[0])
      const negated = k > 0 && ['not', 'never'].includes(words[k - 1])
      expect(label).toBe(positive !== negated ? 1 : 0)
      checked++
    }
    expect(checked).toBeGreaterThan(500)
  })
  it('has a majority baseline near one half', () => {
    const task = createTask('sentiment', { seqLen: 16 }, 3)
    expect(task.baseline.metric).toBeGreaterThan(0.45)
    expect(task.baseline.metric).toBeLessThan(0.56)
  })
})

describe('every task', () => {
  it.each(TASK_NAMES)('%s keeps a training sample distinct from its validation set', (name) => {
    const task = createTask(name, opts(name), 4)
    expect(task.trainSample[0].T).toBe(task.validation[0].T)
    expect(Array.from(task.trainSample[0].x)).not.toEqual(Array.from(task.validation[0].x))
  })

  it.each(TASK_NAMES)('%s gives the same validation data for the same data seed', (name) => {
    const a = createTask(name, opts(name), 11), b = createTask(name, opts(name), 11)
    expect(Array.from(a.validation[0].x)).toEqual(Array.from(b.validation[0].x))
    expect(Array.from(a.validation[0].targets)).toEqual(Array.from(b.validation[0].targets))
    expect(Number.isFinite(a.baseline.metric)).toBe(true)
  })
})

describe('baselines carry their standard error over the validation items', () => {
  it.each(TASK_NAMES)('%s: a positive standard error, well below the baseline itself, for each of its baselines', (name) => {
    const task = createTask(name, opts(name), 1)
    for (const b of [task.baseline, task.classical].filter((x) => x !== undefined)) {
      expect(b.items).toBeGreaterThan(10)
      expect(b.standardError).toBeGreaterThan(0)
      expect(b.standardError!).toBeLessThan(0.2 * b.metric)
    }
  })

  it('adding: the standard error of the mean squared deviation over the 512 validation sequences', () => {
    const task = createTask('adding', { seqLen: 30 }, 1)
    const y = Array.from(task.validation[0].targets)
    // around the validation targets' own mean (the baseline uses the training mean, within 0.02 of it)
    const n = y.length, mean = y.reduce((a, b) => a + b, 0) / n
    const sq = y.map((v) => (v - mean) ** 2), msq = sq.reduce((a, b) => a + b, 0) / n
    const se = Math.sqrt(sq.reduce((s, v) => s + (v - msq) ** 2, 0) / (n - 1) / n)
    expect(task.baseline.items).toBe(n)
    expect(Math.abs(task.baseline.standardError! / se - 1)).toBeLessThan(0.05)
  })
})

describe('a task\'s shape without its data', () => {
  it.each(TASK_NAMES)('%s: taskShape gives what createTask builds', (name) => {
    for (const seqLen of name === 'sentiment' ? [2, 9] : name === 'digits' ? [64] : name === 'series' || name === 'co2' ? [2, 9] : [1, 2, 9]) {
      const task = createTask(name, opts(name, { seqLen }), 1)
      expect(taskShape(name, opts(name, { seqLen })), `${name} T=${seqLen}`).toEqual({
        inputSize: task.inputSize, outputSize: task.head.outputSize, seqLen: task.seqLen, head: task.head.kind, loss: task.head.loss,
        evalBatches: task.validation.length + task.trainSample.length,
      })
    }
  })

  it('refuses what createTask refuses, with the same message', () => {
    for (const [name, seqLen] of [['airline', 120], ['sentiment', 1], ['charlm', 100_000]] as const) {
      expect(() => createTask(name, { seqLen }, 1)).toThrow()
      let message = ''
      try { createTask(name, { seqLen }, 1) } catch (err) { message = (err as Error).message }
      expect(() => taskShape(name, { seqLen })).toThrow(message)
    }
  })
})
