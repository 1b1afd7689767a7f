// Every backend against PyTorch: every golden case, every output, final state and gradient, within
// |got − want| ≤ 2e-4 + 2e-3·|want| (docs/NUMERICS.md §2).

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseParityCase, runParity } from '../../src-main/engine/parity'
import { compareNested, type Nested } from '../helpers/compare'
import { backendsUnderTest, skipUnavailable } from '../helpers/backends'

const dir = join(__dirname, '..', 'fixtures', 'parity')
const cases = readdirSync(dir).filter((f) => f.endsWith('.case.json')).map((f) => f.replace('.case.json', '')).sort()
const backends = await backendsUnderTest(['cpu-js', 'cpu-native', 'webgpu', 'torch-cpu', 'torch-cuda'])

it('has golden cases for every cell', () => {
  for (const cell of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru']) {
    expect(cases.filter((c) => c.startsWith(`${cell}_`)).length).toBeGreaterThanOrEqual(9)
  }
})

for (const b of backends) {
  describe(`${b.name} matches PyTorch float64`, () => {
    if (skipUnavailable(b)) return
    it.each(cases)('%s', async (name) => {
      const pc = parseParityCase(readFileSync(join(dir, `${name}.case.json`), 'utf8'))
      const want = JSON.parse(readFileSync(join(dir, `${name}.out.json`), 'utf8')) as Record<string, Nested>
      const got = (await runParity(b.backend!, pc)) as unknown as Record<string, unknown>
      expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort())
      const report = compareNested(got, want as unknown as Nested)
      expect(report.count).toBeGreaterThan(0)
      expect(report.failures, `worst: ${JSON.stringify(report.worst)}`).toBe(0)
    })
  })
}
