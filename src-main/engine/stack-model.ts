// A ModelRunner built from a recurrent-stack engine plus the shared head, losses, clipping and
// optimizer. CPU backends differ only in how they run the stack (TypeScript, C++); the O(params)
// work around it is the PyTorch-checked reference code, run on the same buffers the engine uses.

import type { Batch, MemoryReport, ModelRunner, SequenceInput, StackInput, StackResult, TrainStepOptions, TrainStepResult } from './backend'
import { releaseAsmHeap, type FloatArray } from '../../src-shared/gemm'
import { crossEntropyLoss, linearBackward, linearForward, mseLoss } from '../../src-shared/head'
import { directions, modelLayout, type ParamLayout } from './layout'
import { clipGradNorm, Optimizer } from './optim'
import type { ModelConfig, OptimizerConfig } from './types'

/** What a backend provides: the stack's forward and backward over the model's own buffers. */
export interface StackEngine {
  /** y [T, B, D·H]; valid until the next forward. */
  forward(input: SequenceInput, training: boolean, dropoutSeed: number | undefined): FloatArray
  /** BPTT from dy into the stack's gradients (which it overwrites), dx, dh0, dc0. */
  backward(dy: FloatArray, gradFlow: Float32Array | undefined): void
  readonly hn: FloatArray
  readonly cn: FloatArray
  readonly dx: FloatArray
  readonly dh0: FloatArray
  readonly dc0: FloatArray
  /** Bytes the last forward kept for the backward. */
  readonly savedBytes: number
  /** Kernel ids of the threads besides the caller's that run the stack (a native thread pool's); none by default. */
  helperThreads?(): number[] | { unknown: string }
  dispose(): void
}

type ArrayCtor = Float32ArrayConstructor | Float64ArrayConstructor

export class StackModel implements ModelRunner {
  readonly layout: ParamLayout
  protected readonly params: FloatArray
  protected readonly grads: FloatArray
  private readonly engine: StackEngine
  private optimizer: Optimizer | null = null
  private activationBytes = 0
  private logits: FloatArray
  private dlogits: FloatArray
  private dy: FloatArray

  constructor(readonly config: ModelConfig, private readonly F: ArrayCtor, makeEngine: (params: FloatArray, grads: FloatArray) => StackEngine) {
    this.layout = modelLayout(config)
    this.params = new F(this.layout.total)
    this.grads = new F(this.layout.total)
    this.engine = makeEngine(this.params, this.grads)
    this.logits = new F(0)
    this.dlogits = new F(0)
    this.dy = new F(0)
  }

  async setParameters(values: ArrayLike<number>): Promise<void> {
    if (values.length !== this.layout.total) throw new Error(`expected ${this.layout.total} parameters, got ${values.length}`)
    this.params.set(values)
  }
  async getParameters(): Promise<FloatArray> { return this.params.slice() }
  async getGradients(): Promise<FloatArray> { return this.grads.slice() }

  async runStack(input: StackInput): Promise<StackResult> {
    const t0 = performance.now()
    const y = this.engine.forward(input, false, undefined)
    this.activationBytes = this.engine.savedBytes
    const t1 = performance.now()
    if (input.dy) this.engine.backward(input.dy, undefined)
    const t2 = performance.now()
    const e = this.engine, lstm = this.config.network.cell === 'lstm', back = Boolean(input.dy)
    return {
      y: y.slice(), hn: e.hn.slice(), cn: lstm ? e.cn.slice() : null,
      dx: back ? e.dx.slice() : null, dh0: back ? e.dh0.slice() : null, dc0: back && lstm ? e.dc0.slice() : null,
      forwardMs: t1 - t0, backwardMs: t2 - t1, totalMs: t2 - t0,
    }
  }

  setOptimizer(config: OptimizerConfig): void {
    this.optimizer = new Optimizer(config, this.layout.total)
  }

  async trainStep(batch: Batch, options: TrainStepOptions = {}): Promise<TrainStepResult> {
    const head = this.requireHead()
    const { T, B } = batch
    const net = this.config.network, F = directions(net) * net.hiddenSize, O = head.outputSize
    const rows = head.kind === 'last' ? B : T * B
    const featsOff = head.kind === 'last' ? (T - 1) * B * F : 0
    this.ensureScratch(rows * O, T * B * F)
    const w = this.layout.byName.get('head.weight')!, b = this.layout.byName.get('head.bias')!

    const t0 = performance.now()
    const y = this.engine.forward(batch, true, options.dropoutSeed)
    this.activationBytes = this.engine.savedBytes
    linearForward(rows, F, O, this.logits, y, featsOff, this.params, w.offset, b.offset)
    const loss = head.loss === 'mse'
      ? mseLoss(rows * O, this.dlogits, this.logits, batch.targets)
      : crossEntropyLoss(rows, O, this.dlogits, this.logits, batch.targets)
    const t1 = performance.now()
    // A sequence-to-one head sends gradient only into the last timestep.
    if (head.kind === 'last') this.dy.fill(0, 0, featsOff)
    linearBackward(rows, F, O, this.grads, w.offset, b.offset, this.dy, featsOff, this.dlogits, y, featsOff, this.params, w.offset)
    const gradFlow = options.gradFlow ? new Float32Array(net.numLayers * directions(net) * T) : undefined
    this.engine.backward(this.dy, gradFlow)
    const t2 = performance.now()
    const gradNorm = clipGradNorm(this.grads, this.optimizer?.config.clipNorm ?? 0)
    if (options.update !== false) {
      if (!this.optimizer) throw new Error('trainStep needs setOptimizer() first')
      this.optimizer.step(this.params, this.grads)
    }
    return { loss, gradNorm, gradFlow: gradFlow ?? null, forwardMs: t1 - t0, backwardMs: t2 - t1 }
  }

  async predict(input: SequenceInput): Promise<FloatArray> {
    const head = this.requireHead()
    const { T, B } = input
    const net = this.config.network, F = directions(net) * net.hiddenSize, O = head.outputSize
    const rows = head.kind === 'last' ? B : T * B
    const out = new this.F(rows * O)
    const y = this.engine.forward(input, false, undefined)
    const w = this.layout.byName.get('head.weight')!, b = this.layout.byName.get('head.bias')!
    linearForward(rows, F, O, out, y, head.kind === 'last' ? (T - 1) * B * F : 0, this.params, w.offset, b.offset)
    return out
  }

  memory(): MemoryReport {
    const bytes = this.params.BYTES_PER_ELEMENT
    return {
      parameterBytes: this.params.length * bytes,
      gradientBytes: this.grads.length * bytes,
      optimizerBytes: this.optimizer?.stateBytes ?? 0,
      activationBytes: this.activationBytes,
    }
  }

  /** A CPU backend's step runs on the calling thread, with the engine's helpers where it has any. */
  stepThreads(): { helpers: number[] } | { unknown: string } {
    const helpers = this.engine.helperThreads?.() ?? []
    return Array.isArray(helpers) ? { helpers } : helpers
  }

  dispose(): void {
    this.engine.dispose()
    // The head's products (and cpu-js's) ran in this thread's asm.js heap: the next run allocates
    // its own, so that each run's measured memory holds it.
    releaseAsmHeap()
  }

  private requireHead() {
    if (!this.config.head) throw new Error('this model has no head: build it with a head to train or predict')
    return this.config.head
  }

  private ensureScratch(logits: number, dy: number): void {
    if (this.logits.length !== logits) { this.logits = new this.F(logits); this.dlogits = new this.F(logits) }
    if (this.dy.length !== dy) this.dy = new this.F(dy)
  }
}
