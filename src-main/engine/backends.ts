// Which backends exist and how to reach them. A backend is loaded lazily, so that one that cannot
// load here (an addon that did not build, no WebGPU) never stops the others.

import { BACKEND_NAMES, type Backend, type BackendName, type BackendProbe } from './backend'
import { cpuJsBackend } from './cpu-js/backend'
import { InputError } from './errors'

const loaders: Record<BackendName, () => Promise<Backend>> = {
  'cpu-js': async () => cpuJsBackend,
  'cpu-native': async () => (await import('./cpu-native/backend')).cpuNativeBackend,
  webgpu: async () => (await import('./webgpu/backend')).webgpuBackend,
  // The user's own PyTorch, in a Python child process (docs/TORCH.md).
  'torch-cpu': async () => (await import('./torch/backend')).torchCpuBackend,
  'torch-cuda': async () => (await import('./torch/backend')).torchCudaBackend,
  'torch-mps': async () => (await import('./torch/backend')).torchMpsBackend,
}

export function parseBackendName(value: unknown, field = 'backend'): BackendName {
  if (typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName
  throw new InputError(field, `unknown backend ${JSON.stringify(value)}; valid: ${BACKEND_NAMES.join(', ')}`)
}

/** Every backend's availability, in a fixed order. Never throws. */
export async function probeAll(): Promise<BackendProbe[]> {
  return Promise.all(BACKEND_NAMES.map(probeBackend))
}

export async function probeBackend(name: BackendName): Promise<BackendProbe> {
  try {
    return await (await loaders[name]()).probe()
  } catch (err) {
    return { backend: name, available: false, reason: `failed to load: ${(err as Error).message}` }
  }
}

/** The backend, or an InputError that says why it cannot run here. */
export async function getBackend(name: BackendName): Promise<Backend> {
  const backend = await loaders[name]()
  const probe = await backend.probe()
  if (!probe.available) throw new InputError('backend', `${name} is not available here: ${probe.reason}`)
  return backend
}
