// The backends a test runs against. One that cannot run here (addon not built, no adapter) becomes
// a skipped test whose name says why, so a missing backend is visible, never silently passed.

import { it } from 'vitest'
import { probeBackend, getBackend } from '../../src-main/engine/backends'
import type { Backend, BackendName, BackendProbe } from '../../src-main/engine/backend'

export interface BackendUnderTest { name: BackendName; backend: Backend | null; reason: string; probe: BackendProbe }

/**
 * Backends that must run: RNNBENCH_REQUIRE_BACKENDS, a comma-separated list CI sets for what its
 * machine installs, so that a backend broken there fails the tests instead of skipping them.
 */
const required = new Set((process.env.RNNBENCH_REQUIRE_BACKENDS ?? '').split(',').map((s) => s.trim()).filter(Boolean))

export async function backendsUnderTest(names: BackendName[]): Promise<BackendUnderTest[]> {
  return Promise.all(names.map(async (name) => {
    const probe = await probeBackend(name)
    if (!probe.available && required.has(name)) throw new Error(`backend ${name} is required here (RNNBENCH_REQUIRE_BACKENDS) but unavailable: ${probe.reason}`)
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
