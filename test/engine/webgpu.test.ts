// webgpu beyond the parity cases (which parity.test.ts runs): whole training steps against
// PyTorch, the same loss, gradients, gradient flow and dropout as the reference, steps left in
// flight, the dispatch budget per step, memory, and failures that end a call with a message.
// On these machines it runs on SwiftShader; where no adapter exists the tests are skipped with
// the reason.

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cpuJsBackend } from '../../src-main/engine/cpu-js/backend'
import { Rng } from '../../src-main/engine/rng'
import { gpuDevice } from '../../src-main/engine/webgpu/device'
import { defineKernel } from '../../src-main/engine/webgpu/kernel'
import type { CellKind, HeadConfig, ModelConfig, OptimizerConfig } from '../../src-main/engine/types'
import { backendsUnderTest, skipUnavailable } from '../helpers/backends'
import { maxAbsDiff } from '../helpers/compare'

const [gpu] = await backendsUnderTest(['webgpu'])

const config = (cell: CellKind, opts: { dropout?: number; head?: HeadConfig; layers?: number; bidirectional?: boolean; H?: number } = {}): ModelConfig => ({
  network: { cell, inputSize: 5, hiddenSize: opts.H ?? 19, numLayers: opts.layers ?? 2, bidirectional: opts.bidirectional ?? true, dropout: opts.dropout ?? 0 },
  head: opts.head ?? { kind: 'last', outputSize: 3, loss: 'cross_entropy' },
})
const batch = (T: number, B: number, head: HeadConfig, seed: number) => {
  const rng = new Rng(seed)
  const rows = head.kind === 'last' ? B : T * B
  return {
    T, B, x: Float32Array.from({ length: T * B * 5 }, () => rng.normal()),
    targets: head.loss === 'mse' ? Float32Array.from({ length: rows * head.outputSize }, () => rng.normal()) : Int32Array.from({ length: rows }, () => rng.int(head.outputSize)),
  }
}
const params = (n: number) => { const rng = new Rng(4); return Float32Array.from({ length: n }, () => rng.range(-0.3, 0.3)) }

