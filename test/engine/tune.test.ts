// The tuned sweep (engine/sweep/tune.ts): the same trials for every cell, crossed axes tuned apart,
// each cell's best trial chosen on validation alone, and re-runs with fresh seeds on the data seed
// whose test split no trial was ranked on. And the proof that selection never reads the test
// split: a task whose test labels are permuted trains to the same validation figures bit for bit,
// so every choice is the same.

import { describe, expect, it } from 'vitest'
import { expandSweep } from '../../src-main/engine/sweep/expand'
import { parseSweepSpec, sweepSize, tunedRuns } from '../../src-main/engine/sweep/spec'
import { chooseTrials, familySize, finalConfigs, seedsFor, tuneWarnings, type TrialResult } from '../../src-main/engine/sweep/tune'
import { createTask } from '../../src-main/engine/tasks'
import { trainOn, type RunFigures } from '../../src-main/engine/training'
import { Rng } from '../../src-main/engine/rng'
import type { RunConfig } from '../../src-main/engine/run-config'

const tunedSpec = (over: Record<string, unknown> = {}) => parseSweepSpec({
  settings: { batchSize: 8 },
  axes: { task: ['adding', 'airline'], cell: ['lstm', 'gru', 'rnn_tanh'], lr: { min: 0.001, max: 0.1, log: true }, hiddenSize: [8, 16, 32] },
  budget: { steps: 20 }, tune: { trials: 5 }, seed: 7, ...over,
})

describe('a tuned sweep\'s trials', () => {
  it('gives every cell the same points and seeds, one data seed, and crosses the task', () => {
    const spec = tunedSpec()
    const runs = expandSweep(spec)
    expect(runs).toHaveLength(5 * 2 * 3)
    expect(sweepSize(spec)).toBe(5 * 2 * 3 + 8 * 2 * 3) // finalSeeds defaults to 8
    expect(tunedRuns(spec)).toEqual({ trials: 30, final: 48 })
    for (let trial = 0; trial < 5; trial++) {
      const of = runs.filter((r) => r.tune?.phase === 'trial' && r.tune.trial === trial)
      expect(of).toHaveLength(6)
      // one point per trial, shared by every cell and both tasks
      expect(new Set(of.map((r) => `${r.lr}|${r.hiddenSize}|${r.seed}`)).size).toBe(1)
      expect(new Set(of.map((r) => `${r.task}|${r.cell}`)).size).toBe(6)
      expect(of.every((r) => r.seed === 7 + trial && r.dataSeed === 7)).toBe(true)
    }
    // the log range is sampled within its bounds, and the points differ
    const lrs = runs.map((r) => r.lr)
    expect(Math.min(...lrs)).toBeGreaterThanOrEqual(0.001)
    expect(Math.max(...lrs)).toBeLessThanOrEqual(0.1)
    expect(new Set(lrs).size).toBe(5)
  })

  it('refuses what a tuned sweep cannot mean, naming the field', () => {
    expect(() => tunedSpec({ samples: 4 })).toThrow(/^samples: a tuned sweep draws tune\.trials points/)
    expect(() => tunedSpec({ repeats: 3 })).toThrow(/^repeats: a tuned sweep re-runs/)
    expect(() => tunedSpec({ axes: { cell: ['lstm', 'gru'], seqLen: { min: 10, max: 20 } } })).toThrow(/^axes\.seqLen: seqLen is crossed, not searched/)
    expect(() => tunedSpec({ tune: { trials: 1 } })).toThrow(/^tune\.trials:/)
    expect(() => tunedSpec({ tune: { trials: 4, metric: 'test' } })).toThrow(/^tune\.metric: must be one of "validation", "validation-loss"/)
    expect(() => tunedSpec({ tune: { trials: 4, seeds: 8 } })).toThrow(/^tune: unknown field "seeds"/)
  })

  it('warns below 6 final seeds, and when nothing is searched', () => {
    // 3 pairs of cells on 2 tasks' test metric and on the trials' step time: 9 tests, Holm's first step at 0.0056
    expect(familySize(tunedSpec())).toBe(9)
    expect(tuneWarnings(tunedSpec())).toEqual(['tune.finalSeeds is 8: the report will test about 9 comparisons under Holm\'s adjustment, and 8 pairs give at best p = 0.0078, above 0.0056, so no tuned verdict could be significant; 9 final seeds could'])
    expect(tuneWarnings(tunedSpec({ tune: { trials: 5, finalSeeds: 9 } }))).toEqual([])
    expect(seedsFor(1)).toBe(6)
    expect(tuneWarnings(tunedSpec({ tune: { trials: 4, finalSeeds: 5 } }))[0]).toMatch(/^tune\.finalSeeds is 5: .* fewer than 6 pairs can never reach p < 0\.05/)
    expect(tuneWarnings(tunedSpec({ axes: { cell: ['lstm', 'gru'] } }))[0]).toMatch(/^tune has no search space/)
  })
})

/** A trial's result with a validation value, and a test metric that selection must never read. */
function trial(config: RunConfig, validation: number, status = 'done'): TrialResult {
  const figures = { finalMetric: validation, finalValLoss: validation * 2, metric: { name: 'mse', lowerIsBetter: true, description: '' } }
  Object.defineProperty(figures, 'test', { get: () => { throw new Error('selection read the test split') } })
  return { config, status, figures: status === 'done' ? figures as unknown as RunFigures : null }
}

