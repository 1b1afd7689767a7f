// Property-based fuzz of sweep specs (fast-check, seeded): thousands of specs mixing valid and
// invalid values in every field, axis lists and ranges. Each is either accepted and expands to runs
// whose every setting is one the setting accepts, or refused with an InputError that names a field
// (the CLI's exit 2); none throws anything else, and none is expanded past the size limit.

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InputError } from '../../src-main/engine/errors'
import { expandSweep } from '../../src-main/engine/sweep/expand'
import { checkSweepSize, DEFAULT_MAX_RUNS, parseSweepSpec, SETTING_NAMES, SETTING_SCHEMAS, sweepSize, type SettingName } from '../../src-main/engine/sweep/spec'
import { rnnbench } from '../helpers/cli'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Values a field might be given: plausible ones, edge numbers, and plain junk. */
const anyValue = fc.oneof(
  fc.integer({ min: -10, max: 300 }), fc.double({ min: -2, max: 2, noNaN: false }), fc.constantFrom(0, 1, 1.5, 1e7, -1, 0.5, 0.999, 1e-9, 2 ** 31),
  fc.constantFrom('adding', 'copy', 'lstm', 'gru', 'rnn_tanh', 'cpu-js', 'adam', 'sgd', '', 'x'), fc.boolean(), fc.constant(null),
)
const range = fc.record({ min: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.double({ min: -1, max: 20 })), max: fc.oneof(fc.integer({ min: -5, max: 300 }), fc.double({ min: -1, max: 20 })), log: fc.option(fc.boolean(), { nil: undefined }), integer: fc.option(fc.boolean(), { nil: undefined }) }, { requiredKeys: ['min', 'max'] })
const settingName = fc.constantFrom(...SETTING_NAMES)

/** Values each setting accepts, so that the fuzz reaches valid specs as well as invalid ones. */
const VALID: Record<SettingName, fc.Arbitrary<unknown>> = {
  task: fc.constantFrom('adding', 'copy', 'airline', 'charlm', 'sentiment', 'digits', 'co2', 'series', 'classify'), seqLen: fc.integer({ min: 1, max: 60 }), textFile: fc.constant('corpus.txt'),
  cell: fc.constantFrom('lstm', 'gru', 'rnn_tanh', 'rnn_relu'), backend: fc.constantFrom('cpu-js', 'cpu-native', 'webgpu'), hiddenSize: fc.integer({ min: 1, max: 64 }),
  numLayers: fc.integer({ min: 1, max: 3 }), bidirectional: fc.boolean(), dropout: fc.double({ min: 0, max: 0.9, noNaN: true }), batchSize: fc.integer({ min: 1, max: 64 }),
  optimizer: fc.constantFrom('adam', 'sgd'), lr: fc.double({ min: 1e-4, max: 1, noNaN: true }), momentum: fc.double({ min: 0, max: 0.9, noNaN: true }),
  weightDecay: fc.double({ min: 0, max: 0.1, noNaN: true }), clipNorm: fc.double({ min: 0, max: 5, noNaN: true }), forgetBias1: fc.boolean(),
  dataFile: fc.constant('series.csv'), column: fc.constant('value'), covariates: fc.constant(['temperature']), horizon: fc.integer({ min: 1, max: 12 }), testFraction: fc.double({ min: 0.05, max: 0.5, noNaN: true }),
  seasonality: fc.integer({ min: 1, max: 24 }), textColumn: fc.constant('text'), labelColumn: fc.constant('label'), tokens: fc.constantFrom('chars', 'words'),
}
/** A value for setting k: usually one it accepts, sometimes junk. */
const valueFor = (k: SettingName) => fc.oneof({ weight: 5, arbitrary: VALID[k] }, { weight: 1, arbitrary: anyValue })
const settingsArb = fc.uniqueArray(settingName, { maxLength: 4 }).chain((keys) => fc.tuple(...keys.map(valueFor)).map((vs) => Object.fromEntries(keys.map((k, i) => [k, vs[i]]))))
const axesArb = fc.uniqueArray(settingName, { maxLength: 4 }).chain((keys) => fc.tuple(...keys.map((k) => fc.oneof(
  { weight: 4, arbitrary: fc.array(valueFor(k), { minLength: 1, maxLength: 3 }) }, { weight: 1, arbitrary: fc.array(anyValue, { maxLength: 3 }) }, { weight: 2, arbitrary: range },
))).map((vs) => Object.fromEntries(keys.map((k, i) => [k, vs[i]]))))
/** A field that is usually absent; when there, usually valid. */
const field = <T>(valid: fc.Arbitrary<T>, junk: fc.Arbitrary<unknown>) => fc.option(fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: junk }), { nil: undefined, freq: 2 })
const specArb = fc.record({
  name: field(fc.string({ maxLength: 10 }), fc.integer()),
  strategy: field(fc.constantFrom('grid', 'random'), fc.constantFrom('bayes', 1)),
  samples: field(fc.integer({ min: 1, max: 30 }), fc.constantFrom(-1, 0, 1.5, 100_000)),
  repeats: field(fc.integer({ min: 1, max: 3 }), fc.constantFrom(0, -1, 1000, 2.5)),
  seed: field(fc.integer({ min: 0, max: 10 }), fc.constantFrom(-1, 0.5, 2 ** 31)),
  settings: field(settingsArb, anyValue),
  axes: field(axesArb, anyValue),
  budget: field(fc.record({ steps: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }), seconds: fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: undefined }) }), fc.constantFrom({ steps: -1 }, {}, { seconds: Number.NaN })),
  evalEvery: field(fc.integer({ min: 1, max: 30 }), fc.constantFrom(0, 0.5, -3)),
  threads: field(fc.integer({ min: 1, max: 8 }), fc.constantFrom(0, 300, 1.5)),
  workers: field(fc.integer({ min: 1, max: 8 }), fc.constantFrom(0, 300, 'two')),
  extra: fc.option(fc.constant('unknown field'), { nil: undefined, freq: 10 }),
}, { requiredKeys: [] }).map((spec) => Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)))

