// cpu-native's parity cases against PyTorch with its kernels capped at one ISA (the test file sets
// RNNBENCH_NATIVE_ISA before the addon loads; each test file runs in its own process).

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { probeBackend } from '../../src-main/engine/backends'
import { parseParityCase, runParity } from '../../src-main/engine/parity'
import { backendsUnderTest, skipUnavailable } from './backends'
import { compareNested, type Nested } from './compare'

const dir = join(__dirname, '..', 'fixtures', 'parity')
const cases = readdirSync(dir).filter((f) => f.endsWith('.case.json')).map((f) => f.replace('.case.json', '')).sort()

export async function describeNativeParity(isa: 'portable' | 'avx2-fma', cpuLacks: string | null): Promise<void> {
  const [native] = await backendsUnderTest(['cpu-native'])
  describe(`cpu-native with its ${isa} kernels matches PyTorch float64`, () => {
    if (skipUnavailable(native)) return
    if (cpuLacks) {
      console.warn(`[rnnbench tests] cpu-native ${isa} kernels skipped: ${cpuLacks}`)
      it(`is skipped here: ${cpuLacks}`, (ctx) => ctx.skip(cpuLacks))
      return
    }
    it(`runs the ${isa} kernels`, async () => {
      expect((await probeBackend('cpu-native')).details?.isa).toBe(isa)
    })
    it.each(cases)('%s', async (name) => {
      const pc = parseParityCase(readFileSync(join(dir, `${name}.case.json`), 'utf8'))
      const want = JSON.parse(readFileSync(join(dir, `${name}.out.json`), 'utf8')) as Nested
      const report = compareNested(await runParity(native.backend!, pc), want)
      expect(report.count).toBeGreaterThan(0)
      expect(report.failures, `worst: ${JSON.stringify(report.worst)}`).toBe(0)
    })
  })
}

/** The CPU's flags from /proc/cpuinfo (Linux), or null elsewhere. */
export function cpuFlags(): string[] | null {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1].trim().split(/\s+/) ?? []
  } catch {
    return null
  }
}
