import { describe, expect, it } from 'vitest'
import { Rng } from '../../src-main/engine/rng'
import { cpuJsBackend } from '../../src-main/engine/cpu-js/backend'
import { initParameters } from '../../src-main/engine/init'
import type { ModelConfig } from '../../src-main/engine/types'

describe('Rng', () => {
  it('repeats its stream for a seed and differs between seeds', () => {
    const a = new Rng(123), b = new Rng(123), c = new Rng(124)
    const sa = Array.from({ length: 100 }, () => a.nextU32())
    expect(Array.from({ length: 100 }, () => b.nextU32())).toEqual(sa)
    expect(Array.from({ length: 100 }, () => c.nextU32())).not.toEqual(sa)
  })

  it('draws uniform and normal values with the right moments', () => {
    const rng = new Rng(9)
    const n = 200_000
    let su = 0, sn = 0, sn2 = 0, outside = 0
    for (let i = 0; i < n; i++) {
      const u = rng.uniform()
      if (!(u >= 0 && u < 1)) outside++
      su += u
      const z = rng.normal()
      sn += z; sn2 += z * z
    }
    expect(outside).toBe(0)
    // Standard errors: uniform mean 0.00065, normal mean 0.0022, normal variance 0.0032; 5 SE.
    expect(Math.abs(su / n - 0.5)).toBeLessThan(0.0033)
    expect(Math.abs(sn / n)).toBeLessThan(0.011)
    expect(Math.abs(sn2 / n - 1)).toBeLessThan(0.016)
  })
})

describe('initialization', () => {
  const model: ModelConfig = {
    network: { cell: 'lstm', inputSize: 3, hiddenSize: 16, numLayers: 2, bidirectional: true, dropout: 0 },
    head: { kind: 'last', outputSize: 1, loss: 'mse' },
  }
  it('draws U(−1/√H, 1/√H) for the stack and U(−1/√F, 1/√F) for the head, as PyTorch', async () => {
    const runner = await cpuJsBackend.createModel(model)
    const p = new Float64Array(runner.layout.total)
    initParameters(model, runner.layout, p, { seed: 1 })
    const head = runner.layout.byName.get('head.weight')!
    const stackMax = Math.max(...Array.from(p.subarray(0, head.offset), Math.abs))
    expect(stackMax).toBeLessThanOrEqual(1 / 4)
    expect(stackMax).toBeGreaterThan(0.24)
    const headMax = Math.max(...Array.from(p.subarray(head.offset), Math.abs))
    expect(headMax).toBeLessThanOrEqual(1 / Math.sqrt(32))
  })

  it('sets the LSTM forget-gate bias to 1 in total when asked', async () => {
    const runner = await cpuJsBackend.createModel(model)
    const p = new Float64Array(runner.layout.total)
    initParameters(model, runner.layout, p, { seed: 1, forgetBias1: true })
    for (const e of runner.layout.entries.filter((e) => e.name.startsWith('bias_ih'))) {
      const hh = runner.layout.byName.get(e.name.replace('bias_ih', 'bias_hh'))!
      for (let j = 16; j < 32; j++) expect(p[e.offset + j] + p[hh.offset + j]).toBe(1)
      expect(p[e.offset]).not.toBe(1) // input gate untouched
    }
  })
})

describe('training is reproducible', () => {
  it('gives a bit-identical loss curve for the same seed, and another for another seed', async () => {
    const model: ModelConfig = {
      network: { cell: 'gru', inputSize: 2, hiddenSize: 8, numLayers: 2, bidirectional: false, dropout: 0.2 },
      head: { kind: 'last', outputSize: 1, loss: 'mse' },
    }
    const curve = async (seed: number) => {
      const runner = await cpuJsBackend.createModel(model)
      const p = new Float32Array(runner.layout.total)
      initParameters(model, runner.layout, p, { seed })
      await runner.setParameters(p)
      runner.setOptimizer({ kind: 'adam', lr: 0.01 })
      const data = new Rng(seed + 1)
      const losses: number[] = []
      for (let step = 0; step < 20; step++) {
        const T = 6, B = 4
        const x = Float32Array.from({ length: T * B * 2 }, () => data.uniform())
        const targets = Float32Array.from({ length: B }, () => data.uniform())
        losses.push((await runner.trainStep({ T, B, x, targets }, { dropoutSeed: seed * 1000 + step })).loss)
      }
      return losses
    }
    const a = await curve(5)
    expect(await curve(5)).toEqual(a)
    expect(await curve(6)).not.toEqual(a)
    expect(a[19]).toBeLessThan(a[0])
  })
})
