// cpu-native's portable kernels (what CPUs without AVX2, and arm64, run) against PyTorch, forced
// here with RNNBENCH_NATIVE_ISA=portable. Each test file runs in its own process, so setting the
// variable before the addon loads selects the kernels for this file only.
process.env.RNNBENCH_NATIVE_ISA = 'portable'

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseParityCase, runParity } from '../../src-main/engine/parity'
import { compareNested, type Nested } from '../helpers/compare'
import { backendsUnderTest, skipUnavailable } from '../helpers/backends'
import { probeBackend } from '../../src-main/engine/backends'

const dir = join(__dirname, '..', 'fixtures', 'parity')
const cases = readdirSync(dir).filter((f) => f.endsWith('.case.json')).map((f) => f.replace('.case.json', '')).sort()
const [native] = await backendsUnderTest(['cpu-native'])

describe('cpu-native with its portable kernels matches PyTorch float64', () => {
  if (skipUnavailable(native)) return
  it('runs the portable kernels', async () => {
    expect((await probeBackend('cpu-native')).details?.isa).toBe('portable')
  })
  it.each(cases)('%s', async (name) => {
    const pc = parseParityCase(readFileSync(join(dir, `${name}.case.json`), 'utf8'))
    const want = JSON.parse(readFileSync(join(dir, `${name}.out.json`), 'utf8')) as Nested
    const report = compareNested(await runParity(native.backend!, pc), want)
    expect(report.count).toBeGreaterThan(0)
    expect(report.failures, `worst: ${JSON.stringify(report.worst)}`).toBe(0)
  })
})
