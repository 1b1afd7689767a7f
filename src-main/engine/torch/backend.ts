// Backends `torch-cpu`, `torch-cuda` and `torch-mps`: the same runs through the user's own PyTorch
// (torch.nn.RNN/LSTM/GRU, torch.nn.Linear, torch.optim), in a Python child process
// (rnnbench_torch.py) fed rnnbench's initial weights and batches, so that a run on PyTorch and a run
// on rnnbench's engines differ only in the engine. Times are PyTorch's own, taken inside Python;
// the pipe is never in them (docs/TORCH.md).

import os from 'node:os'
import type { Backend, BackendName, BackendProbe, Batch, MemoryReport, ModelOptions, ModelRunner, SequenceInput, StackInput, StackResult, TrainStepOptions, TrainStepResult } from '../backend'
import type { FloatArray } from '../../../src-shared/gemm'
import { InputError } from '../errors'
import { modelLayout, type ParamLayout } from '../layout'
import type { ModelConfig, OptimizerConfig } from '../types'
import type { DecodedFrame, OutgoingArray } from './frames'
import { sharedProcess, torchPython, type TorchInfo, type TorchProcess } from './process'
import { momentBuffers } from '../../../src-shared/settings'
import type { TorchOp, TorchRequest, TorchRequestArray } from './protocol'

type TorchDevice = 'cpu' | 'cuda' | 'mps'

/** "OpenBLAS 0.3.21", "MKL", or the library torch loaded: from the shared libraries it mapped. */
export function blasName(info: TorchInfo): string {
  const libs = info.cpu?.blasLibraries ?? []
  const open = libs.map((p) => /libopenblas\w*?-r?([\d.]+)\.so/.exec(p)).find(Boolean)
  if (open) return `OpenBLAS ${open[1]}`
  if (libs.some((p) => /openblas/i.test(p))) return 'OpenBLAS'
  if (libs.some((p) => /mkl/i.test(p))) return 'MKL'
  if (libs.length) return libs.map((p) => p.split('/').pop()).join(', ')
  return info.cpu?.blas ?? 'unknown'
}

function describeCpu(info: TorchInfo): string {
  const blas = `BLAS ${blasName(info)}`
  return `PyTorch ${info.torch} on ${os.cpus()[0]?.model?.trim() ?? 'unknown CPU'} (${blas}${info.cpu?.mkldnn ? ', oneDNN' : ''}; Python ${info.python} at ${info.executable})`
}

function availability(device: TorchDevice, info: TorchInfo): Omit<BackendProbe, 'backend'> {
  const details = { python: info.executable, pythonVersion: info.python, torch: info.torch ?? '' }
  if (device === 'cpu') return { available: true, device: describeCpu(info), details: { ...details, blas: info.cpu?.blasLibraries.join(', ') || (info.cpu?.blas ?? '') } }
  if (device === 'cuda') {
    const cuda = info.cuda!
    if (!cuda.available) return { available: false, reason: cuda.reason ?? 'no CUDA device' }
    return {
      available: true,
      device: `PyTorch ${info.torch} on ${cuda.devices?.[0] ?? 'a CUDA GPU'} (CUDA ${cuda.version}, cuDNN ${cuda.cudnn ?? 'none'}; Python ${info.python} at ${info.executable})`,
      details: { ...details, cuda: cuda.version ?? '', cudnn: cuda.cudnn ?? 0 },
    }
  }
  if (!info.mps?.available) return { available: false, reason: info.mps?.reason ?? 'no MPS device' }
  return { available: true, device: `PyTorch ${info.torch} on Apple MPS (Python ${info.python} at ${info.executable})`, details }
}

function torchBackend(name: BackendName, device: TorchDevice): Backend {
  return {
    name,
    async probe(): Promise<BackendProbe> {
      const search = await torchPython()
      if (!search.found) return { backend: name, available: false, reason: search.reasons.join('; ') }
      const probe: BackendProbe = { backend: name, ...availability(device, search.found.info) }
      // A Python passed over on the way (python3 on PATH without torch) is worth saying.
      if (probe.available && search.reasons.length) probe.details = { ...probe.details, note: `passed over: ${search.reasons.join('; ')}` }
      return probe
    },
    async createModel(config: ModelConfig, options: ModelOptions = {}): Promise<ModelRunner> {
      if (options.precision === 'f64') throw new InputError('precision', `${name} computes in float32 only`)
      const proc = await sharedProcess()
      const layout = modelLayout(config)
      const model = new TorchModel(proc, name, config, layout)
      proc.retain()
      try {
        await proc.request('create', {
          model: model.id, device, threads: options.threads ?? 1, network: config.network, head: config.head ?? null,
          layout: layout.entries.map((e) => [e.name, e.shape]),
        })
      } catch (err) {
        proc.release()
        throw new Error(`${name}: ${(err as Error).message}`)
      }
      return model
    },
  }
}

export const torchCpuBackend = torchBackend('torch-cpu', 'cpu')
export const torchCudaBackend = torchBackend('torch-cuda', 'cuda')
export const torchMpsBackend = torchBackend('torch-mps', 'mps')

let modelCount = 0

const f32 = <N extends string>(name: N, values: ArrayLike<number>): OutgoingArray & { name: N } => ({ name, dtype: 'f32', values })

/** The state arrays a batch carries, where it carries them (absent: zeros, as in torch). */
function stateArrays(input: SequenceInput): Array<OutgoingArray & { name: 'h0' | 'c0' }> {
  return [...(input.h0 ? [f32('h0', input.h0)] : []), ...(input.c0 ? [f32('c0', input.c0)] : [])]
}

