// Issue #37's fuzz: valid specs mutated at random (seeded, so a failure replays), given to
// `rnnbench sweep`. Every refusal must exit 2 with one line and leave no new file beside the
// database it was given. A mutation that leaves the spec valid is not run (it would start a sweep):
// the same planning the command does decides that first, in process.

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { planSweep } from '../../src-main/app/planning'
import { runCli } from '../../src-main/cli/run'
import { readDataFile } from '../../src-main/engine/data-file'
import { InputError } from '../../src-main/engine/errors'
import { Rng } from '../../src-main/engine/rng'
import { parseSweepSpec } from '../../src-main/engine/sweep/spec'

const CASES = 1000
const dir = mkdtempSync(join(tmpdir(), 'rnnbench-fuzz-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const seriesFile = join(dir, 'series.csv')
writeFileSync(seriesFile, ['month,visitors', ...Array.from({ length: 80 }, (_, i) => `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')},${100 + (i % 12) * 3 + i}`)].join('\n'))

const VALID: Array<Record<string, unknown>> = [
  { name: 'grid', settings: { task: 'adding', seqLen: 8, backend: 'cpu-js' }, axes: { cell: ['lstm', 'gru', 'rnn_tanh'], hiddenSize: [4, 8], lr: [0.01, 0.003] }, repeats: 2, budget: { steps: 10 } },
  { name: 'random', strategy: 'random', samples: 4, settings: { task: 'copy', backend: 'cpu-js' }, axes: { cell: ['lstm', 'gru'], lr: { min: 0.0001, max: 0.1, log: true }, hiddenSize: { min: 4, max: 16 } }, budget: { steps: 10, seconds: 5 } },
  { name: 'series', settings: { task: 'series', dataFile: seriesFile, column: 'visitors', hiddenSize: 4, backend: 'cpu-js' }, axes: { cell: ['lstm', 'gru'] }, budget: { steps: 5 }, evalEvery: 1 },
]

/** Values a mutation puts somewhere: wrong types, bounds, junk and huge things. */
const JUNK: unknown[] = [
  null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53, '', ' ', 'x', '0x1F', 'lstm', '1e3', '\u0000', 'é'.repeat(300), 'n'.repeat(10_000),
  [], [null], [1, 'a'], ['lstm', 'lstm'], {}, { min: 5, max: 1 }, { min: -1, max: 1e12 }, { a: { b: { c: 1 } } },
]
const KEYS = ['name', 'strategy', 'samples', 'repeats', 'seed', 'settings', 'axes', 'budget', 'evalEvery', 'warmupSteps', 'gradFlowEvery', 'target', 'threads', 'workers', 'bogus',
  'task', 'cell', 'backend', 'hiddenSize', 'numLayers', 'lr', 'seqLen', 'batchSize', 'dropout', 'optimizer', 'dataFile', 'column', 'textFile', 'steps', 'seconds', 'min', 'max']

function mutate(value: unknown, rng: Rng): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.uniform() * xs.length)]
  const copy = structuredClone(value) as Record<string, unknown>
  // Walk to a random object inside the spec, then change one thing there.
  let target: Record<string, unknown> = copy
  for (let depth = 0; depth < 3; depth++) {
    const inner = Object.entries(target).filter(([, v]) => v && typeof v === 'object')
    if (!inner.length || rng.uniform() < 0.35) break
    target = pick(inner)[1] as Record<string, unknown>
  }
  const keys = Object.keys(target)
  const op = rng.uniform()
  if (op < 0.2 && keys.length) delete target[pick(keys)]
  else if (op < 0.7 && keys.length) target[Array.isArray(target) ? Math.floor(rng.uniform() * (target as unknown[]).length) : pick(keys)] = pick(JUNK)
  else target[pick(KEYS)] = pick(JUNK)
  return copy
}

async function accepted(spec: unknown): Promise<boolean> {
  try {
    await planSweep(parseSweepSpec(spec), { store: null, workers: 1, readText: readDataFile })
    return true
  } catch (err) {
    if (err instanceof InputError) return false
    throw err
  }
}

describe(`a refusal of a mutated spec (${CASES} seeded cases)`, () => {
  it('exits 2 with one line and leaves no new file', async () => {
    const rng = new Rng(37)
    const before = new Set(readdirSync(dir))
    let refused = 0
    for (let i = 0; i < CASES; i++) {
      let spec: unknown = VALID[i % VALID.length]
      for (let k = 0, n = 1 + Math.floor(rng.uniform() * 3); k < n; k++) spec = mutate(spec, rng)
      const specPath = join(dir, 'spec.json')
      writeFileSync(specPath, JSON.stringify(spec))
      if (await accepted(spec)) continue
      refused++
      const err: string[] = [], out: string[] = []
      const code = await runCli(['sweep', specPath, '--db', join(dir, `case-${i}.sqlite`), '--workers', '1'], { out: (t) => void out.push(t), err: (t) => void err.push(t), isTty: false })
      const text = err.join('')
      const what = `case ${i}: ${JSON.stringify(spec).slice(0, 300)}\n${text}`
      expect(code, what).toBe(2)
      expect(text.endsWith('\n') && text.split('\n').length === 2, what).toBe(true)
      expect(text, what).toMatch(/^rnnbench: \S/)
      expect(text.length, what).toBeLessThan(1000)
      expect(readdirSync(dir).filter((f) => !before.has(f) && f !== 'spec.json'), what).toEqual([])
    }
    // Most mutations break the spec: the test exercises refusals, not a handful of them.
    console.info(`refusal fuzz: ${refused} of ${CASES} mutated specs refused, each in one line with exit 2 and no new file; ${CASES - refused} still valid (not run)`)
    expect(refused).toBeGreaterThan(CASES / 2)
  }, 600_000)
})
