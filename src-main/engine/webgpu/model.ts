// A model on the GPU: parameters, gradients, optimizer state and activations in one arena buffer;
// a plan per (call kind, T, B) built once; a training step recorded into one command encoder and
// submitted once. The step's figures (loss, gradient norm, timestamps, gradient flow) are copied to
// a staging buffer in the same submission, and `trainStep` returns a promise of them without
// waiting: the caller decides when to wait (the training loop keeps a few steps in flight and
// waits at its evaluation cadence).

import type { Batch, MemoryReport, ModelRunner, SequenceInput, StackInput, StackResult, TrainStepOptions, TrainStepResult } from '../backend'
import type { FloatArray } from '../../../src-shared/gemm'
import { directions, modelLayout, type ParamLayout } from '../layout'
import { Rng } from '../rng'
import type { ModelConfig, OptimizerConfig } from '../types'
import type { GpuDevice, TrackedBuffer } from './device'
import { buildPlan, kernelsFor, type PersistentLayout, type PlanKind, type PlanRegions } from './model-plan'
import { OPT_ADAM, OPT_SGD } from './kernels/optim'
import { Plan } from './plan'
import { momentBuffers } from '../../../src-shared/settings'

const MAX_PLANS = 6
/** Steps a caller may leave unawaited: enough to keep the GPU busy while the CPU prepares batches. */
export const STEPS_IN_FLIGHT = 4

interface BuiltPlan { plan: Plan; regions: PlanRegions }

export class WebgpuModel implements ModelRunner {
  readonly layout: ParamLayout
  readonly maxStepsInFlight: number
  stepThreads() { return { unknown: 'the steps run on the GPU\'s queue (a software adapter\'s own threads), whose CPU is not sampled' } }
  private persist: PersistentLayout
  private arena: TrackedBuffer | null = null
  private readonly plans = new Map<string, BuiltPlan>()
  private optimizer: OptimizerConfig | null = null
  private updates = 0
  private savedFloats = 0
  private readonly querySet: GPUQuerySet | null
  private readonly queryResolve: TrackedBuffer | null
  private readonly freeStaging: TrackedBuffer[] = []
  private readonly bytesAtStart: number
  private peakBytes = 0
  /** Floats of optimizer state to zero before the next call (set by setOptimizer). */
  private pendingStateReset = 0
  /** The recording of the last call made (see `serialize`). */
  private chain: Promise<void> = Promise.resolve()

  private constructor(readonly config: ModelConfig, private readonly gpu: GpuDevice, private readonly pipelines: Map<string, GPUComputePipeline>,
    queries: { set: GPUQuerySet; resolve: TrackedBuffer } | null, bytesAtStart: number) {
    this.layout = modelLayout(config)
    const n = this.layout.total
    this.persist = { params: 0, grads: n, m1: 2 * n, m2: 2 * n, end: align(2 * n) }
    this.querySet = queries?.set ?? null
    this.queryResolve = queries?.resolve ?? null
    this.bytesAtStart = bytesAtStart
    // With timestamps a step's time is the GPU's; without, it is the wall clock from submit to
    // completion, which is only that step's when it is alone on the queue.
    this.maxStepsInFlight = this.querySet ? STEPS_IN_FLIGHT : 1
  }

  static async create(config: ModelConfig, gpu: GpuDevice): Promise<WebgpuModel> {
    const defs = kernelsFor(config)
    const compiled = await Promise.all(defs.map((d) => gpu.pipeline(d)))
    const pipelines = new Map(defs.map((d, i) => [d.name, compiled[i]]))
    const bytesAtStart = gpu.liveBytes
    let queries: { set: GPUQuerySet; resolve: TrackedBuffer } | null = null
    if (gpu.info.timestamps) {
      const set = gpu.device.createQuerySet({ type: 'timestamp', count: 4 })
      const resolve = await gpu.createBuffer({ label: 'timestamps', size: 32, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC })
      queries = { set, resolve }
    }
    const model = new WebgpuModel(config, gpu, pipelines, queries, bytesAtStart)
    await model.ensureArena(model.persist.end)
    return model
  }

