// The contract every compute backend implements: cpu-js (TypeScript reference), cpu-native (C++
// N-API addon) and webgpu (WGSL through Dawn). Everything above it (parity, training, sweeps,
// bench) is written once against this interface.
//
// The unit of work is a whole pass or a whole training step, never a single kernel: a GPU backend
// must record a step into one command buffer and a native one must not cross the N-API boundary
// per timestep. Parameters, gradients and optimizer state live inside the backend (device memory,
// native memory); they are copied in and out only on request. Timing is part of the contract:
// each call reports how long its forward and backward took, measured by the backend itself.

import type { FloatArray } from '../../src-shared/gemm'
import type { ParamLayout } from './layout'
import type { ModelConfig, OptimizerConfig, Precision } from './types'

import type { BackendName } from '../../src-shared/names'
export { BACKEND_NAMES, type BackendName } from '../../src-shared/names'

export interface BackendProbe {
  backend: BackendName
  available: boolean
  /** Why it is not available, and what to do about it. */
  reason?: string
  /** What it runs on: a CPU model, a GPU adapter. */
  device?: string
  details?: Record<string, string | number | boolean>
}

export interface ModelOptions {
  /** cpu-js only: 'f64' runs the reference in double precision (gradient checks). */
  precision?: Precision
  /** CPU backends: worker threads inside one step. */
  threads?: number
}

/** A sequence batch, sequence-first: x [T, B, I]; h0, c0 [L·D, B, H]. */
export interface SequenceInput {
  T: number
  B: number
  x: FloatArray
  h0?: FloatArray | null
  c0?: FloatArray | null
}

export interface StackInput extends SequenceInput {
  /** ∂L/∂y [T, B, D·H]; absent: forward only. */
  dy?: FloatArray | null
}

export interface StackResult {
  y: FloatArray           // [T, B, D·H]
  hn: FloatArray          // [L·D, B, H]
  cn: FloatArray | null   // [L·D, B, H] (LSTM)
  /** With dy: */
  dx: FloatArray | null   // [T, B, I]
  dh0: FloatArray | null  // [L·D, B, H]
  dc0: FloatArray | null  // [L·D, B, H] (LSTM)
  /** The forward and backward times; null where the backend cannot tell them apart (a GPU without timestamp queries). */
  forwardMs: number | null
  backwardMs: number | null
  /** The whole call: forward + backward where both are known, else the backend's wall clock. */
  totalMs: number
  /** GPU backends: kernel dispatches recorded for this call. */
  dispatches?: number
  /** GPU backends: how the times were taken. */
  timing?: 'gpu-timestamps' | 'wall-clock'
}

export interface Batch extends SequenceInput {
  /**
   * mse: targets [B, O] (head 'last') or [T, B, O] (head 'every');
   * cross_entropy: class indices [B] or [T, B].
   */
  targets: ArrayLike<number>
}

export interface TrainStepOptions {
  /** Apply the optimizer (false: gradients only, e.g. for benchmarks). Default true. */
  update?: boolean
  /** Record ‖∂L/∂h_t‖ per layer-direction and timestep into the result. */
  gradFlow?: boolean
  /** Generator state for dropout masks; derived from the run's seed by the caller. */
  dropoutSeed?: number
}

export interface TrainStepResult {
  loss: number
  /** Global gradient norm before clipping. */
  gradNorm: number
  /** [L·D, T] when asked for. */
  gradFlow: Float32Array | null
  /** Null where the backend cannot tell the forward from the backward (a GPU without timestamp queries). */
  forwardMs: number | null
  backwardMs: number | null
  /** The whole step as the backend measured it, where that differs from the caller's wall clock (GPU). */
  stepMs?: number
  /** GPU backends: kernel dispatches recorded for this step. */
  dispatches?: number
  /** GPU backends: how the times were taken. */
  timing?: 'gpu-timestamps' | 'wall-clock'
}

export interface MemoryReport {
  parameterBytes: number
  gradientBytes: number
  optimizerBytes: number
  /** What the forward keeps for BPTT at the last (T, B) it ran. */
  activationBytes: number
  /** GPU backends: peak bytes of live device buffers, counted by the backend's allocator. */
  deviceBytes?: number
}

export interface ModelRunner {
  readonly config: ModelConfig
  readonly layout: ParamLayout
  setParameters(values: ArrayLike<number>): Promise<void>
  getParameters(): Promise<FloatArray>
  getGradients(): Promise<FloatArray>
  /** The bare recurrent stack: forward, then BPTT from dy when given. */
  runStack(input: StackInput): Promise<StackResult>
  setOptimizer(config: OptimizerConfig): void
  /** Forward, head, loss, backward, clipping and the optimizer update. Needs a head. */
  trainStep(batch: Batch, options?: TrainStepOptions): Promise<TrainStepResult>
  /** Head outputs [R, O] in evaluation mode (no dropout). Needs a head. */
  predict(input: SequenceInput): Promise<FloatArray>
  memory(): MemoryReport
  /**
   * How many trainStep calls a caller may leave unawaited (default 1). A GPU backend submits a
   * step and resolves its promise when the figures come back; keeping a few in flight keeps the
   * device busy while the CPU prepares the next batches. A backend copies a call's inputs before
   * it returns: the caller may refill the same arrays for the next step at once.
   */
  readonly maxStepsInFlight?: number
  /**
   * The threads a training step runs on, for telling whether a step lost the CPU
   * (engine/timing/sched-wait.ts): the calling thread and these helpers (kernel thread ids); or
   * why it cannot be known (the step runs in another process, or on a GPU's queue). Absent: not known.
   */
  stepThreads?(): { helpers: number[] } | { unknown: string }
  dispose(): void
}

export interface Backend {
  readonly name: BackendName
  /** Whether it can run here and on what; never throws. */
  probe(): Promise<BackendProbe>
  createModel(config: ModelConfig, options?: ModelOptions): Promise<ModelRunner>
}
