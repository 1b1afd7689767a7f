import { describe, expect, it } from 'vitest'
import { expandSweep } from '../../src-main/engine/sweep/expand'
import { varyingSettings } from '../../src-shared/settings'
import { PRESET_NAMES, presetSpec } from '../../src-main/engine/sweep/presets'
import { parseSweepSpec, sweepSize, workersFor } from '../../src-main/engine/sweep/spec'

describe('spec validation names the field and the valid values', () => {
  const bad: Array<[string, unknown, RegExp]> = [
    ['not an object', 42, /^spec: Invalid input: expected object/],
    ['an unknown top-level field', { strategie: 'grid' }, /^spec: unknown field "strategie"; valid: name, strategy, samples/],
    ['an unknown setting', { settings: { hidden: 3 } }, /^settings: unknown field "hidden"; valid: task, seqLen, textFile, cell, backend, hiddenSize/],
    ['an unknown axis', { axes: { hidenSize: [8] } }, /^axes: unknown field "hidenSize"/],
    ['a misspelt cell in an axis', { axes: { cell: ['lstm', 'gur'] } }, /^axes\.cell\[1\]: must be one of "rnn_tanh", "rnn_relu", "lstm", "gru"$/],
    ['an unknown task', { settings: { task: 'mnist' } }, /^settings\.task: must be one of "adding", "copy", "airline", "charlm", "sentiment", "digits", "co2", "series", "classify"$/],
    ['an unknown backend', { axes: { backend: ['cuda'] } }, /^axes\.backend\[0\]: must be one of "cpu-js", "cpu-native", "webgpu", "torch-cpu", "torch-cuda", "torch-mps"$/],
    ['a negative hidden size', { settings: { hiddenSize: -4 } }, /^settings\.hiddenSize: Too small/],
    ['a fractional layer count', { axes: { numLayers: [1.5] } }, /^axes\.numLayers\[0\]: Invalid input: expected int/],
    ['dropout of 1', { settings: { dropout: 1 } }, /^settings\.dropout: Too big/],
    ['an empty axis', { axes: { cell: [] } }, /^axes\.cell: Too small/],
    ['a range in a grid', { axes: { lr: { min: 0.001, max: 0.1, log: true } } }, /^axes\.lr: a range \{min, max\} needs strategy "random"/],
    ['random without samples', { strategy: 'random' }, /^samples: the random strategy needs samples/],
    ['a zero budget', { budget: { steps: 0, seconds: 0 } }, /^budget: set steps or seconds/],
    ['a setting that is also an axis', { settings: { cell: 'gru' }, axes: { cell: ['lstm'] } }, /^settings\.cell: is also an axis/],
    ['an inverted range', { strategy: 'random', samples: 2, axes: { lr: { min: 1, max: 0.1 } } }, /^axes\.lr: max must be at least min$/],
  ]
  it.each(bad)('%s', (_, spec, message) => {
    expect(() => parseSweepSpec(spec)).toThrow(message)
  })

  it('fills in defaults', () => {
    const spec = parseSweepSpec({})
    expect(spec).toMatchObject({ strategy: 'grid', repeats: 1, seed: 1, budget: { steps: 500, seconds: 0 } })
  })
})

