// Backend `webgpu`. The adapter side is in place (adapter.ts); the WGSL kernels are not written
// yet, so the backend reports itself unavailable, naming the adapter it would use.

import type { BackendProbe } from '../backend'
import { findAdapter } from './adapter'

export async function probeWebgpu(): Promise<BackendProbe> {
  const found = await findAdapter()
  if (!found.adapter) return { backend: 'webgpu', available: false, reason: found.reason }
  const f = found as Exclude<typeof found, { adapter: null }>
  const adapter = `${f.description}${f.software ? ' (software)' : ''}`
  return {
    backend: 'webgpu',
    available: false,
    reason: `adapter ${adapter} found, but the WGSL training kernels are not implemented in this version of rnnbench`,
    device: adapter,
    details: { adapter: f.description, vendor: f.vendor, architecture: f.architecture, software: f.software, timestampQuery: f.timestampQuery, source: f.source === 'system' ? 'system' : `swiftshader:${f.source.swiftshader}` },
  }
}
