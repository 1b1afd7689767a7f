// One training run from a RunConfig: data, model, optimizer, the loop with its budget, evaluation
// cadence, divergence detection and time-to-target, and every figure a result records. Runs the
// same in a worker thread, the CLI and tests; reports through hooks, owns no I/O.

import type { TrainStepResult } from './backend'
import { getBackend } from './backends'
import type { FloatArray } from '../../src-shared/gemm'
import { initParameters } from './init'
import { Rng } from './rng'
import { networkOf, stackFlops, type RunConfig } from './run-config'
import { createTask, type Task } from './tasks'
import type { Baseline, MetricSpec } from './tasks/task'

export const SERIES_NAMES = ['train_loss', 'grad_norm', 'train_metric', 'val_loss', 'val_metric'] as const
export type SeriesName = (typeof SERIES_NAMES)[number]

export interface Point { series: SeriesName; step: number; wallMs: number; value: number }

export interface GradFlowSnapshot {
  step: number
  /** Rows: layer-direction (l·D + d); columns: timestep. ‖∂L/∂h_t‖₂ summed over the batch. */
  rows: number
  T: number
  norms: number[]
}

export interface Summary { median: number; p10: number; p90: number; n: number }

export interface RunFigures {
  status: 'done' | 'diverged'
  divergence: string | null
  parameterCount: number
  steps: number
  wallSeconds: number
  /** forward and backward: null where the backend cannot time them apart (a GPU without timestamp queries). */
  stepMs: { total: Summary; forward: Summary | null; backward: Summary | null }
  samplesPerSecond: number
  timestepsPerSecond: number
  gflops: number
  flopsPerStep: number
  memory: {
    parameterBytes: number
    gradientBytes: number
    optimizerBytes: number
    activationBytes: number
    analyticTotalBytes: number
    /** Peak growth of this thread's V8 heap + ArrayBuffers over the run, sampled at each evaluation. */
    peakMeasuredBytes: number
    /** GPU backends: peak bytes of live device buffers, from the backend's allocator. */
    deviceBytes?: number
  }
  finalTrainLoss: number
  finalValLoss: number
  finalMetric: number
  bestMetric: number
  bestStep: number
  metric: MetricSpec
  baseline: Baseline
  timeToTarget: { seconds: number; step: number } | null
  task: { name: string; seqLen: number; citation: string }
  /** How step times were taken: the backend's wall clock (CPU), or the GPU's timestamp queries. */
  timing: 'wall-clock' | 'gpu-timestamps'
  /** GPU backends: kernel dispatches in one training step; null for CPU backends. */
  dispatchesPerStep: number | null
  /**
   * True when the time budget ended the run before any step past warm-up: the step times are the
   * warm-up steps' (JIT, allocation and pipeline compilation included), so they overstate a step.
   */
  stepTimesFromWarmup?: boolean
}

export interface TrainingHooks {
  /** Series points, in batches (at each evaluation and at the end). */
  onPoints?(points: Point[]): void
  onGradFlow?(snapshot: GradFlowSnapshot): void
  /** About 4 times a second. */
  onProgress?(progress: { fraction: number; step: number; loss: number }): void
  /** Polled every step: true ends the run early (it then throws RunCancelled). */
  shouldStop?(): boolean
}

export class RunCancelled extends Error {
  override readonly name = 'RunCancelled'
}

/** Loss above this multiple of the first step's counts as exploding. */
const EXPLODING_FACTOR = 1e3

export function summarize(samples: number[]): Summary {
  if (samples.length === 0) return { median: NaN, p10: NaN, p90: NaN, n: 0 }
  const s = [...samples].sort((a, b) => a - b)
  const q = (p: number) => {
    const at = p * (s.length - 1), lo = Math.floor(at), hi = Math.ceil(at)
    return s[lo] + (s[hi] - s[lo]) * (at - lo)
  }
  return { median: q(0.5), p10: q(0.1), p90: q(0.9), n: s.length }
}

/** A summary of the times a backend could measure; null when it measured none of them. */
function summarizeKnown(samples: Array<number | null>): Summary | null {
  const known = samples.filter((v): v is number => v !== null && Number.isFinite(v))
  return known.length ? summarize(known) : null
}

