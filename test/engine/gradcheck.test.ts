// Finite-difference gradient checks in float64: the hand-written BPTT against central differences
// of the forward, for every cell and option. Independent of PyTorch, so a bug shared by our
// fixtures and our code would still show here.

import { describe, expect, it } from 'vitest'
import { cpuJsBackend } from '../../src-main/engine/cpu-js/backend'
import { RecurrentStack } from '../../src-main/engine/cpu-js/stack'
import { directions, networkLayout } from '../../src-main/engine/layout'
import { Rng } from '../../src-main/engine/rng'
import { CELL_KINDS, type CellKind, type HeadConfig, type NetworkConfig } from '../../src-main/engine/types'

const EPS = 1e-6
/** Central differences in float64 are good to about 1e-9 here; 1e-6 leaves room, and real bugs are ≫ 1e-3. */
const close = (analytic: number, numeric: number) => Math.abs(analytic - numeric) <= 1e-6 + 1e-5 * Math.abs(numeric)

function randomArray(rng: Rng, n: number, scale = 1): Float64Array {
  const a = new Float64Array(n)
  for (let i = 0; i < n; i++) a[i] = scale * rng.normal()
  return a
}

interface StackCase { net: NetworkConfig; T: number; B: number; states: boolean }

function stackCases(cell: CellKind): Array<[string, StackCase]> {
  const net = (L: number, bidirectional: boolean, dropout = 0): NetworkConfig => ({ cell, inputSize: 3, hiddenSize: 4, numLayers: L, bidirectional, dropout })
  return [
    ['1 layer', { net: net(1, false), T: 5, B: 2, states: false }],
    ['3 layers with initial states', { net: net(3, false), T: 4, B: 2, states: true }],
    ['2 bidirectional layers with initial states', { net: net(2, true), T: 6, B: 3, states: true }],
    ['2 bidirectional layers with dropout 0.3', { net: net(2, true, 0.3), T: 4, B: 2, states: false }],
  ]
}

describe.each(CELL_KINDS)('%s backward equals finite differences', (cell) => {
  it.each(stackCases(cell))('%s', (_, { net, T, B, states }) => {
    const rng = new Rng(42)
    const layout = networkLayout(net)
    const D = directions(net), H = net.hiddenSize, S = net.numLayers * D * B * H
    const params = randomArray(rng, layout.total, 0.5)
    const grads = new Float64Array(layout.total)
    const stack = new RecurrentStack(net, params, grads, 0, 'f64')
    const x = randomArray(rng, T * B * net.inputSize)
    const dy = randomArray(rng, T * B * D * H)
    const h0 = states ? randomArray(rng, S, 0.5) : null
    const c0 = states && cell === 'lstm' ? randomArray(rng, S, 0.5) : null
    // Training mode with dropout: the same seed gives the same mask in every evaluation.
    const loss = () => {
      const y = stack.forward({ x, T, B, h0, c0, training: true, rng: new Rng(7) })
      let s = 0
      for (let i = 0; i < y.length; i++) s += y[i] * dy[i]
      return s
    }
    loss()
    stack.backward(dy)
    const analytic = { params: grads.slice(), x: stack.dx.slice(), h0: stack.dh0.slice(), c0: stack.dc0.slice() }

    const check = (label: string, values: Float64Array, analyticGrad: ArrayLike<number>) => {
      let worst = 0, bad = 0
      for (let i = 0; i < values.length; i++) {
        const v = values[i]
        values[i] = v + EPS; const up = loss()
        values[i] = v - EPS; const down = loss()
        values[i] = v
        const numeric = (up - down) / (2 * EPS)
        worst = Math.max(worst, Math.abs(numeric - analyticGrad[i]))
        if (!close(analyticGrad[i], numeric)) bad++
      }
      expect(bad, `${label}: ${bad} of ${values.length} gradients off, worst |Δ| ${worst.toExponential(2)}`).toBe(0)
    }
    check('parameters', params, analytic.params)
    check('x', x, analytic.x)
    if (h0) check('h0', h0, analytic.h0)
    if (c0) check('c0', c0, analytic.c0)
    // A zero gradient everywhere would pass the checks trivially; it must not be.
    expect(analytic.params.some((g) => Math.abs(g) > 1e-3)).toBe(true)
  })
})

describe('head and loss gradients equal finite differences', () => {
  const heads: Array<[string, CellKind, boolean, number, HeadConfig]> = [
    ['lstm, last step, MSE', 'lstm', false, 0, { kind: 'last', outputSize: 2, loss: 'mse' }],
    ['gru, every step, cross-entropy, bidirectional', 'gru', true, 0, { kind: 'every', outputSize: 3, loss: 'cross_entropy' }],
    ['rnn_relu, last step, cross-entropy, dropout', 'rnn_relu', true, 0.25, { kind: 'last', outputSize: 4, loss: 'cross_entropy' }],
  ]
  it.each(heads)('%s', async (_, cell, bidirectional, dropout, head) => {
    const network: NetworkConfig = { cell, inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional, dropout }
    const model = await cpuJsBackend.createModel({ network, head }, { precision: 'f64' })
    const rng = new Rng(3)
    const T = 4, B = 3
    const params = randomArray(rng, model.layout.total, 0.5)
    await model.setParameters(params)
    const rows = head.kind === 'last' ? B : T * B
    const targets = head.loss === 'mse' ? randomArray(rng, rows * head.outputSize) : Int32Array.from({ length: rows }, () => rng.int(head.outputSize))
    const batch = { T, B, x: randomArray(rng, T * B * 2), targets }
    const step = async () => (await model.trainStep(batch, { update: false, dropoutSeed: 11 })).loss
    await step()
    const analytic = await model.getGradients()
    let bad = 0
    for (let i = 0; i < params.length; i++) {
      const v = params[i]
      params[i] = v + EPS; await model.setParameters(params); const up = await step()
      params[i] = v - EPS; await model.setParameters(params); const down = await step()
      params[i] = v
      if (!close(analytic[i], (up - down) / (2 * EPS))) bad++
    }
    expect(bad, `${bad} of ${params.length} gradients differ`).toBe(0)
  })
})
