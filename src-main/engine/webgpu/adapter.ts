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
  // Asking Dawn for the system's Vulkan adapter where the system has no Vulkan driver at all makes
  // Dawn print "vkCreateInstance: Found no drivers!" and a source path on stderr, which reads like
  // a crash: look for a driver manifest first.
  const chosenByUser = Boolean(process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES)
  const system = chosenByUser || !mayHaveSystemDriver() ? null : await attempt('system')
  if (system) return system
  if (process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES) {
    // The user chose the driver: respect it, and do not fall back behind their back.
    const chosen = await attempt('system')
    return chosen ?? { adapter: null, reason: `no adapter from the Vulkan driver named by VK_ICD_FILENAMES/VK_DRIVER_FILES (${process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES})` }
  }
  const icd = SWIFTSHADER_ICDS.find((p) => existsSync(p))
  if (!icd) {
    return { adapter: null, reason: 'no GPU adapter, and no SwiftShader software driver to fall back on: install a GPU driver, or Debian\'s chromium and libvulkan1 (apt-get install chromium libvulkan1)' }
  }
  process.env.VK_ICD_FILENAMES = icd
  process.env.VK_DRIVER_FILES = icd
  const fallback = await attempt({ swiftshader: icd })
  return fallback ?? { adapter: null, reason: `no GPU adapter, and the SwiftShader driver at ${icd} gave none either (is libvulkan1 installed? apt-get install libvulkan1)` }
}

/**
 * Whether the Vulkan loader can find any driver manifest in its standard places (Linux), or the
 * platform's own GPU API is used (elsewhere). False means asking Dawn for a system adapter can only
 * fail, noisily.
 */
function mayHaveSystemDriver(): boolean {
  if (process.platform !== 'linux') return true
  const dataDirs = (process.env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':')
  const dirs = [...new Set(['/etc/vulkan/icd.d', ...dataDirs.map((d) => join(d, 'vulkan', 'icd.d')), '/usr/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'])]
  return dirs.some((d) => {
    try {
      return readdirSync(d).some((f) => f.endsWith('.json'))
    } catch {
      return false
    }
  })
}