type Outcome = { kind: 'accepted'; runs: number } | { kind: 'refused'; field: string; message: string }

function judge(raw: unknown): Outcome {
  try {
    const spec = parseSweepSpec(raw)
    checkSweepSize(spec)
    const runs = expandSweep(spec)
    expect(runs.length).toBe(sweepSize(spec))
    for (const run of runs) {
      for (const k of SETTING_NAMES) {
        if (run[k] === undefined) continue
        const ok = SETTING_SCHEMAS[k].safeParse(run[k])
        expect(ok.success, `${k} = ${JSON.stringify(run[k])} from ${JSON.stringify(raw)}`).toBe(true)
      }
      expect(run.evalEvery).toBeGreaterThanOrEqual(1)
      expect(run.steps > 0 || run.seconds > 0).toBe(true)
    }
    return { kind: 'accepted', runs: runs.length }
  } catch (err) {
    if (!(err instanceof InputError)) throw new Error(`${JSON.stringify(raw)} threw ${(err as Error).stack}`)
    return { kind: 'refused', field: err.field, message: err.message }
  }
}

describe('sweep specs, fuzzed', () => {
  it('accepts a spec only when every run it expands to is valid, and refuses the rest naming a field (2,000 specs)', () => {
    let accepted = 0, refused = 0
    fc.assert(fc.property(specArb, (raw) => {
      const outcome = judge(raw)
      if (outcome.kind === 'accepted') accepted++
      else {
        refused++
        expect(outcome.field.length).toBeGreaterThan(0)
        expect(outcome.message).toMatch(/^[\w.[\]-]+: \S/)
        expect(outcome.message).not.toContain('\n')
      }
    }), { numRuns: 2000, seed: 20261202 })
    console.log(`[rnnbench tests] sweep-spec fuzz: ${accepted} accepted, ${refused} refused of ${accepted + refused}`)
    expect(accepted).toBeGreaterThan(50) // the generator reaches valid specs too
    expect(refused).toBeGreaterThan(50)
  })

  it('refuses what the audit found: ranges over non-numeric settings, bounds outside a setting, sweeps too large to run', () => {
    const refusal = (raw: unknown) => { const o = judge(raw); return o.kind === 'refused' ? o.message : 'accepted' }
    expect(refusal({ strategy: 'random', samples: 3, axes: { cell: { min: 0, max: 1 } } })).toMatch(/^axes\.cell: a range \{min, max\} is only for numeric settings/)
    expect(refusal({ strategy: 'random', samples: 3, axes: { hiddenSize: { min: -10, max: 7.3 } } })).toMatch(/^axes\.hiddenSize\.(min|max): /)
    expect(refusal({ strategy: 'random', samples: 3, axes: { hiddenSize: { min: 1, max: 1e7 } } })).toMatch(/^axes\.hiddenSize\.max: Too big/)
    expect(refusal({ strategy: 'random', samples: 3, axes: { dropout: { min: 0, max: 1.5 } } })).toMatch(/^axes\.dropout\.max: /)
    expect(refusal({ strategy: 'random', samples: 3, axes: { lr: { min: 0.001, max: 1000 } } })).toMatch(/^axes\.lr\.max: /)
    expect(refusal({ strategy: 'random', samples: 3, axes: { batchSize: { min: 0, max: 4 } } })).toMatch(/^axes\.batchSize\.min: /)
    expect(refusal({ strategy: 'random', samples: 3, axes: { numLayers: { min: 0, max: 2 } } })).toMatch(/^axes\.numLayers\.min: /)
    expect(refusal({ strategy: 'random', samples: 100_000, repeats: 1000 })).toMatch(/^spec: the sweep expands to 100,000,000 runs, over the limit of 100,000/)
    const huge = { axes: Object.fromEntries(['hiddenSize', 'seqLen', 'batchSize', 'numLayers'].map((k) => [k, Array.from({ length: 200 }, (_, i) => i + 1)])) }
    const started = performance.now()
    expect(refusal({ ...huge, axes: { ...huge.axes, numLayers: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16] } })).toMatch(/^spec: the sweep expands to 128,000,000 runs/)
    expect(performance.now() - started).toBeLessThan(2000) // counted, not expanded
    // integer settings drawn from a range are whole numbers inside it
    const runs = expandSweep(parseSweepSpec({ strategy: 'random', samples: 200, axes: { hiddenSize: { min: 3, max: 9 }, dropout: { min: 0, max: 0.9 } } }))
    expect(runs.every((r) => Number.isInteger(r.hiddenSize) && r.hiddenSize >= 3 && r.hiddenSize <= 9 && r.dropout < 0.9)).toBe(true)
    expect(DEFAULT_MAX_RUNS).toBe(100_000)
  })

  it('the CLI answers a refused spec with one line and exit 2, and --max-runs raises the limit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnbench-fuzz-'))
    const spec = join(dir, 'spec.json')
    writeFileSync(spec, JSON.stringify({ strategy: 'random', samples: 3, axes: { cell: { min: 0, max: 1 } } }))
    const r = rnnbench(['sweep', spec, '--db', join(dir, 'f.sqlite')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^rnnbench: axes\.cell: a range \{min, max\} is only for numeric settings.*\n$/)
    writeFileSync(spec, JSON.stringify({ axes: { hiddenSize: [4, 5, 6] }, settings: { seqLen: 5, batchSize: 2 }, repeats: 2, budget: { steps: 2 } }))
    const over = rnnbench(['sweep', spec, '--db', join(dir, 'f.sqlite'), '--max-runs', '5'])
    expect(over.code).toBe(2)
    expect(over.stderr).toBe('rnnbench: spec: the sweep expands to 6 runs, over the limit of 5; fewer axis values, samples or repeats, or raise the limit with --max-runs\n')
    expect(rnnbench(['sweep', spec, '--db', join(dir, 'f.sqlite'), '--max-runs', 'many']).stderr).toMatch(/^rnnbench: --max-runs: must be a positive integer/)
  })
})
