// Backend `cpu-js`: the TypeScript reference. Runs anywhere Node or a browser runs.

import os from 'node:os'
import type { Backend, Batch, BackendProbe, MemoryReport, ModelOptions, ModelRunner, SequenceInput, StackInput, StackResult, TrainStepOptions, TrainStepResult } from '../backend'
import { directions, modelLayout, type ParamLayout } from '../layout'
import { clipGradNorm, Optimizer } from '../optim'
import { Rng } from '../rng'
import type { ModelConfig, OptimizerConfig } from '../types'
import type { FloatArray } from './gemm'
import { crossEntropyLoss, linearBackward, linearForward, mseLoss } from './head'
import { arrayFor, RecurrentStack } from './stack'

export const cpuJsBackend: Backend = {
  name: 'cpu-js',
  async probe(): Promise<BackendProbe> {
    const cpus = os.cpus()
    return {
      backend: 'cpu-js',
      available: true,
      device: `${cpus[0]?.model?.trim() ?? 'unknown CPU'} (TypeScript reference, 1 thread)`,
    }
  },
  async createModel(config: ModelConfig, options: ModelOptions = {}): Promise<ModelRunner> {
    return new CpuJsModel(config, options)
  },
}

class CpuJsModel implements ModelRunner {
  readonly layout: ParamLayout
  private readonly F: Float32ArrayConstructor | Float64ArrayConstructor
  private readonly params: FloatArray
  private readonly grads: FloatArray
  private readonly stack: RecurrentStack
  private optimizer: Optimizer | null = null
  /** BPTT activation bytes of the last training step or stack pass (not of evaluation batches). */
  private activationBytes = 0
  // Head scratch, sized on first use for a given row count.
  private logits: FloatArray
  private dlogits: FloatArray
  private dy: FloatArray

  constructor(readonly config: ModelConfig, options: ModelOptions) {
    this.F = arrayFor(options.precision ?? 'f32')
    this.layout = modelLayout(config)
    this.params = new this.F(this.layout.total)
    this.grads = new this.F(this.layout.total)
    this.stack = new RecurrentStack(config.network, this.params, this.grads, 0, options.precision ?? 'f32')
    this.logits = new this.F(0)
    this.dlogits = new this.F(0)
    this.dy = new this.F(0)
  }

  async setParameters(values: ArrayLike<number>): Promise<void> {
    if (values.length !== this.layout.total) throw new Error(`expected ${this.layout.total} parameters, got ${values.length}`)
    this.params.set(values)
  }
  async getParameters(): Promise<FloatArray> { return this.params.slice() }
  async getGradients(): Promise<FloatArray> { return this.grads.slice() }

  async runStack(input: StackInput): Promise<StackResult> {
    const t0 = performance.now()
    const y = this.stack.forward({ ...input, training: false })
    this.activationBytes = this.stack.savedBytes
    const t1 = performance.now()
    if (input.dy) this.stack.backward(input.dy)
    const t2 = performance.now()
    const lstm = this.config.network.cell === 'lstm'
    return {
      y: y.slice(), hn: this.stack.hn.slice(), cn: lstm ? this.stack.cn.slice() : null,
      dx: input.dy ? this.stack.dx.slice() : null,
      dh0: input.dy ? this.stack.dh0.slice() : null,
      dc0: input.dy && lstm ? this.stack.dc0.slice() : null,
      forwardMs: t1 - t0, backwardMs: t2 - t1,
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
    const rng = options.dropoutSeed === undefined ? undefined : new Rng(options.dropoutSeed)

    const t0 = performance.now()
    const y = this.stack.forward({ ...batch, training: true, rng })
    this.activationBytes = this.stack.savedBytes
    linearForward(rows, F, O, this.logits, y, featsOff, this.params, w.offset, b.offset)
    const loss = head.loss === 'mse'
      ? mseLoss(rows * O, this.dlogits, this.logits, batch.targets)
      : crossEntropyLoss(rows, O, this.dlogits, this.logits, batch.targets)
    const t1 = performance.now()
    // A sequence-to-one head sends gradient only into the last timestep.
    if (head.kind === 'last') this.dy.fill(0, 0, featsOff)
    linearBackward(rows, F, O, this.grads, w.offset, b.offset, this.dy, featsOff, this.dlogits, y, featsOff, this.params, w.offset)
    const gradFlow = options.gradFlow ? new Float32Array(net.numLayers * directions(net) * T) : undefined
    this.stack.backward(this.dy, gradFlow)
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
    const y = this.stack.forward({ ...input, training: false })
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

  dispose(): void {}

  private requireHead() {
    if (!this.config.head) throw new Error('this model has no head: build it with a head to train or predict')
    return this.config.head
  }

  private ensureScratch(logits: number, dy: number): void {
    if (this.logits.length !== logits) { this.logits = new this.F(logits); this.dlogits = new this.F(logits) }
    if (this.dy.length !== dy) this.dy = new this.F(dy)
  }
}
