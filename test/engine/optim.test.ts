// Optimizers, clipping and whole training steps against torch.optim and torch.nn.

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cpuJsBackend } from '../../src-main/engine/cpu-js/backend'
import { clipGradNorm, Optimizer } from '../../src-main/engine/optim'
import type { ModelConfig, OptimizerConfig } from '../../src-main/engine/types'
import { maxAbsDiff } from '../helpers/compare'

const fixtures = join(__dirname, '..', 'fixtures')

interface OptimFixture { initial: number[]; grads: number[][]; runs: Array<{ config: OptimizerConfig; after: number[][]; norms: number[] }> }
const optim = JSON.parse(readFileSync(join(fixtures, 'optim.json'), 'utf8')) as OptimFixture

describe('optimizers follow torch.optim', () => {
  it.each(optim.runs.map((r) => [JSON.stringify(r.config), r] as const))('%s', (_, run) => {
    const p = Float64Array.from(optim.initial)
    const opt = new Optimizer(run.config, p.length)
    optim.grads.forEach((g, step) => {
      const grad = Float64Array.from(g)
      const norm = clipGradNorm(grad, run.config.clipNorm ?? 0)
      if (run.norms.length) expect(norm).toBeCloseTo(run.norms[step], 10)
      opt.step(p, grad)
      expect(maxAbsDiff(p, run.after[step]), `step ${step + 1}`).toBeLessThan(1e-12)
    })
  })

  it('clipping leaves a gradient under the limit untouched and scales one above it to the limit', () => {
    const small = Float64Array.from([0.3, -0.4])
    expect(clipGradNorm(small, 1)).toBeCloseTo(0.5, 12)
    expect(Array.from(small)).toEqual([0.3, -0.4])
    const big = Float64Array.from([3, 4])
    expect(clipGradNorm(big, 1)).toBeCloseTo(5, 12)
    expect(Math.hypot(big[0], big[1])).toBeCloseTo(1, 5)
  })
})

interface TrainFixture {
  model: ModelConfig; optimizer: OptimizerConfig; T: number; B: number
  initial: number[]; batches: Array<{ x: number[]; targets: number[] }>; losses: number[]; gradNorms: number[]; final: number[]
}

describe('whole training steps follow PyTorch (stack + head + loss + clipping + optimizer)', () => {
  const dir = join(fixtures, 'train')
  it.each(readdirSync(dir).filter((f) => f.endsWith('.json')))('%s', async (file) => {
    const fx = JSON.parse(readFileSync(join(dir, file), 'utf8')) as TrainFixture
    for (const precision of ['f64', 'f32'] as const) {
      const model = await cpuJsBackend.createModel(fx.model, { precision })
      await model.setParameters(fx.initial)
      model.setOptimizer(fx.optimizer)
      const tol = precision === 'f64' ? 1e-10 : 2e-4
      for (const [i, b] of fx.batches.entries()) {
        const r = await model.trainStep({ T: fx.T, B: fx.B, x: Float64Array.from(b.x), targets: b.targets })
        expect(Math.abs(r.loss - fx.losses[i]), `${precision} loss at step ${i + 1}`).toBeLessThan(tol * (1 + Math.abs(fx.losses[i])))
        expect(Math.abs(r.gradNorm - fx.gradNorms[i]), `${precision} gradient norm at step ${i + 1}`).toBeLessThan(tol * (1 + fx.gradNorms[i]))
      }
      expect(maxAbsDiff(await model.getParameters(), fx.final), `${precision} final parameters`).toBeLessThan(tol * 10)
    }
  })
})
