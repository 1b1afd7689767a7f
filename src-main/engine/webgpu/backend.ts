// Backend `webgpu`: WGSL kernels through Dawn's Node bindings (the npm package `webgpu`), on the
// system's GPU or, where there is none, the SwiftShader driver Debian's chromium ships. Written
// against the standard WebGPU API. See model.ts for how a step is recorded and model-plan.ts for
// what it dispatches.

import type { Backend, BackendProbe, ModelOptions, ModelRunner } from '../backend'
import { InputError } from '../errors'
import type { ModelConfig } from '../types'
import { findAdapter } from './adapter'
import { gpuDevice } from './device'
import { WebgpuModel } from './model'

export async function probeWebgpu(): Promise<BackendProbe> {
  const found = await findAdapter()
  if (!found.adapter) return { backend: 'webgpu', available: false, reason: found.reason }
  const f = found as Exclude<typeof found, { adapter: null }>
  const adapter = `${f.description}${f.software ? ' (software)' : ''}`
  return {
    backend: 'webgpu',
    available: true,
    device: adapter,
    details: {
      adapter: f.description, vendor: f.vendor, architecture: f.architecture, software: f.software,
      timing: f.timestampQuery ? 'gpu-timestamps' : 'wall-clock',
      source: f.source === 'system' ? 'system' : `swiftshader:${f.source.swiftshader}`,
    },
  }
}

export const webgpuBackend: Backend = {
  name: 'webgpu',
  probe: probeWebgpu,
  async createModel(config: ModelConfig, options: ModelOptions = {}): Promise<ModelRunner> {
    if (options.precision === 'f64') throw new InputError('precision', 'webgpu computes in float32 only')
    return WebgpuModel.create(config, await gpuDevice())
  },
}