  // ----- parameters ------------------------------------------------------------------------------

  async setParameters(values: ArrayLike<number>): Promise<void> {
    if (values.length !== this.layout.total) throw new Error(`expected ${this.layout.total} parameters, got ${values.length}`)
    const data = Float32Array.from(values)
    return this.serialize(async () => {
      this.write(this.persist.params, data)
      return { done: Promise.resolve() }
    })
  }
  getParameters(): Promise<FloatArray> { return this.readRange(this.persist.params, this.layout.total) }
  getGradients(): Promise<FloatArray> { return this.readRange(this.persist.grads, this.layout.total) }

  private readRange(offset: number, n: number): Promise<FloatArray> {
    return this.serialize(async () => {
      const { done } = this.submit(this.gpu.device.createCommandEncoder(), [[offset, n]], 0)
      return { done: done.then(([parts]) => parts[0]) }
    })
  }

  setOptimizer(config: OptimizerConfig): void {
    this.optimizer = config
    this.updates = 0
    const n = this.layout.total
    const moments = momentBuffers(config)
    const end = align(2 * n + moments * n)
    this.persist = { params: 0, grads: n, m1: 2 * n, m2: moments === 2 ? 3 * n : 2 * n, end }
    // Plans allocate after the persistent state and bake in the clip norm: rebuild them. The state
    // starts at zero, as torch.optim's does (a zero buffer also starts SGD's momentum, see `first`).
    this.dropPlans()
    this.pendingStateReset = moments * n
  }

  // ----- the bare stack (parity, bench) ----------------------------------------------------------

  runStack(input: StackInput): Promise<StackResult> {
    const copy = { ...snapshot(input), dy: input.dy ? Float32Array.from(input.dy) : null }
    return this.serialize(() => this.recordStack(copy))
  }

  private async recordStack(input: StackInput): Promise<{ done: Promise<StackResult> }> {
    const back = Boolean(input.dy)
    const { plan, regions: r } = await this.planFor(back ? 'forward-backward' : 'forward', input.T, input.B, false)
    this.uploadInputs(r, input)
    if (back) this.write(r.dy, input.dy!)
    const encoder = this.gpu.device.createCommandEncoder()
    plan.encode(encoder, this.querySet)
    const net = this.config.network, lstm = net.cell === 'lstm', S = input.B * net.hiddenSize
    const states = (slots: number[]) => slots.map((o): [number, number] => [o, S])
    const wanted: Array<[number, number]> = [[r.y, input.T * input.B * directions(net) * net.hiddenSize], ...states(r.hn), ...states(r.cn)]
    if (back) {
      wanted.push([r.dx, input.T * input.B * net.inputSize], [r.dh0, r.hn.length * S])
      if (lstm) wanted.push([r.dc0, r.hn.length * S])
    }
    const submitted = performance.now()
    const { done } = this.submit(encoder, wanted, plan.passNames.length)
    return {
      done: done.then(([parts, times]): StackResult => {
        const wallMs = performance.now() - submitted
        const y = parts.shift()!
        const hn = concat(parts.splice(0, r.hn.length)), cn = lstm ? concat(parts.splice(0, r.cn.length)) : null
        const [dx, dh0, dc0] = back ? [parts.shift()!, parts.shift()!, lstm ? parts.shift()! : null] : [null, null, null]
        return {
          y, hn, cn, dx, dh0, dc0,
          forwardMs: times ? times[0] : null, backwardMs: times ? (back ? times[1] : 0) : null, totalMs: times ? times[0] + (back ? times[1] : 0) : wallMs,
          dispatches: plan.dispatchCount, timing: times ? 'gpu-timestamps' : 'wall-clock',
        }
      }),
    }
  }

  // ----- training --------------------------------------------------------------------------------

  trainStep(batch: Batch, options: TrainStepOptions = {}): Promise<TrainStepResult> {
    if (!this.optimizer && options.update !== false) return Promise.reject(new Error('trainStep needs setOptimizer() first'))
    const copy = { ...snapshot(batch), targets: Float32Array.from(batch.targets) }
    return this.serialize(() => this.recordTrainStep(copy, options))
  }

