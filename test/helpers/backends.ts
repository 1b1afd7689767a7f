// The backends a test runs against. One that cannot run here (addon not built, no adapter) becomes
// a skipped test whose name says why, so a missing backend is visible, never silently passed.

import { it } from 'vitest'
import { probeBackend, getBackend } from '../../src-main/engine/backends'
import type { Backend, BackendName, BackendProbe } from '../../src-main/engine/backend'

export interface BackendUnderTest { name: BackendName; backend: Backend | null; reason: string; probe: BackendProbe }

export async function backendsUnderTest(names: BackendName[]): Promise<BackendUnderTest[]> {
  return Promise.all(names.map(async (name) => {
    const probe = await probeBackend(name)
    if (!probe.available) {
      console.warn(`[rnnbench tests] backend ${name} skipped: ${probe.reason}`)
      return { name, backend: null, reason: probe.reason ?? 'unavailable', probe }
    }
    return { name, backend: await getBackend(name), reason: '', probe }
  }))
}

/** Declare the skipped test for an unavailable backend; returns true when it was unavailable. */
export function skipUnavailable(b: BackendUnderTest): boolean {
  if (b.backend) return false
  it(`${b.name} is unavailable here: ${b.reason}`, (ctx) => ctx.skip(b.reason))
  return true
}
