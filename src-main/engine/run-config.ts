// One training run, fully described: what a sweep expands into, what a worker receives, and what
// is stored with every result. Plain data (crosses worker boundaries by structured clone).

import type { RunSettings } from '../../src-shared/settings'
import { gateCount, type NetworkConfig } from './types'
import { directions, layerInputSize } from './layout'

/**
 * One run: its settings, typed from the settings registry (src-shared/settings.ts), and how it is
 * run, which a sweep sets for all its runs at once.
 */
export interface RunConfig extends RunSettings {
  /** Initialization, training batches and dropout. */
  seed: number
  /** The task's data: its validation and test splits (and, for generated tasks, their draws). */
  dataSeed: number
  /** Budget: the run stops at whichever comes first; 0: no limit of that kind (not both). */
  steps: number
  seconds: number
  evalEvery: number
  /** Steps whose timings are discarded (JIT, caches, allocation). */
  warmupSteps: number
  /** Record ‖∂L/∂h_t‖ over t every this many steps; 0: never. */
  gradFlowEvery: number
  /** Validation metric to reach; time-to-target is recorded when set. */
  target: number | null
  /** CPU backends' threads inside a step. */
  threads: number
  /** In a tuned sweep (engine/sweep/tune.ts): a trial of the search, or a re-run of a cell's chosen trial. */
  tune?: TuneRole
}

/** A tuned sweep's runs: trial j of the search, or re-run `seedIndex` of the trial a cell chose. */
export type TuneRole = { phase: 'trial'; trial: number } | { phase: 'final'; trial: number; seedIndex: number }

export function networkOf(config: RunConfig, inputSize: number): NetworkConfig {
  return {
    cell: config.cell, inputSize, hiddenSize: config.hiddenSize, numLayers: config.numLayers,
    bidirectional: config.bidirectional, dropout: config.dropout,
  }
}

/** FLOPs of one training step of the stack, forward + backward: Σ 3·2·G·H·(In + H)·B·T (docs/NUMERICS.md §4). */
export function stackFlops(net: NetworkConfig, B: number, T: number): number {
  const G = gateCount(net.cell), H = net.hiddenSize
  let flops = 0
  for (let l = 0; l < net.numLayers; l++) flops += directions(net) * 3 * 2 * G * H * (layerInputSize(net, l) + H) * B * T
  return flops
}