  private async recordTrainStep(batch: Batch, options: TrainStepOptions): Promise<{ done: Promise<TrainStepResult> }> {
    const flow = Boolean(options.gradFlow)
    const { plan, regions: r } = await this.planFor('train', batch.T, batch.B, flow)
    this.uploadInputs(r, batch)
    this.write(r.targets, batch.targets)
    if (r.masks.some((m) => m >= 0)) this.uploadDropoutMasks(r, batch, options.dropoutSeed)
    const update = options.update !== false
    if (update) this.updates++
    plan.patch(r.optimizerDispatch, this.optimizerArgs(update))

    const encoder = this.gpu.device.createCommandEncoder()
    plan.encode(encoder, this.querySet)
    const net = this.config.network
    const wanted: Array<[number, number]> = [[r.result, 4]]
    if (flow) wanted.push([r.gradFlow, net.numLayers * directions(net) * batch.T])
    const submitted = performance.now()
    const { done } = this.submit(encoder, wanted, 2)
    return {
      done: done.then(([parts, times]): TrainStepResult => ({
        loss: parts[0][0], gradNorm: parts[0][1],
        gradFlow: flow ? parts[1] : null,
        forwardMs: times ? times[0] : null,
        backwardMs: times ? times[1] : null,
        stepMs: times ? times[2] : performance.now() - submitted,
        dispatches: plan.dispatchCount,
        timing: times ? 'gpu-timestamps' : 'wall-clock',
      })),
    }
  }

  predict(input: SequenceInput): Promise<FloatArray> {
    if (!this.config.head) return Promise.reject(new Error('this model has no head: build it with a head to train or predict'))
    const copy = snapshot(input)
    return this.serialize(() => this.recordPredict(copy))
  }

  private async recordPredict(input: SequenceInput): Promise<{ done: Promise<FloatArray> }> {
    const head = this.config.head!
    const { plan, regions: r } = await this.planFor('predict', input.T, input.B, false)
    this.uploadInputs(r, input)
    const encoder = this.gpu.device.createCommandEncoder()
    plan.encode(encoder, null)
    const rows = head.kind === 'last' ? input.B : input.T * input.B
    const { done } = this.submit(encoder, [[r.logits, rows * head.outputSize]], 0)
    return { done: done.then(([parts]) => parts[0]) }
  }

  memory(): MemoryReport {
    const n = this.layout.total
    const moments = this.optimizer ? momentBuffers(this.optimizer) : 0
    this.peakBytes = Math.max(this.peakBytes, this.gpu.liveBytes - this.bytesAtStart)
    return {
      parameterBytes: 4 * n, gradientBytes: 4 * n, optimizerBytes: 4 * moments * n,
      activationBytes: 4 * this.savedFloats,
      deviceBytes: this.peakBytes,
    }
  }

  dispose(): void {
    this.dropPlans()
    this.arena?.destroy()
    this.arena = null
    for (const s of this.freeStaging.splice(0)) s.destroy()
    this.queryResolve?.destroy()
    this.querySet?.destroy()
  }

  // ----- internals -------------------------------------------------------------------------------

  private async planFor(kind: PlanKind, T: number, B: number, gradFlow: boolean): Promise<BuiltPlan> {
    this.gpu.check()
    const key = `${kind}:${T}x${B}:${gradFlow ? 1 : 0}`
    let built = this.plans.get(key)
    if (built) {
      this.plans.delete(key) // most recently used last
      this.plans.set(key, built)
    } else {
      if (this.plans.size >= MAX_PLANS) {
        const [oldest, evicted] = this.plans.entries().next().value!
        this.plans.delete(oldest)
        evicted.plan.dispose()
      }
      const plan = new Plan(this.gpu, this.pipelines)
      const regions = buildPlan(plan, this.config, this.layout, this.persist, { kind, T, B, gradFlow }, this.optimizer?.clipNorm ?? 0)
      await this.ensureArena(regions.end)
      await plan.bind(this.arena!.buffer)
      built = { plan, regions }
      this.plans.set(key, built)
    }
    if (this.pendingStateReset > 0) {
      this.write(this.persist.m1, new Float32Array(this.pendingStateReset))
      this.pendingStateReset = 0
    }
    // What the forward keeps for the backward, as the CPU backends report it: for the last call
    // that ran a backward (a training step, a stack pass), not for predictions.
    if (kind === 'train' || kind === 'forward-backward' || kind === 'forward') this.savedFloats = built.regions.savedFloats
    return built
  }