describe('choosing each cell\'s best trial', () => {
  const spec = tunedSpec()
  const runs = expandSweep(spec)
  // validation MSE: best at trial 3 for lstm, trial 1 for gru; trial 0 of rnn_tanh diverged
  const value = (r: RunConfig) => ({ lstm: [0.5, 0.4, 0.3, 0.1, 0.2], gru: [0.5, 0.05, 0.3, 0.3, 0.05], rnn_tanh: [0, 0.6, 0.7, 0.8, 0.9] })[r.cell as 'lstm'][r.tune!.phase === 'trial' ? r.tune!.trial : 0] + (r.task === 'airline' ? 10 : 0)
  const results = runs.map((r) => trial(r, value(r), r.cell === 'rnn_tanh' && r.tune?.phase === 'trial' && r.tune.trial === 0 ? 'diverged' : 'done'))

  it('takes the lowest validation value, the earliest on a tie, never a diverged trial, per task', () => {
    const choices = chooseTrials(results, spec.tune!)
    expect(choices).toHaveLength(6)
    const byCell = (cell: string, task: string) => choices.find((c) => c.config?.cell === cell && c.config.task === task)!
    expect(byCell('lstm', 'adding').trial).toBe(3)
    expect(byCell('gru', 'airline').trial).toBe(1) // 0.05 at trials 1 and 4: the earlier
    expect(byCell('rnn_tanh', 'adding')).toMatchObject({ trial: 1, unusable: 1 })
  })

  it('ranks by the validation loss when the spec says so, and reads the accuracy the right way up', () => {
    const loss = chooseTrials(results, { ...spec.tune!, metric: 'validation-loss' })
    expect(loss.find((c) => c.config?.cell === 'lstm')!.trial).toBe(3)
    const accuracy = runs.map((r) => ({ ...trial(r, value(r)), figures: { finalMetric: value(r), finalValLoss: 1, metric: { name: 'accuracy', lowerIsBetter: false, description: '' } } }))
    expect(chooseTrials(accuracy, spec.tune!).find((c) => c.config?.cell === 'lstm' && c.config.task === 'adding')!.trial).toBe(0)
  })

  it('re-runs each choice with fresh seeds on the trials\' data seed, marked as re-runs of the chosen trial', () => {
    const finals = finalConfigs(spec, chooseTrials(results, spec.tune!))
    expect(finals).toHaveLength(tunedRuns(spec).final)
    const trialSeeds = new Set(runs.map((r) => r.seed))
    expect(finals.every((r) => !trialSeeds.has(r.seed) && r.dataSeed === 7 && r.tune?.phase === 'final')).toBe(true)
    const lstm = finals.filter((r) => r.cell === 'lstm' && r.task === 'adding')
    expect(lstm.map((r) => r.seed)).toEqual([12, 13, 14, 15, 16, 17, 18, 19])
    expect(lstm.every((r) => r.lr === runs.find((t) => t.cell === 'lstm' && t.tune?.phase === 'trial' && t.tune.trial === 3)!.lr && r.tune?.phase === 'final' && r.tune.trial === 3)).toBe(true)
  })
})

describe('selection never reads the test split', () => {
  it('trains to the same validation figures when the test labels are permuted, so every choice is the same', async () => {
    const config = { ...expandSweep(parseSweepSpec({ settings: { task: 'digits', backend: 'cpu-js', batchSize: 16, hiddenSize: 8 }, budget: { steps: 12 }, evalEvery: 4 }))[0] }
    const plain = createTask('digits', {}, config.dataSeed)
    const permuted = createTask('digits', {}, config.dataSeed)
    const labels = permuted.test.batches[0].targets as Int32Array
    new Rng(3).shuffle(Array.from(labels)).forEach((v, i) => { labels[i] = (v + 1) % 10 }) // every label wrong for the same images
    const [a, b] = [await trainOn(plain, config), await trainOn(permuted, config)]
    expect(b.finalMetric).toBe(a.finalMetric)
    expect(b.bestMetric).toBe(a.bestMetric)
    expect(b.finalValLoss).toBe(a.finalValLoss)
    expect(b.test!.loss).not.toBe(a.test!.loss) // the test split itself did change
    // Beside a rival trial just behind it on validation, the trial trained with either test split is chosen alike.
    const asTrial = (f: Pick<RunFigures, 'finalMetric' | 'finalValLoss' | 'metric'>, trial: number): TrialResult => ({ config: { ...config, tune: { phase: 'trial', trial } }, status: 'done', figures: f })
    const rival = asTrial({ ...a, finalMetric: a.finalMetric - 1e-6 }, 1)
    const tune = { trials: 2, finalSeeds: 8, metric: 'validation' as const }
    expect(chooseTrials([asTrial(b, 0), rival], tune)).toEqual(chooseTrials([asTrial(a, 0), rival], tune))
    expect(chooseTrials([asTrial(b, 0), rival], tune)[0].trial).toBe(0)
  })
})