describe('expansion', () => {
  it('takes the cartesian product of the axes, with repeats outermost, each with its seed and its own validation draw', () => {
    const spec = parseSweepSpec({ axes: { cell: ['lstm', 'gru', 'rnn_tanh'], hiddenSize: [8, 16] }, repeats: 2, seed: 10, settings: { task: 'copy' }, budget: { steps: 100 } })
    const runs = expandSweep(spec)
    expect(runs).toHaveLength(12)
    expect(runs.slice(0, 6).every((r) => r.seed === 10 && r.dataSeed === 10)).toBe(true)
    expect(runs.slice(6).every((r) => r.seed === 11 && r.dataSeed === 11)).toBe(true)
    expect(new Set(runs.map((r) => `${r.cell}/${r.hiddenSize}/${r.seed}`)).size).toBe(12)
    expect(runs.every((r) => r.task === 'copy' && r.evalEvery === 5 && r.gradFlowEvery === 10)).toBe(true)
    expect(varyingSettings(runs)).toEqual(['cell', 'hiddenSize'])
  })

  it('puts the runs of a matched set next to each other, every cell once, in an order drawn from the seed', () => {
    const spec = parseSweepSpec({ axes: { cell: ['lstm', 'gru', 'rnn_tanh'], hiddenSize: [8, 16, 32, 64] }, repeats: 3, seed: 4, settings: { task: 'copy' } })
    const runs = expandSweep(spec)
    const sets = Array.from({ length: runs.length / 3 }, (_, i) => runs.slice(3 * i, 3 * i + 3))
    for (const set of sets) {
      expect(new Set(set.map((r) => r.cell))).toEqual(new Set(['lstm', 'gru', 'rnn_tanh']))
      expect(new Set(set.map((r) => `${r.hiddenSize}/${r.seed}`)).size).toBe(1)
    }
    // Not the axis order every time: over 12 sets, LSTM starts some and not others.
    const firsts = sets.map((s) => s[0].cell)
    expect(new Set(firsts).size).toBeGreaterThan(1)
    expect(expandSweep(spec)).toEqual(runs)
    // Sweeps made before expansion 2 expand as they did: the cell an ordinary axis, one validation draw.
    const old = expandSweep(spec, 1)
    expect(old.slice(0, 4).map((r) => r.cell)).toEqual(['lstm', 'lstm', 'lstm', 'lstm'])
    expect(old.every((r) => r.dataSeed === 4)).toBe(true)
  })

  it('draws random configurations from lists and (log-)ranges, reproducibly', () => {
    const spec = parseSweepSpec({
      strategy: 'random', samples: 200, seed: 3,
      axes: { lr: { min: 1e-4, max: 1e-1, log: true }, hiddenSize: { min: 8, max: 64, integer: true }, cell: ['lstm', 'gru'] },
    })
    const runs = expandSweep(spec)
    // 200 draws of the other axes, every cell at each: a random sweep is paired
    expect(runs).toHaveLength(400)
    expect(sweepSize(spec)).toBe(400)
    expect(expandSweep(spec)).toEqual(runs)
    for (let i = 0; i < runs.length; i += 2) {
      expect([runs[i].lr, runs[i].hiddenSize]).toEqual([runs[i + 1].lr, runs[i + 1].hiddenSize])
      expect(new Set([runs[i].cell, runs[i + 1].cell])).toEqual(new Set(['lstm', 'gru']))
    }
    expect(runs.every((r) => r.lr >= 1e-4 && r.lr <= 1e-1 && Number.isInteger(r.hiddenSize) && r.hiddenSize >= 8 && r.hiddenSize <= 64)).toBe(true)
    // log-uniform: about a third of the draws fall in each decade
    const inFirstDecade = runs.filter((r, i) => i % 2 === 0 && r.lr < 1e-3).length
    expect(inFirstDecade).toBeGreaterThan(40)
    expect(inFirstDecade).toBeLessThan(95)
    expect(new Set(runs.map((r) => r.cell))).toEqual(new Set(['lstm', 'gru']))
  })

  it.each(PRESET_NAMES)('preset %s is a valid spec that covers all three cells', (name) => {
    const runs = expandSweep(presetSpec(name, ['cpu-js']))
    expect(runs.length).toBeGreaterThan(0)
    expect(new Set(runs.map((r) => r.cell))).toEqual(new Set(['lstm', 'gru', 'rnn_tanh']))
    expect(runs.every((r) => r.backend === 'cpu-js')).toBe(true)
  })

  it('scaling times one run at a time; --workers overrides a spec\'s workers, which overrides the default', () => {
    const scaling = presetSpec('scaling', ['cpu-js'])
    expect(scaling.workers).toBe(1)
    expect(workersFor(scaling, undefined, 2)).toBe(1)
    expect(workersFor(scaling, 3, 2)).toBe(3)
    expect(workersFor(presetSpec('quick', ['cpu-js']), undefined, 2)).toBe(2)
    expect(() => parseSweepSpec({ workers: 0 })).toThrow(/workers/)
  })

  it('quick covers both CPU backends at two sizes on adding and airline', () => {
    const runs = expandSweep(presetSpec('quick', ['cpu-js', 'cpu-native']))
    expect(new Set(runs.map((r) => r.backend))).toEqual(new Set(['cpu-js', 'cpu-native']))
    expect(new Set(runs.map((r) => r.task))).toEqual(new Set(['adding', 'airline']))
    expect(new Set(runs.map((r) => r.hiddenSize)).size).toBe(2)
  })
})