function array(frame: DecodedFrame, name: string): Float32Array {
  const a = frame.arrays.get(name)
  if (!(a instanceof Float32Array)) throw new Error(`the PyTorch process's answer has no ${name}`)
  return a
}

class TorchModel implements ModelRunner {
  readonly id = ++modelCount
  /** Steps may be sent ahead: the next batches wait in the pipe while PyTorch computes. */
  readonly maxStepsInFlight = 3
  stepThreads() { return { unknown: 'the steps run in the PyTorch process, whose threads are not sampled' } }
  private optimizer: OptimizerConfig | null = null
  /** What autograd kept for the backward at the last shape run, as PyTorch's process measured it. */
  private activationBytes = 0
  private deviceBytes: number | undefined
  /** A request sent without waiting (setOptimizer, dispose) that failed: the next call reports it. */
  private failure: Error | null = null
  private disposed = false

  constructor(private readonly proc: TorchProcess, readonly backend: BackendName, readonly config: ModelConfig, readonly layout: ParamLayout) {}

  private async ask<Op extends Exclude<TorchOp, 'hello' | 'create'>>(op: Op, fields: Omit<TorchRequest<Op>, 'model'>, arrays: Array<OutgoingArray & { name: TorchRequestArray<Op> }> = []): Promise<DecodedFrame> {
    if (this.failure) throw this.failure
    // The frame is written before the first await: the caller may refill its arrays at once.
    const answer = this.proc.request(op, { model: this.id, ...fields } as TorchRequest<Op>, arrays)
    try {
      const frame = await answer
      if (typeof frame.header.activationBytes === 'number') this.activationBytes = frame.header.activationBytes
      if (typeof frame.header.deviceBytes === 'number') this.deviceBytes = Math.max(this.deviceBytes ?? 0, frame.header.deviceBytes)
      return frame
    } catch (err) {
      throw new Error(`${this.backend}: ${(err as Error).message}`)
    }
  }

  async setParameters(values: ArrayLike<number>): Promise<void> {
    if (values.length !== this.layout.total) throw new Error(`expected ${this.layout.total} parameters, got ${values.length}`)
    await this.ask('setParameters', {}, [f32('values', values)])
  }

  async getParameters(): Promise<FloatArray> { return array(await this.ask('getParameters', {}), 'values') }
  async getGradients(): Promise<FloatArray> { return array(await this.ask('getGradients', {}), 'values') }

  async runStack(input: StackInput): Promise<StackResult> {
    const lstm = this.config.network.cell === 'lstm', back = Boolean(input.dy)
    const frame = await this.ask('runStack', { T: input.T, B: input.B },
      [f32('x', input.x), ...stateArrays(input), ...(input.dy ? [f32('dy', input.dy)] : [])])
    const h = frame.header as { forwardMs: number; backwardMs: number; totalMs: number }
    return {
      y: array(frame, 'y'), hn: array(frame, 'hn'), cn: lstm ? array(frame, 'cn') : null,
      dx: back ? array(frame, 'dx') : null, dh0: back ? array(frame, 'dh0') : null, dc0: back && lstm ? array(frame, 'dc0') : null,
      forwardMs: h.forwardMs, backwardMs: back ? h.backwardMs : 0, totalMs: h.totalMs,
    }
  }

  setOptimizer(config: OptimizerConfig): void {
    this.optimizer = config
    this.ask('setOptimizer', { optimizer: config }).catch((err: Error) => { this.failure ??= err })
  }

  async trainStep(batch: Batch, options: TrainStepOptions = {}): Promise<TrainStepResult> {
    const head = this.requireHead()
    if (options.update !== false && !this.optimizer) throw new Error('trainStep needs setOptimizer() first')
    const targets: OutgoingArray & { name: 'targets' } = { name: 'targets', dtype: head.loss === 'mse' ? 'f32' : 'i32', values: batch.targets }
    const frame = await this.ask('trainStep', {
      T: batch.T, B: batch.B, gradFlow: Boolean(options.gradFlow), dropoutSeed: options.dropoutSeed ?? 0, update: options.update !== false,
    }, [f32('x', batch.x), targets, ...stateArrays(batch)])
    const h = frame.header as { loss: number | string; gradNorm: number | string; forwardMs: number; backwardMs: number; stepMs: number }
    return {
      loss: Number(h.loss), gradNorm: Number(h.gradNorm), gradFlow: options.gradFlow ? array(frame, 'gradFlow') : null,
      forwardMs: h.forwardMs, backwardMs: h.backwardMs, stepMs: h.stepMs, timing: 'wall-clock',
    }
  }

  async predict(input: SequenceInput): Promise<FloatArray> {
    this.requireHead()
    return array(await this.ask('predict', { T: input.T, B: input.B }, [f32('x', input.x), ...stateArrays(input)]), 'out')
  }

  memory(): MemoryReport {
    const n = this.layout.total
    const o = this.optimizer
    const moments = o ? momentBuffers(o) : 0
    return {
      parameterBytes: 4 * n, gradientBytes: 4 * n, optimizerBytes: 4 * moments * n,
      activationBytes: this.activationBytes,
      ...(this.deviceBytes !== undefined ? { deviceBytes: this.deviceBytes } : {}),
    }
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    if (!this.proc.ended) this.proc.request('dispose', { model: this.id }).catch(() => { /* the process is gone: so is the model */ })
    this.proc.release()
  }

  private requireHead() {
    if (!this.config.head) throw new Error('this model has no head: build it with a head to train or predict')
    return this.config.head
  }
}