export async function runTraining(config: RunConfig, hooks: TrainingHooks = {}, textOfFile?: string): Promise<RunFigures> {
  const task: Task = createTask(config.task, { seqLen: config.seqLen, textFile: config.textFile, text: textOfFile }, config.dataSeed)
  const network = networkOf(config, task.inputSize)
  const backend = await getBackend(config.backend)
  const model = await backend.createModel({ network, head: task.head }, { threads: config.threads })
  try {
    const rng = new Rng(config.seed)
    const params = new Float32Array(model.layout.total)
    initParameters({ network, head: task.head }, model.layout, params, { seed: rng.nextU32(), forgetBias1: config.forgetBias1 })
    await model.setParameters(params)
    model.setOptimizer({ kind: config.optimizer, lr: config.lr, momentum: config.momentum, weightDecay: config.weightDecay, clipNorm: config.clipNorm })
    const dataRng = rng.fork()
    const dropoutRng = rng.fork()

    const memoryAtStart = threadMemory()
    let peakMemory = memoryAtStart
    const start = performance.now()
    const wall = () => performance.now() - start
    const forwardMs: Array<number | null> = [], backwardMs: Array<number | null> = [], totalMs: number[] = []
    /** The warm-up steps' timings: used only when the budget left no other step to time. */
    const warmup = { forward: [] as Array<number | null>, backward: [] as Array<number | null>, total: [] as number[] }
    let pending: Point[] = []
    const flush = () => { if (pending.length) { hooks.onPoints?.(pending); pending = [] } }

    let step = 0, firstLoss = NaN, lastLoss = NaN, divergence: string | null = null
    let finalVal = { loss: NaN, metric: NaN }, best = { metric: NaN, step: 0 }
    let timeToTarget: RunFigures['timeToTarget'] = null
    let lastProgress = 0

    const better = (a: number, b: number) => (Number.isNaN(b) ? true : task.metric.lowerIsBetter ? a < b : a > b)
    const scoreOn = async (batches: typeof task.validation) => {
      const outputs: FloatArray[] = []
      for (const batch of batches) outputs.push(await model.predict(batch))
      return task.score(outputs, batches)
    }
    const evaluate = async () => {
      const v = await scoreOn(task.validation)
      const tr = await scoreOn(task.trainSample)
      const at = wall()
      pending.push({ series: 'val_loss', step, wallMs: at, value: v.loss }, { series: 'val_metric', step, wallMs: at, value: v.metric },
        { series: 'train_metric', step, wallMs: at, value: tr.metric })
      finalVal = v
      if (better(v.metric, best.metric)) best = { metric: v.metric, step }
      if (config.target !== null && !timeToTarget && Number.isFinite(v.metric) && !better(config.target, v.metric)) {
        timeToTarget = { seconds: at / 1000, step }
      }
      peakMemory = Math.max(peakMemory, threadMemory())
      flush()
    }

    const budgetFraction = () => Math.max(config.steps > 0 ? step / config.steps : 0, config.seconds > 0 ? wall() / 1000 / config.seconds : 0)
    // A step budget is exact. A time budget ends the run at the first step past it, once a step
    // past warm-up is timed; where none is yet (a slow adapter: 20 s a step on a 3 s budget), it
    // allows one step more and no more, and the step times then come from the warm-up steps.
    let firstStepOverBudget: number | null = null
    const finished = () => {
      if (config.steps > 0 && step >= config.steps) return true
      if (!(config.seconds > 0 && wall() / 1000 >= config.seconds)) return false
      if (step > config.warmupSteps) return true
      firstStepOverBudget ??= step
      return step > firstStepOverBudget
    }
    await evaluate() // step 0: the untrained network, so that every curve starts at the same point

    // Steps are issued without waiting for their figures, up to the backend's limit (a GPU backend
    // queues several; CPU backends compute before they return, so the limit is 1), and the figures
    // are taken in order: before every evaluation, and whenever the limit is reached.
    const maxInFlight = Math.max(1, model.maxStepsInFlight ?? 1)
    const inFlight: Array<{ result: Promise<TrainStepResult>; step: number; T: number; issuedAt: number }> = []
    let dispatches: number | null = null
    let timing: RunFigures['timing'] = 'wall-clock'
    const accept = (r: TrainStepResult, at: { step: number; T: number; issuedAt: number }): boolean => {
      const stepMs = r.stepMs ?? performance.now() - at.issuedAt
      if (at.step > config.warmupSteps) { forwardMs.push(r.forwardMs); backwardMs.push(r.backwardMs); totalMs.push(stepMs) }
      else { warmup.forward.push(r.forwardMs); warmup.backward.push(r.backwardMs); warmup.total.push(stepMs) }
      if (r.dispatches !== undefined) dispatches = r.dispatches
      if (r.timing) timing = r.timing
      if (at.step === 1) firstLoss = r.loss
      lastLoss = r.loss
      const now = wall()
      pending.push({ series: 'train_loss', step: at.step, wallMs: now, value: r.loss }, { series: 'grad_norm', step: at.step, wallMs: now, value: r.gradNorm })
      if (r.gradFlow) {
        hooks.onGradFlow?.({ step: at.step - 1, rows: r.gradFlow.length / at.T, T: at.T, norms: Array.from(r.gradFlow) })
      }
      if (!Number.isFinite(r.loss) || !Number.isFinite(r.gradNorm)) {
        divergence = `loss became ${r.loss} at step ${at.step}`
      } else if (at.step > 1 && r.loss > EXPLODING_FACTOR * Math.max(firstLoss, 1e-3)) {
        divergence = `loss exploded to ${r.loss.toPrecision(3)} at step ${at.step} (first step: ${firstLoss.toPrecision(3)})`
      }
      if (divergence) { step = at.step; return false }
      if (now - lastProgress > 250) {
        lastProgress = now
        hooks.onProgress?.({ fraction: Math.min(1, budgetFraction()), step: at.step, loss: r.loss })
      }
      return true
    }
    /** Takes the figures of every step in flight; false once one diverged (later ones are dropped). */
    const drain = async (): Promise<boolean> => {
      while (inFlight.length) {
        const next = inFlight.shift()!
        if (!accept(await next.result, next)) {
          await Promise.allSettled(inFlight.splice(0).map((s) => s.result))
          return false
        }
      }
      return true
    }
    while (!finished()) {
      if (hooks.shouldStop?.()) {
        await Promise.allSettled(inFlight.map((s) => s.result))
        throw new RunCancelled('cancelled')
      }
      const batch = task.trainBatch(config.batchSize, dataRng)
      const wantFlow = config.gradFlowEvery > 0 && step % config.gradFlowEvery === 0
      const issuedAt = performance.now()
      const result = model.trainStep(batch, { gradFlow: wantFlow, dropoutSeed: dropoutRng.nextU32() })
      step++
      inFlight.push({ result, step, T: batch.T, issuedAt })
      const evaluating = step % config.evalEvery === 0
      if (inFlight.length >= maxInFlight || evaluating || finished()) {
        if (!(await drain())) break
      }
      if (evaluating) await evaluate()
    }
    if (!divergence) await drain()
    if (!divergence && step % config.evalEvery !== 0) await evaluate()
    flush()

    const mem = model.memory()
    const warmupTimed = totalMs.length === 0 && warmup.total.length > 0
    if (warmupTimed) { forwardMs.push(...warmup.forward); backwardMs.push(...warmup.backward); totalMs.push(...warmup.total) }
    const total = summarize(totalMs)
    const flops = stackFlops(network, config.batchSize, task.seqLen)
    return {
      status: divergence ? 'diverged' : 'done',
      divergence,
      parameterCount: model.layout.total,
      steps: step,
      wallSeconds: wall() / 1000,
      stepMs: { total, forward: summarizeKnown(forwardMs), backward: summarizeKnown(backwardMs) },
      samplesPerSecond: (config.batchSize * 1000) / total.median,
      timestepsPerSecond: (config.batchSize * task.seqLen * 1000) / total.median,
      gflops: flops / (total.median * 1e6),
      flopsPerStep: flops,
      memory: {
        ...mem,
        analyticTotalBytes: mem.parameterBytes + mem.gradientBytes + mem.optimizerBytes + mem.activationBytes,
        peakMeasuredBytes: Math.max(0, peakMemory - memoryAtStart),
      },
      finalTrainLoss: lastLoss,
      finalValLoss: finalVal.loss,
      finalMetric: finalVal.metric,
      bestMetric: best.metric,
      bestStep: best.step,
      metric: task.metric,
      baseline: task.baseline,
      timeToTarget,
      task: { name: task.name, seqLen: task.seqLen, citation: task.citation },
      timing,
      dispatchesPerStep: dispatches,
      ...(warmupTimed ? { stepTimesFromWarmup: true } : {}),
    }
  } finally {
    model.dispose()
  }
}

function threadMemory(): number {
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}
