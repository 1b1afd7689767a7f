// The vocabulary shared by every backend and every process. Plain data only: these objects cross
// worker and IPC boundaries by structured clone.

import type { CellKind } from '../../src-shared/names'
import type { OptimizerName } from '../../src-shared/settings'
export { CELL_KINDS, gateCount, type CellKind } from '../../src-shared/names'

/** The recurrent stack, exactly torch.nn.RNN/LSTM/GRU's constructor arguments. */
export interface NetworkConfig {
  cell: CellKind
  inputSize: number
  hiddenSize: number
  numLayers: number
  bidirectional: boolean
  /** Dropout on the outputs of every layer but the last, in training only (PyTorch semantics). */
  dropout: number
}

/**
 * What sits on top of the stack.
 * - `last`: sequence-to-one, reads the output at the final timestep (both directions' halves).
 * - `every`: one prediction per timestep (copy task, language modelling).
 */
export type HeadKind = 'last' | 'every'
export type LossKind = 'mse' | 'cross_entropy'

export interface HeadConfig {
  kind: HeadKind
  outputSize: number
  loss: LossKind
}

/** A network with an optional linear head. Without a head it is the bare stack (parity, bench). */
export interface ModelConfig {
  network: NetworkConfig
  head?: HeadConfig
}

export interface OptimizerConfig {
  kind: OptimizerName
  lr: number
  /** SGD only. */
  momentum?: number
  nesterov?: boolean
  /** Adam only: (β1, β2) and ε, PyTorch defaults 0.9, 0.999, 1e-8. */
  beta1?: number
  beta2?: number
  eps?: number
  /** L2 penalty added to the gradient, as torch.optim's weight_decay. */
  weightDecay?: number
  /** Global gradient-norm clipping (torch.nn.utils.clip_grad_norm_); 0 or absent: off. */
  clipNorm?: number
}

export type Precision = 'f32' | 'f64'

export interface InitOptions {
  seed: number
  /** Jozefowicz et al. 2015: start the LSTM forget gate open. Off by default for PyTorch parity. */
  forgetBias1?: boolean
}
