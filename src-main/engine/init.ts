// Parameter initialization as PyTorch does it, from a seeded generator.

import type { ParamLayout } from './layout'
import { Rng } from './rng'
import type { FloatArray } from '../../src-shared/gemm'
import type { InitOptions, ModelConfig } from './types'

/**
 * Recurrent weights and biases: U(−1/√H, 1/√H) (torch.nn.RNNBase.reset_parameters).
 * Head: torch.nn.Linear's default, U(−1/√F, 1/√F) for weight and bias (kaiming_uniform, a = √5).
 * forgetBias1: b_ih's forget rows [H, 2H) = 1 and b_hh's = 0, so the gate's total bias is 1.
 */
export function initParameters(model: ModelConfig, layout: ParamLayout, params: FloatArray, options: InitOptions): void {
  const rng = new Rng(options.seed)
  const H = model.network.hiddenSize
  for (const e of layout.entries) {
    const bound = e.name.startsWith('head.') ? 1 / Math.sqrt(e.name === 'head.weight' ? e.shape[1] : layout.byName.get('head.weight')!.shape[1]) : 1 / Math.sqrt(H)
    for (let k = 0; k < e.size; k++) params[e.offset + k] = rng.range(-bound, bound)
    if (options.forgetBias1 && model.network.cell === 'lstm' && e.name.startsWith('bias_')) {
      params.fill(e.name.startsWith('bias_ih') ? 1 : 0, e.offset + H, e.offset + 2 * H)
    }
  }
}
