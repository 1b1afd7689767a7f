// Finding a WebGPU adapter through Dawn's Node bindings (the npm package `webgpu`): the system's
// GPU where there is one; otherwise the SwiftShader Vulkan driver that Debian's chromium package
// ships (docs/NUMERICS.md §5), found without the user setting anything. Written against the standard
// WebGPU API, so the kernels that use it could run in a browser too.

import { existsSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Where software Vulkan drivers usable by Dawn are installed (Mesa's lavapipe is rejected by Dawn). */
const SWIFTSHADER_ICDS = [
  '/usr/lib/chromium/vk_swiftshader_icd.json', // Debian / Ubuntu chromium
  '/usr/lib64/chromium-browser/vk_swiftshader_icd.json', // Fedora
  '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
]

export interface AdapterFound {
  gpu: GPU
  adapter: GPUAdapter
  /** As the adapter describes itself, e.g. "SwiftShader driver 5.0.0". */
  description: string
  vendor: string
  architecture: string
  /** A CPU implementation (SwiftShader): correct, but its timings say nothing about GPUs. */
  software: boolean
  /** How it was found: the system's drivers, or the SwiftShader fallback (with its ICD file). */
  source: 'system' | { swiftshader: string }
  timestampQuery: boolean
}

export type AdapterSearch = AdapterFound | { adapter: null; reason: string }

let search: Promise<AdapterSearch> | null = null

/** The adapter, found once per thread (Dawn instances are per thread). */
export function findAdapter(): Promise<AdapterSearch> {
  search ??= searchAdapter()
  return search
}

async function searchAdapter(): Promise<AdapterSearch> {
  let webgpu: typeof import('webgpu')
  try {
    webgpu = await import('webgpu')
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (package|module) 'webgpu'/.test((err as Error).message)
    // An optional dependency: everything else works without it.
    if (missing) return { adapter: null, reason: 'the npm package webgpu (Dawn\'s Node bindings, about 130 MB) is not installed; add it with npm install webgpu' }
    return { adapter: null, reason: `Dawn's Node bindings (npm package webgpu) failed to load: ${(err as Error).message.split('\n')[0]}` }
  }
  Object.assign(globalThis, webgpu.globals)
  // Some Vulkan layers complain on stderr when this is unset; it is only used for sockets.
  process.env.XDG_RUNTIME_DIR ??= tmpdir()
  const attempt = async (source: AdapterFound['source']): Promise<AdapterFound | null> => {
    const gpu = webgpu.create([])
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' })
    if (!adapter) return null
    const info = adapter.info
    const software = /swiftshader|llvmpipe|lavapipe/i.test(`${info.architecture} ${info.description} ${info.device}`) || Boolean((info as { isFallbackAdapter?: boolean }).isFallbackAdapter)
    return {
      gpu, adapter, software, source,
      description: info.description || `${info.vendor} ${info.architecture}`.trim(),
      vendor: info.vendor, architecture: info.architecture,
      timestampQuery: adapter.features.has('timestamp-query'),
    }
  }
  // Dawn prints to stderr, as warnings with a source path, for every Vulkan driver it loads and
  // cannot use: "Found no drivers!" where there is none, "Failed to detect any valid GPUs" from
  // Mesa's hardware drivers on a machine without their GPU, "shaderUniform*ArrayDynamicIndexing
  // required" from Mesa's lavapipe, which Dawn rejects. Debian's chromium installs all of Mesa's.
  // So the system is asked only for the drivers that can work here, named to the loader.
  const chosenByUser = Boolean(process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES)
  if (!chosenByUser) {
    const usable = usableSystemDrivers()
    if (usable === 'platform') {
      const system = await attempt('system')
      if (system) return system
    } else if (usable.length) {
      pointLoaderAt(usable.join(':'))
      const system = await attempt('system')
      if (system) return system
    }
  }
  if (chosenByUser) {
    // The user chose the driver: respect it, and do not fall back behind their back. (Not the
    // drivers named above: where they give no adapter, SwiftShader is next.)
    const chosen = await attempt('system')
    return chosen ?? { adapter: null, reason: `no adapter from the Vulkan driver named by VK_ICD_FILENAMES/VK_DRIVER_FILES (${process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES})` }
  }
  const icd = SWIFTSHADER_ICDS.find((p) => existsSync(p))
  if (!icd) {
    return { adapter: null, reason: 'no GPU adapter, and no SwiftShader software driver to fall back on: install a GPU driver, or Debian\'s chromium and libvulkan1 (apt-get install chromium libvulkan1)' }
  }
  pointLoaderAt(icd)
  const fallback = await attempt({ swiftshader: icd })
  return fallback ?? { adapter: null, reason: `no GPU adapter, and the SwiftShader driver at ${icd} gave none either (is libvulkan1 installed? apt-get install libvulkan1)` }
}

/**
 * Names the Vulkan drivers the loader may load, for this thread and the workers that share the
 * process environment (a worker then finds them set, as if the user had, and asks for the same).
 */
function pointLoaderAt(manifests: string): void {
  process.env.VK_ICD_FILENAMES = manifests
  process.env.VK_DRIVER_FILES = manifests
}

/** Mesa's software rasteriser: Dawn rejects it (no dynamic indexing of uniform arrays). */
const REJECTED_BY_DAWN = /^lvp_icd\b/

/**
 * The system's Vulkan driver manifests that can give Dawn an adapter here (Linux), or 'platform'
 * where the platform's own GPU API is used (elsewhere). A hardware driver can only drive a GPU the
 * kernel exposes: /dev/dri/renderD* (Mesa, and AMD's and Intel's own), /dev/nvidia* (NVIDIA's),
 * /dev/dxg (WSL). Without such a device no hardware driver is asked, and lavapipe never is.
 */
export function usableSystemDrivers(root = '/'): string[] | 'platform' {
  if (process.platform !== 'linux') return 'platform'
  const dataDirs = (process.env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':')
  const dirs = [...new Set(['/etc/vulkan/icd.d', ...dataDirs.map((d) => join(d, 'vulkan', 'icd.d')), '/usr/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'])]
  const manifests = dirs.flatMap((d) => {
    try {
      return readdirSync(join(root, d)).filter((f) => f.endsWith('.json') && !REJECTED_BY_DAWN.test(f)).map((f) => join(d, f))
    } catch {
      return []
    }
  })
  return manifests.length && hasGpuDevice(root) ? manifests : []
}

function hasGpuDevice(root: string): boolean {
  const list = (d: string): string[] => {
    try {
      return readdirSync(join(root, d))
    } catch {
      return []
    }
  }
  return list('dev/dri').some((f) => f.startsWith('renderD')) || list('dev').some((f) => /^nvidia\d+$/.test(f) || f === 'dxg')
}
