// cpu-native keeps pointers to its inputs from forward to backward. An input that is not a
// Float32Array (a Float64Array from a parity case or a user's code) is converted, and the copy
// must live until the backward reads it: the gradients equal those of the same input in float32,
// with the garbage collector run (when exposed) between the two passes.

import { describe, expect, it } from 'vitest'
import { Rng } from '../../src-main/engine/rng'
import type { ModelConfig } from '../../src-main/engine/types'
import { backendsUnderTest, skipUnavailable } from '../helpers/backends'

const [native] = await backendsUnderTest(['cpu-native'])

describe('cpu-native with a Float64Array input', () => {
  if (skipUnavailable(native)) return
  it('gives the gradients of the same input as float32, the converted copy held from forward to backward', async () => {
    const config: ModelConfig = { network: { cell: 'lstm', inputSize: 5, hiddenSize: 7, numLayers: 2, bidirectional: true, dropout: 0 } }
    const T = 9, B = 3, rng = new Rng(4)
    const x64 = Float64Array.from({ length: T * B * 5 }, () => rng.normal())
    const h064 = Float64Array.from({ length: 4 * B * 7 }, () => rng.normal())
    const dy = Float32Array.from({ length: T * B * 14 }, () => rng.normal())
    const results = []
    for (const [x, h0] of [[Float32Array.from(x64), Float32Array.from(h064)], [x64, h064]] as const) {
      const model = await native.backend!.createModel(config)
      const params = Float32Array.from({ length: model.layout.total }, (_, i) => Math.sin(i) * 0.3)
      await model.setParameters(params)
      // many allocations and a collection between the passes, so that a freed copy would be overwritten
      const r = await model.runStack({ T, B, x, h0, dy })
      ;(globalThis as { gc?: () => void }).gc?.()
      for (let i = 0; i < 50; i++) new Float32Array(T * B * 5).fill(1e9)
      results.push({ r, grads: Float32Array.from(await model.getGradients()) })
      model.dispose()
    }
    expect(Array.from(results[1].r.y)).toEqual(Array.from(results[0].r.y))
    expect(Array.from(results[1].grads)).toEqual(Array.from(results[0].grads))
    expect(Array.from(results[1].r.dx!)).toEqual(Array.from(results[0].r.dx!))
  })
})