  private dropPlans(): void {
    for (const { plan } of this.plans.values()) plan.dispose()
    this.plans.clear()
  }

  /** Grows the arena to hold `floats`, keeping the persistent state (plans are rebound to the new buffer). */
  private async ensureArena(floats: number): Promise<void> {
    const bytes = floats * 4
    const limit = this.gpu.device.limits.maxStorageBufferBindingSize
    if (bytes > limit) {
      throw new Error(`this shape needs ${(bytes / 2 ** 20).toFixed(0)} MiB of GPU memory in one buffer; the adapter allows ${(limit / 2 ** 20).toFixed(0)} MiB: use a smaller batch, sequence or hidden size`)
    }
    if (this.arena && this.arena.size >= bytes) return
    const size = Math.min(limit, Math.ceil((bytes * 1.25) / 65536) * 65536)
    const grown = await this.gpu.createBuffer({ label: 'arena', size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST })
    if (this.arena) {
      const encoder = this.gpu.device.createCommandEncoder()
      encoder.copyBufferToBuffer(this.arena.buffer, 0, grown.buffer, 0, Math.min(this.arena.size, this.persist.end * 4))
      this.gpu.device.queue.submit([encoder.finish()])
      this.arena.destroy()
    }
    this.arena = grown
    for (const { plan } of this.plans.values()) await plan.bind(grown.buffer)
    this.peakBytes = Math.max(this.peakBytes, this.gpu.liveBytes - this.bytesAtStart)
  }

  private write(offset: number, values: ArrayLike<number>): void {
    const data = values instanceof Float32Array ? values : Float32Array.from(values)
    this.gpu.device.queue.writeBuffer(this.arena!.buffer, offset * 4, data.buffer, data.byteOffset, data.byteLength)
  }

  /** x, and h0/c0 into the initial-state slots (zeros when absent: the slots are reused between steps). */
  private uploadInputs(r: PlanRegions, input: SequenceInput): void {
    const H = this.config.network.hiddenSize, S = input.B * H
    this.write(r.x, input.x)
    const zeros = new Float32Array(S)
    r.h0.forEach((at, ld) => this.write(at, input.h0 ? input.h0.subarray(ld * S, (ld + 1) * S) : zeros))
    r.c0.forEach((at, ld) => this.write(at, input.c0 ? input.c0.subarray(ld * S, (ld + 1) * S) : zeros))
  }

  /** The same masks as cpu-js for the same seed (one generator, layer by layer), made on the CPU and uploaded. */
  private uploadDropoutMasks(r: PlanRegions, batch: Batch, seed: number | undefined): void {
    if (seed === undefined) throw new Error('training with dropout needs a random generator')
    const net = this.config.network, p = net.dropout, keep = 1 / (1 - p)
    const n = batch.T * batch.B * directions(net) * net.hiddenSize
    const rng = new Rng(seed), mask = new Float32Array(n)
    for (let l = 1; l < net.numLayers; l++) {
      for (let k = 0; k < n; k++) mask[k] = rng.uniform() < p ? 0 : keep
      this.write(r.masks[l], mask)
    }
  }

  private optimizerArgs(update: boolean): Record<string, number> {
    const o = this.optimizer
    if (!o || !update) return { update: 0 }
    const b1 = o.beta1 ?? 0.9, b2 = o.beta2 ?? 0.999
    return {
      update: 1, kind: o.kind === 'adam' ? OPT_ADAM : OPT_SGD, first: this.updates === 1 ? 1 : 0, nesterov: o.nesterov ? 1 : 0,
      lr: o.lr, momentum: o.momentum ?? 0, weight_decay: o.weightDecay ?? 0, beta1: b1, beta2: b2, eps: o.eps ?? 1e-8,
      step_size: o.lr / (1 - b1 ** this.updates), bc2_sqrt: Math.sqrt(1 - b2 ** this.updates),
    }
  }

