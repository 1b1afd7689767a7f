// Optimizers and gradient clipping with torch.optim's exact semantics, over flat buffers. The
// cpu-js backend uses these directly; the other backends port the same arithmetic and are tested
// against the same PyTorch fixtures.

import type { FloatArray } from '../../src-shared/gemm'
import type { OptimizerConfig } from './types'
import { momentBuffers } from '../../src-shared/settings'

/** torch.nn.utils.clip_grad_norm_: scales every gradient by min(1, max/(‖g‖ + 1e-6)); returns ‖g‖. */
export function clipGradNorm(grads: FloatArray, maxNorm: number): number {
  let sq = 0
  for (let k = 0; k < grads.length; k++) sq += grads[k] * grads[k]
  const norm = Math.sqrt(sq)
  if (maxNorm > 0) {
    const coef = maxNorm / (norm + 1e-6)
    if (coef < 1) for (let k = 0; k < grads.length; k++) grads[k] *= coef
  }
  return norm
}

export class Optimizer {
  private readonly m: Float64Array   // SGD momentum buffer, or Adam's first moment
  private readonly v: Float64Array   // Adam's second moment
  private steps = 0

  constructor(readonly config: OptimizerConfig, size: number) {
    this.m = new Float64Array(size)
    this.v = new Float64Array(config.kind === 'adam' ? size : 0)
  }

  /** Bytes of optimizer state, as a float32 backend would hold it. */
  get stateBytes(): number {
    return momentBuffers(this.config) * this.m.length * 4
  }

  step(params: FloatArray, grads: FloatArray): void {
    this.steps++
    if (this.config.kind === 'adam') this.adam(params, grads)
    else this.sgd(params, grads)
  }

  private sgd(p: FloatArray, g: FloatArray): void {
    const { lr } = this.config
    const mu = this.config.momentum ?? 0, wd = this.config.weightDecay ?? 0, nesterov = this.config.nesterov ?? false
    const buf = this.m
    for (let k = 0; k < p.length; k++) {
      let d = g[k] + wd * p[k]
      if (mu !== 0) {
        // torch starts the buffer at the first gradient: μ·0 + d gives the same value.
        buf[k] = this.steps === 1 ? d : mu * buf[k] + d
        d = nesterov ? d + mu * buf[k] : buf[k]
      }
      p[k] -= lr * d
    }
  }

  private adam(p: FloatArray, g: FloatArray): void {
    const { lr } = this.config
    const b1 = this.config.beta1 ?? 0.9, b2 = this.config.beta2 ?? 0.999
    const eps = this.config.eps ?? 1e-8, wd = this.config.weightDecay ?? 0
    const bc1 = 1 - b1 ** this.steps, bc2Sqrt = Math.sqrt(1 - b2 ** this.steps)
    const stepSize = lr / bc1
    const m = this.m, v = this.v
    for (let k = 0; k < p.length; k++) {
      const d = g[k] + wd * p[k]
      m[k] = b1 * m[k] + (1 - b1) * d
      v[k] = b2 * v[k] + (1 - b2) * d * d
      p[k] -= (stepSize * m[k]) / (Math.sqrt(v[k]) / bc2Sqrt + eps)
    }
  }
}