describe('webgpu', () => {
  if (skipUnavailable(gpu)) return
  const backend = gpu.backend!

  const trainDir = join(__dirname, '..', 'fixtures', 'train')
  it.each(readdirSync(trainDir))('follows PyTorch through whole training steps: %s', async (file) => {
    const fx = JSON.parse(readFileSync(join(trainDir, file), 'utf8')) as {
      model: ModelConfig; optimizer: OptimizerConfig; T: number; B: number; initial: number[]
      batches: Array<{ x: number[]; targets: number[] }>; losses: number[]; gradNorms: number[]; final: number[]
    }
    const model = await backend.createModel(fx.model)
    try {
      await model.setParameters(fx.initial)
      model.setOptimizer(fx.optimizer)
      for (const [i, b] of fx.batches.entries()) {
        const r = await model.trainStep({ T: fx.T, B: fx.B, x: Float32Array.from(b.x), targets: b.targets })
        expect(Math.abs(r.loss - fx.losses[i]), `loss at step ${i + 1}`).toBeLessThan(2e-4 * (1 + Math.abs(fx.losses[i])))
        expect(Math.abs(r.gradNorm - fx.gradNorms[i]), `gradient norm at step ${i + 1}`).toBeLessThan(2e-4 * (1 + fx.gradNorms[i]))
      }
      expect(maxAbsDiff(await model.getParameters(), fx.final)).toBeLessThan(2e-3)
    } finally {
      model.dispose()
    }
  })

  const heads: HeadConfig[] = [
    { kind: 'last', outputSize: 3, loss: 'cross_entropy' },
    { kind: 'every', outputSize: 2, loss: 'mse' },
  ]
  it.each(['lstm', 'gru', 'rnn_tanh', 'rnn_relu'] as const)('%s: the same loss, gradients and gradient flow as cpu-js, for both heads', async (cell) => {
    for (const head of heads) {
      const [ref, dev] = [await cpuJsBackend.createModel(config(cell, { head })), await backend.createModel(config(cell, { head }))]
      const p = params(ref.layout.total)
      await ref.setParameters(p); await dev.setParameters(p)
      const b = batch(13, 7, head, 1)
      const [r1, r2] = [await ref.trainStep(b, { update: false, gradFlow: true }), await dev.trainStep(b, { update: false, gradFlow: true })]
      expect(Math.abs(r1.loss - r2.loss), `${head.kind} loss`).toBeLessThan(1e-5)
      expect(Math.abs(r1.gradNorm - r2.gradNorm), `${head.kind} gradient norm`).toBeLessThan(1e-4 * (1 + r1.gradNorm))
      expect(maxAbsDiff(await ref.getGradients(), await dev.getGradients()), `${head.kind} gradients`).toBeLessThan(1e-4)
      expect(r2.gradFlow).toHaveLength(4 * 13)
      expect(maxAbsDiff(r1.gradFlow!, r2.gradFlow!), `${head.kind} gradient flow`).toBeLessThan(1e-4)
      expect(maxAbsDiff(await ref.predict(b), await dev.predict(b)), `${head.kind} predictions`).toBeLessThan(1e-5)
      dev.dispose()
    }
  })

  it.each([
    { kind: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01, clipNorm: 0.5 },
    { kind: 'adam', lr: 0.01, weightDecay: 0.001, clipNorm: 1 },
  ] as OptimizerConfig[])('optimizer $kind with clipping: the same parameters as cpu-js after 5 steps', async (opt) => {
    const head = heads[0]
    const [ref, dev] = [await cpuJsBackend.createModel(config('gru', { head })), await backend.createModel(config('gru', { head }))]
    const p = params(ref.layout.total)
    await ref.setParameters(p); await dev.setParameters(p)
    ref.setOptimizer(opt); dev.setOptimizer(opt)
    for (let s = 0; s < 5; s++) {
      const b = batch(9, 6, head, 10 + s)
      const [r1, r2] = [await ref.trainStep(b), await dev.trainStep(b)]
      expect(Math.abs(r1.loss - r2.loss), `loss at step ${s + 1}`).toBeLessThan(1e-4)
    }
    expect(maxAbsDiff(await ref.getParameters(), await dev.getParameters())).toBeLessThan(1e-4)
    dev.dispose()
  })

  it('applies the same dropout masks as cpu-js for the same seed, in training only', async () => {
    const head = heads[0]
    const [ref, dev] = [await cpuJsBackend.createModel(config('lstm', { dropout: 0.5, layers: 3 })), await backend.createModel(config('lstm', { dropout: 0.5, layers: 3 }))]
    const p = params(ref.layout.total)
    await ref.setParameters(p); await dev.setParameters(p)
    const b = batch(6, 4, head, 3)
    const [r1, r2] = [await ref.trainStep(b, { update: false, dropoutSeed: 7 }), await dev.trainStep(b, { update: false, dropoutSeed: 7 })]
    expect(Math.abs(r1.loss - r2.loss)).toBeLessThan(1e-5)
    expect(maxAbsDiff(await ref.getGradients(), await dev.getGradients())).toBeLessThan(1e-4)
    expect((await dev.trainStep(b, { update: false, dropoutSeed: 8 })).loss).not.toBeCloseTo(r2.loss, 6)
    expect(maxAbsDiff(await ref.predict(b), await dev.predict(b))).toBeLessThan(1e-5)
    dev.dispose()
  })

  it('gives the same results with steps left in flight as with each step awaited', async () => {
    const head = heads[1]
    const run = async (inFlight: boolean) => {
      const model = await backend.createModel(config('gru', { head }))
      await model.setParameters(params(model.layout.total))
      model.setOptimizer({ kind: 'adam', lr: 0.01 })
      const losses: Array<Promise<number>> = []
      for (let s = 0; s < 6; s++) {
        const step = model.trainStep(batch(8, 5, head, 20 + s)).then((r) => r.loss)
        losses.push(step)
        if (!inFlight) await step
      }
      const out = { losses: await Promise.all(losses), params: await model.getParameters() }
      model.dispose()
      return out
    }
    const [awaited, pipelined] = [await run(false), await run(true)]
    expect(pipelined.losses).toEqual(awaited.losses)
    expect(maxAbsDiff(pipelined.params, awaited.params)).toBe(0)
    expect(new Set(awaited.losses).size).toBe(6)
  })

  it('records one dispatch per timestep, layer and direction forward, one backward, plus a constant', async () => {
    const head = heads[0]
    for (const cell of ['lstm', 'gru', 'rnn_tanh'] as const) {
      const perStep = async (T: number) => {
        const model = await backend.createModel(config(cell, { head }))
        model.setOptimizer({ kind: 'adam', lr: 0.01 })
        const r = await model.trainStep(batch(T, 3, head, 2), { update: true })
        model.dispose()
        expect(r.timing).toMatch(/^(gpu-timestamps|wall-clock)$/)
        // timed apart by the GPU's timestamps, or not at all: never a wall time passed off as the forward
        if (r.timing === 'wall-clock') expect([r.forwardMs, r.backwardMs]).toEqual([null, null])
        else expect(r.forwardMs! > 0 && r.backwardMs! > 0).toBe(true)
        expect(r.stepMs!).toBeGreaterThan(0)
        return r.dispatches!
      }
      const [a, b] = [await perStep(5), await perStep(15)]
      // 2 layers × 2 directions: 4 forward + 4 backward dispatches per extra timestep
      expect((b - a) / 10, cell).toBe(8)
      expect(a - 8 * 5, `${cell} constant`).toBeLessThanOrEqual(40)
    }
  })

  it('reports its GPU bytes, counted by its allocator, and releases them on dispose', async () => {
    const model = await backend.createModel(config('lstm'))
    model.setOptimizer({ kind: 'adam', lr: 0.01 })
    await model.trainStep(batch(10, 4, heads[0], 5))
    const mem = model.memory()
    expect(mem.deviceBytes!).toBeGreaterThan(mem.parameterBytes + mem.gradientBytes + mem.optimizerBytes + mem.activationBytes)
    expect(mem.optimizerBytes).toBe(2 * mem.parameterBytes)
    // BPTT memory of the training batch (h and c in T + 1 slots, 4 gates per step, per layer and
    // direction), unchanged by a larger prediction batch afterwards.
    const T = 10, B = 4, H = 19
    expect(mem.activationBytes).toBe(4 * 4 * (2 * (T + 1) * B * H + T * B * 4 * H))
    await model.predict(batch(T, 50, heads[0], 6))
    expect(model.memory().activationBytes).toBe(mem.activationBytes)
    model.dispose()
  })

  it('ends calls with a message when the device is lost, and opens a new device for the next model', async () => {
    const head = heads[0]
    const model = await backend.createModel(config('gru', { head }))
    model.setOptimizer({ kind: 'sgd', lr: 0.1 })
    ;(await gpuDevice()).device.destroy()
    await expect(model.trainStep(batch(5, 3, head, 1))).rejects.toThrow(/lost|destroyed/i)
    model.dispose()
    const next = await backend.createModel(config('gru', { head }))
    next.setOptimizer({ kind: 'sgd', lr: 0.1 })
    expect(Number.isFinite((await next.trainStep(batch(5, 3, head, 1))).loss)).toBe(true)
    next.dispose()
  })

  it('turns a WGSL compile error into an exception naming the kernel and the line', async () => {
    const broken = defineKernel({ name: 'broken', args: [['n', 'u32']], body: '@compute @workgroup_size(1) fn main() { let x: u32 = 1.5; }' })
    await expect((await gpuDevice()).pipeline(broken)).rejects.toThrow(/^WGSL kernel broken failed to compile: \d+:\d+ /)
  })

  it('fails a shape that does not fit with a message that says what to do', async () => {
    const model = await backend.createModel({ network: { cell: 'lstm', inputSize: 1024, hiddenSize: 1024, numLayers: 1, bidirectional: false, dropout: 0 } })
    try {
      await expect(model.runStack({ T: 4096, B: 64, x: new Float32Array(1) })).rejects.toThrow(/GPU memory.*smaller batch/)
    } finally {
      model.dispose()
    }
  })
})