  /**
   * Calls run one after another: each one's recording (uploads, encoding, submit) starts after the
   * previous one submitted, so uploads never land between another call's uploads and its submit.
   * Waiting for results is not serialized: several steps can be in flight.
   */
  private serialize<T>(record: () => Promise<{ done: Promise<T> }>): Promise<T> {
    const recorded = this.chain.then(record)
    this.chain = recorded.then(() => undefined, () => undefined)
    return recorded.then((r) => r.done)
  }

  /**
   * Copies the wanted ranges (and the timestamps of `passes` passes) into a staging buffer and
   * submits the encoder, without waiting; `done` resolves once the staging buffer maps:
   * [the ranges, [pass ms…, total ms] or null].
   */
  private submit(encoder: GPUCommandEncoder, wanted: Array<[number, number]>, passes: number): { done: Promise<[Float32Array[], number[] | null]> } {
    this.gpu.check()
    const timed = this.querySet !== null && passes > 0
    const floats = wanted.reduce((s, [, n]) => s + n, 0)
    const bytes = 32 + floats * 4
    const staging = this.staging(bytes)
    if (timed) {
      encoder.resolveQuerySet(this.querySet!, 0, 2 * passes, this.queryResolve!.buffer, 0)
      encoder.copyBufferToBuffer(this.queryResolve!.buffer, 0, staging.buffer, 0, 16 * passes)
    }
    let at = 32
    for (const [offset, n] of wanted) {
      if (n > 0) encoder.copyBufferToBuffer(this.arena!.buffer, offset * 4, staging.buffer, at, n * 4)
      at += n * 4
    }
    this.gpu.device.queue.submit([encoder.finish()])
    return { done: this.collect(staging, bytes, wanted, timed ? passes : 0) }
  }

  private async collect(staging: TrackedBuffer, bytes: number, wanted: Array<[number, number]>, passes: number): Promise<[Float32Array[], number[] | null]> {
    try {
      await staging.buffer.mapAsync(GPUMapMode.READ, 0, bytes)
    } catch (err) {
      staging.destroy()
      this.gpu.check()
      throw err
    }
    this.gpu.check()
    const timed = passes > 0
    const copy = staging.buffer.getMappedRange(0, bytes).slice(0)
    staging.buffer.unmap()
    this.releaseStaging(staging)
    const parts: Float32Array[] = []
    let at = 32
    for (const [, n] of wanted) { parts.push(new Float32Array(copy, at, n)); at += n * 4 }
    let times: number[] | null = null
    if (timed) {
      const ts = new BigInt64Array(copy, 0, 2 * passes)
      const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6
      times = []
      for (let k = 0; k < passes; k++) times.push(ms(ts[2 * k], ts[2 * k + 1]))
      times.push(ms(ts[0], ts[2 * passes - 1]))
    }
    return [parts, times]
  }

  private staging(bytes: number): TrackedBuffer {
    const i = this.freeStaging.findIndex((s) => s.size >= bytes)
    if (i >= 0) return this.freeStaging.splice(i, 1)[0]
    return this.gpu.createBufferNow({ label: 'staging', size: Math.ceil(bytes / 256) * 256, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST })
  }

  private releaseStaging(s: TrackedBuffer): void {
    if (!this.arena || this.freeStaging.length >= STEPS_IN_FLIGHT + 2) s.destroy()
    else this.freeStaging.push(s)
  }
}

/**
 * Copies of a call's inputs, taken when it is made: its recording may run after the caller has
 * refilled the same arrays for the next step (tasks reuse their batch buffers).
 */
function snapshot(input: SequenceInput): SequenceInput {
  const copy = (a: FloatArray | null | undefined) => (a ? Float32Array.from(a) : null)
  return { T: input.T, B: input.B, x: copy(input.x)!, h0: copy(input.h0), c0: copy(input.c0) }
}

const align = (floats: number) => Math.ceil(floats / 64) * 64

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0))
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}
