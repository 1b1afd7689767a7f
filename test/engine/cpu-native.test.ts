// cpu-native beyond the parity cases: whole training steps against PyTorch, the same gradient flow
// as the reference, results independent of the thread count, and seeded dropout.

import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { probeBackend } from '../../src-main/engine/backends'
import { loadAddon } from '../../src-main/engine/cpu-native/addon'
import { cpuJsBackend } from '../../src-main/engine/cpu-js/backend'
import { Rng } from '../../src-main/engine/rng'
import type { ModelConfig, OptimizerConfig } from '../../src-main/engine/types'
import { backendsUnderTest, skipUnavailable } from '../helpers/backends'
import { cpuFlags } from '../helpers/native-parity'
import { maxAbsDiff } from '../helpers/compare'

const [native] = await backendsUnderTest(['cpu-native'])

describe('cpu-native', () => {
  if (skipUnavailable(native)) return
  const backend = native.backend!

  it('runs its AVX-512 or AVX2/FMA kernels where the CPU has them', async (ctx) => {
    const flags = cpuFlags()
    if (flags === null) return ctx.skip('no /proc/cpuinfo to read the CPU flags from')
    const isa = (await probeBackend('cpu-native')).details?.isa
    const avx2 = flags.includes('avx2') && flags.includes('fma')
    expect(isa).toBe(avx2 && flags.includes('avx512f') ? 'avx512' : avx2 ? 'avx2-fma' : 'portable')
  })

  const trainDir = join(__dirname, '..', 'fixtures', 'train')
  it.each(readdirSync(trainDir))('follows PyTorch through whole training steps: %s', async (file) => {
    const fx = JSON.parse(readFileSync(join(trainDir, file), 'utf8')) as {
      model: ModelConfig; optimizer: OptimizerConfig; T: number; B: number; initial: number[]
      batches: Array<{ x: number[]; targets: number[] }>; losses: number[]; final: number[]
    }
    const model = await backend.createModel(fx.model)
    await model.setParameters(fx.initial)
    model.setOptimizer(fx.optimizer)
    for (const [i, b] of fx.batches.entries()) {
      const r = await model.trainStep({ T: fx.T, B: fx.B, x: Float32Array.from(b.x), targets: b.targets })
      expect(Math.abs(r.loss - fx.losses[i]), `loss at step ${i + 1}`).toBeLessThan(2e-4 * (1 + Math.abs(fx.losses[i])))
    }
    expect(maxAbsDiff(await model.getParameters(), fx.final)).toBeLessThan(2e-3)
  })

  const config = (cell: 'lstm' | 'gru' | 'rnn_tanh', dropout = 0): ModelConfig => ({
    network: { cell, inputSize: 5, hiddenSize: 19, numLayers: 2, bidirectional: true, dropout },
    head: { kind: 'last', outputSize: 3, loss: 'cross_entropy' },
  })
  const batch = (T: number, B: number, I: number, seed: number) => {
    const rng = new Rng(seed)
    return { T, B, x: Float32Array.from({ length: T * B * I }, () => rng.normal()), targets: Int32Array.from({ length: B }, () => rng.int(3)) }
  }
  const params = (n: number) => { const rng = new Rng(4); return Float32Array.from({ length: n }, () => rng.range(-0.3, 0.3)) }

  it.each(['lstm', 'gru', 'rnn_tanh'] as const)('%s: the same loss, gradients and gradient flow as cpu-js', async (cell) => {
    const [ref, nat] = [await cpuJsBackend.createModel(config(cell)), await backend.createModel(config(cell))]
    const p = params(ref.layout.total)
    await ref.setParameters(p); await nat.setParameters(p)
    const b = batch(13, 7, 5, 1)
    const [r1, r2] = [await ref.trainStep(b, { update: false, gradFlow: true }), await nat.trainStep(b, { update: false, gradFlow: true })]
    expect(Math.abs(r1.loss - r2.loss)).toBeLessThan(1e-5)
    expect(maxAbsDiff(await ref.getGradients(), await nat.getGradients())).toBeLessThan(1e-4)
    expect(r2.gradFlow).toHaveLength(4 * 13)
    expect(maxAbsDiff(r1.gradFlow!, r2.gradFlow!)).toBeLessThan(1e-4)
  })

  // The matrix products' edges, against the reference: T·B rows past the packed-A path (≥ 192)
  // with a ragged last tile, a few rows (B = 1, and 9–11 rows that split into two tiles), an odd
  // number of 16-column panels (the AVX-512 kernel takes them in pairs), and inner dimensions past
  // one 512-deep block of the products (I = 600 for the input projection; LSTM H = 140 makes
  // G·H = 560 for ∂L/∂h and ∂L/∂x; the weight gradients' T·B rows pass their 512-row block in
  // the T=19 B=48 cases below). G·H a multiple of 256 (LSTM H = 64, ReLU RNN H = 256) gets the gate
  // gradients' rows 16 floats of padding.
  it.each([
    ['lstm', 70, 300, 23, 9], ['lstm', 140, 600, 23, 12], ['gru', 19, 300, 17, 11], ['rnn_tanh', 40, 33, 200, 1], ['lstm', 12, 7, 9, 10], ['gru', 90, 20, 3, 65],
    ['lstm', 64, 5, 7, 3], ['rnn_relu', 256, 4, 5, 2],
  ] as const)('%s H=%i I=%i T=%i B=%i: the same outputs and gradients as cpu-js', async (cell, H, I, T, B) => {
    const network = { cell, inputSize: I, hiddenSize: H, numLayers: 1, bidirectional: false, dropout: 0 } as const
    const [ref, nat] = [await cpuJsBackend.createModel({ network }), await backend.createModel({ network })]
    const p = params(ref.layout.total)
    await ref.setParameters(p); await nat.setParameters(p)
    const rng = new Rng(11), S = B * H
    const input = {
      T, B, x: Float32Array.from({ length: T * B * I }, () => rng.normal()),
      h0: Float32Array.from({ length: S }, () => rng.normal() * 0.5), c0: Float32Array.from({ length: S }, () => rng.normal() * 0.5),
      dy: Float32Array.from({ length: T * B * H }, () => rng.normal()),
    }
    const [a, b] = [await ref.runStack(input), await nat.runStack(input)]
    for (const k of ['y', 'hn', 'dx', 'dh0'] as const) expect(maxAbsDiff(a[k]!, b[k]!), k).toBeLessThan(2e-4)
    if (cell === 'lstm') expect(maxAbsDiff(a.dc0!, b.dc0!)).toBeLessThan(2e-4)
    expect(maxAbsDiff(await ref.getGradients(), await nat.getGradients())).toBeLessThan(2e-3)
  })

  // The input projection runs a chunk of timesteps at a time (about 384 rows: 8 steps at B = 48),
  // in each direction's own order: T = 19 gives chunks of 8, 8 and 3 steps, forwards and backwards.
  it.each(['lstm', 'gru', 'rnn_tanh'] as const)('%s, 2 layers, bidirectional, T=19 B=48: the same outputs and gradients as cpu-js across chunks', async (cell) => {
    const H = 11, I = 6, T = 19, B = 48, L = 2, D = 2
    const network = { cell, inputSize: I, hiddenSize: H, numLayers: L, bidirectional: true, dropout: 0 } as const
    const [ref, nat] = [await cpuJsBackend.createModel({ network }), await backend.createModel({ network })]
    const p = params(ref.layout.total)
    await ref.setParameters(p); await nat.setParameters(p)
    const rng = new Rng(12), S = L * D * B * H
    const input = {
      T, B, x: Float32Array.from({ length: T * B * I }, () => rng.normal()),
      h0: Float32Array.from({ length: S }, () => rng.normal() * 0.5), c0: Float32Array.from({ length: S }, () => rng.normal() * 0.5),
      dy: Float32Array.from({ length: T * B * D * H }, () => rng.normal()),
    }
    const [a, b] = [await ref.runStack(input), await nat.runStack(input)]
    for (const k of ['y', 'hn', 'dx', 'dh0'] as const) expect(maxAbsDiff(a[k]!, b[k]!), k).toBeLessThan(2e-4)
    if (cell === 'lstm') expect(maxAbsDiff(a.dc0!, b.dc0!)).toBeLessThan(2e-4)
    expect(maxAbsDiff(await ref.getGradients(), await nat.getGradients())).toBeLessThan(2e-3)
  })

  // Threads split panels, rows and k-blocks differently from one thread; every cell, at a size
  // of whole 16-column panels and at one with ragged edges, must give what one thread gives.
  it.each([['lstm', 32], ['gru', 32], ['rnn_tanh', 32], ['rnn_relu', 32], ['lstm', 19], ['gru', 19]] as const)('%s H=%i: 2 threads give what 1 thread gives', async (cell, H) => {
    const network = { cell, inputSize: 5, hiddenSize: H, numLayers: 2, bidirectional: true, dropout: 0 } as const
    const [one, two] = [await backend.createModel({ network }, { threads: 1 }), await backend.createModel({ network }, { threads: 2 })]
    const p = params(one.layout.total)
    await one.setParameters(p); await two.setParameters(p)
    const rng = new Rng(9), T = 11, B = 33, S = 4 * B * H // 33 rows: an uneven split
    const input = {
      T, B, x: Float32Array.from({ length: T * B * 5 }, () => rng.normal()),
      h0: Float32Array.from({ length: S }, () => rng.normal() * 0.5), c0: Float32Array.from({ length: S }, () => rng.normal() * 0.5),
      dy: Float32Array.from({ length: T * B * 2 * H }, () => rng.normal()),
    }
    const [a, b] = [await one.runStack(input), await two.runStack(input)]
    for (const k of ['y', 'hn', 'dx', 'dh0'] as const) expect(maxAbsDiff(a[k]!, b[k]!), k).toBeLessThan(1e-5)
    if (cell === 'lstm') expect(maxAbsDiff(a.dc0!, b.dc0!)).toBeLessThan(1e-5)
    expect(maxAbsDiff(await one.getGradients(), await two.getGradients())).toBeLessThan(1e-4)
  })

  // With a tile of rows for each thread the recurrence splits the batch instead (over_batch in stack.cc):
  // each thread takes its rows through every timestep, and the gradient flow's norms over the
  // batch are summed from per-row parts. B = 20 splits; B = 7 (the test above) does not.
  it.each(['lstm', 'gru', 'rnn_tanh'] as const)('%s: 2 threads over a split batch give the loss, gradients and gradient flow of 1', async (cell) => {
    const [one, two] = [await backend.createModel(config(cell), { threads: 1 }), await backend.createModel(config(cell), { threads: 2 })]
    const p = params(one.layout.total)
    await one.setParameters(p); await two.setParameters(p)
    const b = batch(9, 20, 5, 2)
    const [r1, r2] = [await one.trainStep(b, { update: false, gradFlow: true }), await two.trainStep(b, { update: false, gradFlow: true })]
    expect(Math.abs(r1.loss - r2.loss)).toBeLessThan(1e-6)
    expect(maxAbsDiff(await one.getGradients(), await two.getGradients())).toBeLessThan(1e-5)
    expect(r2.gradFlow).toHaveLength(4 * 9)
    expect(Math.max(...r2.gradFlow!)).toBeGreaterThan(0)
    expect(maxAbsDiff(r1.gradFlow!, r2.gradFlow!)).toBeLessThan(1e-5)
  })

  it('applies dropout in training only, reproducibly for a seed', async () => {
    const model = await backend.createModel(config('gru', 0.5))
    const p = params(model.layout.total)
    await model.setParameters(p)
    const b = batch(6, 4, 5, 3)
    const loss = async (seed: number) => (await model.trainStep(b, { update: false, dropoutSeed: seed })).loss
    expect(await loss(1)).toBe(await loss(1))
    expect(await loss(1)).not.toBe(await loss(2))
    // evaluation has no dropout: the same as the reference's
    const ref = await cpuJsBackend.createModel(config('gru', 0.5))
    await ref.setParameters(p)
    expect(maxAbsDiff(await model.predict(b), await ref.predict(b))).toBeLessThan(1e-5)
  })

  // A pool's worker threads may start after its first parallel region has been handed out (on a
  // loaded machine they often do), and may be preempted in the middle of one; every chunk must
  // still run exactly once. A deadlock here cannot be timed out inside this process (the caller
  // spins in native code), so the models run in a child. 3 threads on this 2-core machine keep
  // one of them off a core at any time, so the others must take its chunks.
  // B = 8 splits each step's work across the threads; B = 24 gives each thread its own rows.
  it.each([[2, 8], [3, 8], [2, 24], [3, 24]])('a model used the moment it is created, with %i threads and B=%i, never deadlocks and computes what 1 thread does', (threads, batchRows) => {
    const load = loadAddon()
    expect(load.addon, 'addon loaded').not.toBeNull()
    const script = `
      const addon = require(${JSON.stringify((load as { path: string }).path)})
      const I = 4, H = 32, T = 3, B = ${batchRows}, n = H * I + H * H + 2 * H
      const params = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.1)
      const x = Float32Array.from({ length: T * B * I }, (_, i) => Math.cos(i))
      const dy = Float32Array.from({ length: T * B * H }, (_, i) => Math.sin(3 * i))
      // forward and backward (whose ∂L/∂h accumulates, so a chunk run twice shows), one result array
      const run = (threads) => {
        const h = addon.createStack(0, I, H, 1, false, 0, threads), y = new Float32Array(T * B * H), grads = new Float32Array(n)
        addon.forward(h, params, x, T, B, null, null, true, 0, y, new Float32Array(B * H), null)
        addon.backward(h, params, grads, dy, new Float32Array(T * B * I), new Float32Array(B * H), null, null)
        return [...y, ...grads]
      }
      const want = run(1)
      for (let i = 0; i < 400; i++) {
        const got = run(${threads})
        for (let k = 0; k < got.length; k++) if (got[k] !== want[k]) { console.log('differs at run ' + i + ', element ' + k); process.exit(1) }
      }
      console.log('ok')`
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 })
    expect(child.signal, 'killed by the timeout: a deadlock').toBeNull()
    expect(child.stdout.trim(), child.stderr).toBe('ok')
  })

  it('keeps exactly the theoretical minimum of activations for BPTT: RNN 1·H, GRU 5·H, LSTM 6·H', async () => {
    const T = 10, B = 4, H = 8
    for (const [cell, perStep] of [['rnn_tanh', 1], ['gru', 5], ['lstm', 6]] as const) {
      const model = await backend.createModel({ network: { cell, inputSize: 3, hiddenSize: H, numLayers: 1, bidirectional: false, dropout: 0 } })
      await model.setParameters(params(model.layout.total))
      await model.runStack({ T, B, x: new Float32Array(T * B * 3) })
      // LSTM keeps c for T+1 slots (c0 included): 6·H per step plus one c0 slot
      const extra = cell === 'lstm' ? B * H : 0
      expect(model.memory().activationBytes).toBe(4 * (perStep * T * B * H + extra))
    }
  })
})
