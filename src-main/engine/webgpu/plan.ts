// A plan is a recorded sequence of dispatches for one shape and one kind of call (a training step,
// a forward, a prediction), built once and replayed: its argument blocks live in one uniform
// buffer, bound with a dynamic offset per dispatch, and the whole plan shares one bind group. A
// replay records every dispatch into compute passes of one command encoder; nothing is created or
// read back while recording. Passes are timed with timestamp queries where the device offers them.

import type { GpuDevice, TrackedBuffer } from './device'
import { ARG_BLOCK_BYTES, ARG_SLOTS, ARG_STRIDE_BYTES, packArgs, type KernelArgs, type KernelDef } from './kernel'

interface Dispatch {
  def: KernelDef
  pipeline: GPUComputePipeline
  groups: [number, number, number]
}

export type PassName = 'forward' | 'backward'

/** Workgroup counts are capped per dimension; grid-stride kernels loop over what is left. */
export const MAX_GROUPS = 65535

export class Plan {
  private readonly dispatches: Dispatch[] = []
  private readonly passes: Array<{ name: PassName; start: number }> = []
  private u32 = new Uint32Array(ARG_SLOTS * 64)
  private f32 = new Float32Array(this.u32.buffer)
  private uniforms: TrackedBuffer | null = null
  private bindGroup: GPUBindGroup | null = null

  constructor(private readonly gpu: GpuDevice, private readonly pipelines: Map<string, GPUComputePipeline>) {}

  get dispatchCount(): number { return this.dispatches.length }
  get passNames(): PassName[] { return this.passes.map((p) => p.name) }

  beginPass(name: PassName): void {
    this.passes.push({ name, start: this.dispatches.length })
  }

  /**
   * Appends a dispatch; returns its index (for `patch`). The arguments are typed by the kernel's
   * own list: a missing or misspelt one does not compile.
   */
  dispatch<A extends string>(def: KernelDef<A>, groups: [number, number?, number?], args: KernelArgs<KernelDef<A>>): number {
    if (this.passes.length === 0) throw new Error('plan: dispatch before beginPass')
    const pipeline = this.pipelines.get(def.name)
    if (!pipeline) throw new Error(`plan: kernel ${def.name} was not compiled for this model`)
    const index = this.dispatches.length
    const slot0 = index * (ARG_STRIDE_BYTES / 4)
    if (slot0 + ARG_SLOTS > this.u32.length) {
      const grown = new Uint32Array(this.u32.length * 2)
      grown.set(this.u32)
      this.u32 = grown
      this.f32 = new Float32Array(grown.buffer)
    }
    packArgs(def, args, this.u32, this.f32, slot0)
    const g = groups.map((n) => Math.max(1, Math.ceil(n ?? 1))) as [number, number, number]
    if (g.some((n) => n > MAX_GROUPS)) throw new Error(`kernel ${def.name}: ${g.join('×')} workgroups exceed the limit of ${MAX_GROUPS} per dimension`)
    this.dispatches.push({ def, pipeline, groups: g })
    return index
  }

  /** Uploads the argument blocks and binds the arena; call after the last dispatch and whenever the arena is replaced. */
  async bind(arena: GPUBuffer): Promise<void> {
    if (!this.uniforms) {
      const bytes = Math.max(1, this.dispatches.length) * ARG_STRIDE_BYTES
      this.uniforms = await this.gpu.createBuffer({ label: 'plan arguments', size: bytes, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST })
      this.gpu.device.queue.writeBuffer(this.uniforms.buffer, 0, this.u32.buffer, 0, bytes)
    }
    this.bindGroup = this.gpu.device.createBindGroup({
      layout: this.gpu.layout,
      entries: [
        { binding: 0, resource: { buffer: this.uniforms.buffer, size: ARG_BLOCK_BYTES } },
        { binding: 1, resource: { buffer: arena } },
      ],
    })
  }

  /** Rewrites some arguments of one dispatch (per-step values such as Adam's bias correction). */
  patch(index: number, values: Record<string, number>): void {
    const d = this.dispatches[index]
    const slot0 = index * (ARG_STRIDE_BYTES / 4)
    const current: Record<string, number> = {}
    d.def.args.forEach(([name, type], i) => { current[name] = type === 'u32' ? this.u32[slot0 + i] : this.f32[slot0 + i] })
    packArgs(d.def, { ...current, ...values }, this.u32, this.f32, slot0)
    this.gpu.device.queue.writeBuffer(this.uniforms!.buffer, index * ARG_STRIDE_BYTES, this.u32.buffer, slot0 * 4, ARG_BLOCK_BYTES)
  }

  /** Records every pass; with a query set, pass k writes timestamps 2k (begin) and 2k + 1 (end). */
  encode(encoder: GPUCommandEncoder, querySet: GPUQuerySet | null): void {
    if (!this.bindGroup) throw new Error('plan: encode before bind')
    this.passes.forEach((p, k) => {
      const end = k + 1 < this.passes.length ? this.passes[k + 1].start : this.dispatches.length
      const pass = encoder.beginComputePass(querySet
        ? { label: p.name, timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * k, endOfPassWriteIndex: 2 * k + 1 } }
        : { label: p.name })
      let last: GPUComputePipeline | null = null
      for (let i = p.start; i < end; i++) {
        const d = this.dispatches[i]
        if (d.pipeline !== last) { pass.setPipeline(d.pipeline); last = d.pipeline }
        pass.setBindGroup(0, this.bindGroup!, [i * ARG_STRIDE_BYTES])
        pass.dispatchWorkgroups(d.groups[0], d.groups[1], d.groups[2])
      }
      pass.end()
    })
  }

  dispose(): void {
    this.uniforms?.destroy()
    this.uniforms = null
    this.bindGroup = null
  }
}
