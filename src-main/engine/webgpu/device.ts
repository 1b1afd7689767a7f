// The WebGPU device of this thread, the kernels compiled on it, and the failures it reports.
// One device per thread (Dawn instances are per thread), shared by every model the thread runs;
// pipelines are compiled once per device and kernel. Errors that WebGPU reports asynchronously
// (validation, out-of-memory, device lost) are kept here and turned into exceptions at the next
// call, so a failing run ends with its message instead of hanging or crashing the thread.

import { findAdapter, type AdapterFound } from './adapter'
import { ARG_BLOCK_BYTES, kernelSource, type KernelDef } from './kernel'

export interface GpuInfo {
  /** The device was opened with timestamp queries (the adapter offers them). */
  timestamps: boolean
}

export class GpuDevice {
  readonly layout: GPUBindGroupLayout
  readonly pipelineLayout: GPUPipelineLayout
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>()
  /** The first error the device reported since the last check. */
  private failure: string | null = null
  /** Set once the device is lost: every later call throws it. */
  private lost: string | null = null
  /** Bytes of live buffers created through `createBuffer`, the allocator's own count. */
  liveBytes = 0

  constructor(readonly device: GPUDevice, readonly info: GpuInfo) {
    this.layout = device.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: ARG_BLOCK_BYTES } },
        { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
      ],
    })
    this.pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [this.layout] })
    device.addEventListener('uncapturederror', (e) => {
      this.failure ??= `WebGPU error: ${(e as GPUUncapturedErrorEvent).error.message.split('\n')[0]}`
    })
    void device.lost.then((lost) => {
      this.lost = `WebGPU device lost (${lost.reason}): ${lost.message.split('\n')[0] || 'no message'}`
      if (current?.device === this) current = null
    })
  }

  /** Throws the device's loss, or the first error it reported since the last check (once). */
  check(): void {
    if (this.lost) throw new Error(this.lost)
    const failure = this.failure
    this.failure = null
    if (failure) throw new Error(failure)
  }

  /** The compiled pipeline of a kernel; a WGSL error becomes an exception naming the kernel and line. */
  pipeline(def: KernelDef): Promise<GPUComputePipeline> {
    let p = this.pipelines.get(def.name)
    if (!p) {
      p = this.compile(def)
      this.pipelines.set(def.name, p)
    }
    return p
  }

  private async compile(def: KernelDef): Promise<GPUComputePipeline> {
    this.device.pushErrorScope('validation') // a bad kernel fails its own compile, not the device
    const module = this.device.createShaderModule({ label: def.name, code: kernelSource(def) })
    const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error')
    await this.device.popErrorScope()
    if (errors.length) {
      const e = errors[0]
      throw new Error(`WGSL kernel ${def.name} failed to compile: ${e.lineNum}:${e.linePos} ${e.message}`)
    }
    return this.device.createComputePipelineAsync({ label: def.name, layout: this.pipelineLayout, compute: { module, entryPoint: 'main' } })
  }

  /** A buffer whose bytes count in `liveBytes` until `destroy` (out-of-memory is thrown here, not later). */
  async createBuffer(desc: GPUBufferDescriptor): Promise<TrackedBuffer> {
    this.check()
    this.device.pushErrorScope('out-of-memory')
    this.device.pushErrorScope('validation')
    const buffer = this.device.createBuffer(desc)
    const invalid = await this.device.popErrorScope()
    const oom = await this.device.popErrorScope()
    if (oom || invalid) {
      buffer.destroy()
      throw new Error(`cannot allocate a GPU buffer of ${(desc.size / 2 ** 20).toFixed(1)} MiB: ${(oom ?? invalid)!.message.split('\n')[0]}`)
    }
    return this.track(buffer, desc.size)
  }

  /** A small buffer needed without waiting (staging for readback); its errors surface through `check`. */
  createBufferNow(desc: GPUBufferDescriptor): TrackedBuffer {
    this.check()
    return this.track(this.device.createBuffer(desc), desc.size)
  }

  private track(buffer: GPUBuffer, size: number): TrackedBuffer {
    this.liveBytes += size
    let live = true
    return {
      buffer,
      size,
      destroy: () => {
        if (!live) return
        live = false
        this.liveBytes -= size
        buffer.destroy()
      },
    }
  }
}

export interface TrackedBuffer {
  buffer: GPUBuffer
  size: number
  destroy(): void
}

let current: { device: GpuDevice; ready: Promise<GpuDevice> } | null = null
let opening: Promise<GpuDevice> | null = null
let adapterUsed = false

/** This thread's device, opened on first use (and again after a loss). */
export async function gpuDevice(): Promise<GpuDevice> {
  if (current) return current.ready
  opening ??= openDevice().finally(() => { opening = null })
  return opening
}

async function openDevice(): Promise<GpuDevice> {
  const found = await findAdapter()
  if (!found.adapter) throw new Error(found.reason)
  const f = found as AdapterFound
  // An adapter makes one device; after a loss, ask the same instance for a new one.
  const adapter = adapterUsed ? await f.gpu.requestAdapter({ powerPreference: 'high-performance' }) : f.adapter
  if (!adapter) throw new Error(`the WebGPU adapter ${f.description} is gone (after a lost device)`)
  adapterUsed = true
  const limits = adapter.limits
  const timestamps = f.timestampQuery && adapter.features.has('timestamp-query')
  const device = await adapter.requestDevice({
    requiredFeatures: timestamps ? ['timestamp-query'] : [],
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
    },
  })
  const gpu = new GpuDevice(device, { timestamps })
  current = { device: gpu, ready: Promise.resolve(gpu) }
  return gpu
}
