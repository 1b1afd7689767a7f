// Ready-made sweeps. Each answers one question; `backends` is the list of backends that run here
// (the CLI leaves out a software WebGPU adapter), so a preset never schedules runs that cannot start.

import type { BackendName } from '../backend'
import type { SweepSpec } from './spec'
import { parseSweepSpec } from './spec'

export const PRESET_NAMES = ['quick', 'tuned-quick', 'scaling', 'long-dependency', 'airline'] as const
export type PresetName = (typeof PRESET_NAMES)[number]

export const PRESET_DESCRIPTIONS: Record<PresetName, string> = {
  quick: 'all three cells on every backend here at two sizes, adding problem and airline; about a minute on 2 cores with the CPU backends',
  'tuned-quick': 'each cell tuned on its own (8 trials of learning rate and size, chosen on validation), then 10 re-runs judged on test; adding problem and airline; about 2 minutes on 2 cores',
  scaling: 'step time and memory as hidden size and sequence length grow (adding problem, short runs, one run at a time)',
  'long-dependency': 'adding problem and copy memory over growing T: where the plain RNN stops learning',
  airline: 'airline passenger forecasting: three cells, three sizes, one and two layers, five seeds each',
}

export function presetSpec(name: PresetName, backends: BackendName[]): SweepSpec {
  const cells = ['lstm', 'gru', 'rnn_tanh']
  const specs: Record<PresetName, unknown> = {
    quick: {
      name: 'quick',
      // Two seeds: step time is answered per backend, and 4 pairs (2 tasks × 2 sizes) can never
      // reach p < 0.05 in a signed-rank test (its smallest p is 0.125); 8 can (0.0078).
      repeats: 2,
      settings: { batchSize: 32, lr: 0.01, clipNorm: 1 },
      axes: { task: ['adding', 'airline'], backend: backends, cell: cells, hiddenSize: [16, 64] },
      budget: { steps: 400, seconds: 15 },
      evalEvery: 25,
      gradFlowEvery: 50,
    },
    'tuned-quick': {
      name: 'tuned-quick',
      // The same 8 points for every cell; each cell's best on validation is re-run with 10 seeds:
      // the report tests 9 comparisons (3 pairs of cells on each task's test metric, and on the
      // trials' step time), and Holm's first step then asks p ≤ 0.0056, which 9 pairs can reach.
      settings: { backend: backends[0], batchSize: 32, clipNorm: 1 },
      axes: { task: ['adding', 'airline'], cell: cells, lr: { min: 0.002, max: 0.05, log: true }, hiddenSize: [16, 32] },
      tune: { trials: 8, finalSeeds: 10 },
      budget: { steps: 300, seconds: 10 },
      evalEvery: 25,
      gradFlowEvery: 0,
    },
    scaling: {
      name: 'scaling',
      settings: { task: 'adding', batchSize: 32 },
      axes: { backend: backends, cell: cells, hiddenSize: [16, 32, 64, 128, 256], seqLen: [25, 50, 100, 200] },
      budget: { steps: 20, seconds: 30 },
      evalEvery: 10,
      gradFlowEvery: 0,
      warmupSteps: 3,
      // Timing is the point of this preset: each run alone, so no run's step times include another's.
      workers: 1,
    },
    'long-dependency': {
      name: 'long-dependency',
      // The forget-gate bias of 1 is Jozefowicz et al.'s recommendation for long dependencies.
      settings: { backend: backends[0], hiddenSize: 32, batchSize: 32, lr: 0.005, clipNorm: 1, forgetBias1: true },
      axes: { task: ['adding', 'copy'], seqLen: [25, 50, 100], cell: cells },
      budget: { steps: 2000, seconds: 300 },
      evalEvery: 100,
      gradFlowEvery: 200,
    },
    airline: {
      name: 'airline',
      settings: { task: 'airline', backend: backends[0], seqLen: 12, batchSize: 16, lr: 0.01 },
      axes: { cell: cells, hiddenSize: [8, 16, 32], numLayers: [1, 2] },
      repeats: 5,
      budget: { steps: 400, seconds: 30 },
      evalEvery: 20,
      gradFlowEvery: 100,
    },
  }
  return parseSweepSpec(specs[name], `preset ${name}`)
}
