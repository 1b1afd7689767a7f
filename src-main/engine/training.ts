// One training run from a RunConfig: data, model, optimizer, the loop with its budget, evaluation
// cadence, divergence detection and time-to-target, and every figure a result records. Runs the
// same in a worker thread, the CLI and tests; reports through hooks, owns no I/O.

import type { ModelRunner, TrainStepResult } from './backend'
import { getBackend } from './backends'
import type { FloatArray } from '../../src-shared/gemm'
import { initParameters } from './init'
import { Rng } from './rng'
import { networkOf, stackFlops, type RunConfig } from './run-config'
import { createTask, taskOptions, type Task } from './tasks'
import { storedBaseline, type Baseline, type MetricSpec } from './tasks/task'
import { pairedBaselineTest, type BaselineTest } from './baseline-test'
import { cleanSteps, CLEAN_QUANTILE, stepTimeShown, type CleanSteps, type StepRecord } from '../../src-shared/lost-cpu'
import { openWaitClock, type WaitClock } from './timing/sched-wait'
import { PressureSampler, type PressureFigures } from './timing/pressure'
import type { RunPhases } from '../../src-shared/phases'

export type { RunPhases }

/** step_ms: each step's wall time (ms); wait_ms: how long its threads waited for a CPU meanwhile (CPU backends on Linux). */
export const SERIES_NAMES = ['train_loss', 'grad_norm', 'train_metric', 'val_loss', 'val_metric', 'step_ms', 'wait_ms'] as const
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

/**
 * Whether the timed steps had the CPU (src-shared/lost-cpu.ts): with the run-queue wait of the
 * threads that ran each step, the steps that lost it, left out, and the figure of the rest; or
 * why it was not known. With the machine's CPU pressure through the run either way.
 */
export type CpuFigures = (
  | ({ signal: 'run-queue wait'; threads: number; estimator: string } & CleanSteps)
  | { signal: null; unknown: string }
) & { pressure: PressureFigures | null }

export interface RunFigures {
  status: 'done' | 'diverged'
  divergence: string | null
  parameterCount: number
  steps: number
  wallSeconds: number
  /**
   * Every timed step, whether or not it had the CPU (total.median: the plain median); forward and
   * backward: null where the backend cannot time them apart (a GPU without timestamp queries).
   */
  stepMs: { total: Summary; forward: Summary | null; backward: Summary | null }
  /** The CPU the steps had, and the step-time figure that leaves out those that lost it. Absent for runs recorded before it. */
  cpu?: CpuFigures
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
  /** The classical baseline (a linear autoregression, naive Bayes, a bigram model), where the task has one. */
  classical?: Baseline
  /**
   * Did it learn: the final validation errors against the baseline's on the same items, paired
   * (engine/baseline-test.ts). Absent for runs recorded before it, and for a diverged run.
   */
  baselineTest?: BaselineTest
  /** The same test against the classical baseline, where the task has one. */
  classicalTest?: BaselineTest
  /** What the items of those tests are: "validation sequences", "validation months". */
  testItems?: string
  /**
   * The final network scored once on the held-out test split, after its last step: never read by
   * training, by the best step or by a tuned sweep's choice of trial. Absent for runs recorded
   * before the test split existed, and for a diverged run.
   */
  test?: TestFigures
  /** Measures beside the metric at the final evaluation: mase (forecasts), macroF1 (classification). */
  extraMetrics?: Record<string, number>
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
  /** Where the run's wall time went. Absent for runs recorded before it. */
  phases?: RunPhases
}

/** A run's figures on the test split (Task.test), with both baselines scored on the same items. */
export interface TestFigures {
  metric: number
  loss: number
  /** Measures beside the metric: mase (forecasts), macroF1 (classification). */
  extraMetrics?: Record<string, number>
  baseline: Baseline
  classical?: Baseline
  /** Did it learn, on test: the paired test against each baseline on the test items. */
  baselineTest?: BaselineTest
  classicalTest?: BaselineTest
  /** What a test item is: "test sequences", "test months". */
  items: string
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

/** `startedAt`: when the run was asked for (performance.now() of this thread), where its start-up is counted from. */
export async function runTraining(config: RunConfig, hooks: TrainingHooks = {}, textOfFile?: string, startedAt = performance.now()): Promise<RunFigures> {
  return trainOn(createTask(config.task, taskOptions(config, textOfFile), config.dataSeed), config, hooks, startedAt)
}

/** A run on a task already built: what runTraining does once it has the task (tests hand it one they have altered). */
export async function trainOn(task: Task, config: RunConfig, hooks: TrainingHooks = {}, startedAt = performance.now()): Promise<RunFigures> {
  const network = networkOf(config, task.inputSize)
  const backend = await getBackend(config.backend)
  const model = await backend.createModel({ network, head: task.head }, { threads: config.threads })
  try {
    const rng = new Rng(config.seed)
    const params = new Float32Array(model.layout.total)
    initParameters({ network, head: task.head }, model.layout, params, { seed: rng.nextU32(), forgetBias1: config.forgetBias1 })
    await model.setParameters(params)
    model.setOptimizer({ kind: config.optimizer, lr: config.lr, momentum: config.momentum, weightDecay: config.weightDecay, clipNorm: config.clipNorm })
    // Two streams forked in this order: the training batches, then the dropout masks.
    const run = new TrainingRun(config, task, model, hooks, rng.fork(), rng.fork())
    try {
      await run.train()
      // The test split is read here and only here, once training (and every choice made on
      // validation) is over.
      const testFrom = performance.now()
      const test = await run.scoreTest()
      const testMs = performance.now() - testFrom
      const figures = run.figures(stackFlops(network, config.batchSize, task.seqLen))
      return { ...figures, phases: run.phases(startedAt, testMs), ...(test ? { test } : {}) }
    } finally {
      run.close()
    }
  } finally {
    model.dispose()
  }
}

/** Step times as the backend reports them: past warm-up, and the warm-up's own, kept apart. */
class StepTimes {
  private readonly timed = { forward: [] as Array<number | null>, backward: [] as Array<number | null>, total: [] as number[], records: [] as StepRecord[] }
  private readonly warmup = { forward: [] as Array<number | null>, backward: [] as Array<number | null>, total: [] as number[], records: [] as StepRecord[] }

  constructor(private readonly warmupSteps: number) {}

  /** A step's times; waitMs where its threads' CPU was sampled. */
  add(step: number, r: TrainStepResult, totalMs: number, waitMs: number | null): void {
    const into = step > this.warmupSteps ? this.timed : this.warmup
    into.forward.push(r.forwardMs); into.backward.push(r.backwardMs); into.total.push(totalMs)
    if (waitMs !== null) into.records.push({ wallMs: totalMs, waitMs })
  }

  /** The backend's own times of the steps past warm-up, summed. */
  timedSum(): number {
    return this.timed.total.reduce((a, b) => a + b, 0)
  }

  /** The summaries; the warm-up's times only when the budget left no step past warm-up to time. */
  figures(): { stepMs: RunFigures['stepMs']; fromWarmup: boolean; clean: CleanSteps } {
    const fromWarmup = this.timed.total.length === 0 && this.warmup.total.length > 0
    const t = fromWarmup ? this.warmup : this.timed
    return { stepMs: { total: summarize(t.total), forward: summarizeKnown(t.forward), backward: summarizeKnown(t.backward) }, fromWarmup, clean: cleanSteps(t.records) }
  }
}

interface InFlight { result: Promise<TrainStepResult>; step: number; T: number; issuedAt: number; waitAtIssue: number | null }

/**
 * One run's training loop and everything it keeps track of, as explicit state: the step reached,
 * the steps in flight, the losses seen, the validation results, the divergence if any, the points
 * not yet reported, the step times, and memory.
 */
class TrainingRun {
  private step = 0
  private firstLoss = NaN
  private lastLoss = NaN
  private divergence: string | null = null
  private finalVal: { loss: number; metric: number; extra?: Record<string, number> } = { loss: NaN, metric: NaN }
  /** The network's outputs on the validation set at the last evaluation: what the baseline tests pair. */
  private finalOutputs: FloatArray[] = []
  private best = { metric: NaN, step: 0 }
  private timeToTarget: RunFigures['timeToTarget'] = null
  private lastProgress = 0
  private pending: Point[] = []
  private readonly inFlight: InFlight[] = []
  private dispatches: number | null = null
  private timing: RunFigures['timing'] = 'wall-clock'
  private firstStepOverBudget: number | null = null
  private readonly times: StepTimes
  /** The run-queue wait of the threads that run a step (CPU backends on Linux), or why it is not known. */
  private readonly clock: WaitClock | { unknown: string }
  private readonly pressure = new PressureSampler()
  private readonly memoryAtStart = threadMemory()
  private peakMemory = this.memoryAtStart
  private readonly start = performance.now()
  /** Time spent in each part of the loop (ms): waiting for steps, making batches, evaluating. */
  private readonly spent = { steps: 0, batches: 0, evaluation: 0 }
  /**
   * Steps are issued without waiting for their figures, up to the backend's limit (a GPU backend
   * queues several; CPU backends compute before they return, so the limit is 1), and the figures
   * are taken in order: before every evaluation, and whenever the limit is reached.
   */
  private readonly maxInFlight: number

  constructor(
    private readonly config: RunConfig, private readonly task: Task, private readonly model: ModelRunner,
    private readonly hooks: TrainingHooks, private readonly dataRng: Rng, private readonly dropoutRng: Rng,
  ) {
    this.times = new StepTimes(config.warmupSteps)
    this.maxInFlight = Math.max(1, model.maxStepsInFlight ?? 1)
    const threads = model.stepThreads?.() ?? { unknown: 'the backend does not say which threads run its steps' }
    // A wait read around a step is that step's only while one step runs at a time.
    this.clock = 'unknown' in threads ? threads : this.maxInFlight > 1 ? { unknown: 'steps overlap (several in flight)' } : openWaitClock(threads.helpers)
  }

  /** The clock, where the threads' wait is read. */
  private get waitClock(): WaitClock | null {
    return 'read' in this.clock ? this.clock : null
  }

  /** Closes the files the wait clock reads. */
  close(): void {
    this.waitClock?.close()
  }

  async train(): Promise<void> {
    const { config, task, model, hooks } = this
    this.pressure.sample()
    await this.evaluate() // step 0: the untrained network, so that every curve starts at the same point
    while (!this.finished()) {
      if (hooks.shouldStop?.()) {
        await Promise.allSettled(this.inFlight.map((s) => s.result))
        throw new RunCancelled('cancelled')
      }
      const batchFrom = performance.now()
      const batch = task.trainBatch(config.batchSize, this.dataRng)
      const wantFlow = config.gradFlowEvery > 0 && this.step % config.gradFlowEvery === 0
      const waitAtIssue = this.waitClock?.read() ?? null
      const issuedAt = performance.now()
      this.spent.batches += issuedAt - batchFrom
      const result = model.trainStep(batch, { gradFlow: wantFlow, dropoutSeed: this.dropoutRng.nextU32() })
      this.step++
      this.inFlight.push({ result, step: this.step, T: batch.T, issuedAt, waitAtIssue })
      const evaluating = this.step % config.evalEvery === 0
      if (this.inFlight.length >= this.maxInFlight || evaluating || this.finished()) {
        const diverged = !(await this.drain())
        this.spent.steps += performance.now() - issuedAt
        if (diverged) break
      } else this.spent.steps += performance.now() - issuedAt
      if (evaluating) await this.evaluate()
    }
    if (!this.divergence) {
      const drainFrom = performance.now()
      await this.drain()
      this.spent.steps += performance.now() - drainFrom
    }
    if (!this.divergence && this.step % config.evalEvery !== 0) await this.evaluate()
    this.pressure.sample()
    this.flush()
  }

  figures(flopsPerStep: number): RunFigures {
    const { config, task, model } = this
    const mem = model.memory()
    const { stepMs, fromWarmup, clean } = this.times.figures()
    const clock = this.clock
    const cpu: CpuFigures = 'read' in clock
      ? { signal: 'run-queue wait', threads: clock.threads, estimator: `${CLEAN_QUANTILE * 100}th percentile of the steps that had the CPU`, ...clean, pressure: this.pressure.figures() }
      : { signal: null, unknown: clock.unknown, pressure: this.pressure.figures() }
    // Throughput from the step-time figure (the clean steps'), as the verdicts read it.
    const speedMs = stepTimeShown({ stepMs, cpu })
    return {
      status: this.divergence ? 'diverged' : 'done',
      divergence: this.divergence,
      parameterCount: model.layout.total,
      steps: this.step,
      wallSeconds: this.wall() / 1000,
      stepMs,
      cpu,
      samplesPerSecond: (config.batchSize * 1000) / speedMs,
      timestepsPerSecond: (config.batchSize * task.seqLen * 1000) / speedMs,
      gflops: flopsPerStep / (speedMs * 1e6),
      flopsPerStep,
      memory: {
        ...mem,
        analyticTotalBytes: mem.parameterBytes + mem.gradientBytes + mem.optimizerBytes + mem.activationBytes,
        peakMeasuredBytes: Math.max(0, this.peakMemory - this.memoryAtStart),
      },
      finalTrainLoss: this.lastLoss,
      finalValLoss: this.finalVal.loss,
      finalMetric: this.finalVal.metric,
      bestMetric: this.best.metric,
      bestStep: this.best.step,
      metric: task.metric,
      baseline: storedBaseline(task.baseline),
      ...(task.classical ? { classical: storedBaseline(task.classical) } : {}),
      ...this.baselineTests(),
      ...(this.finalVal.extra ? { extraMetrics: this.finalVal.extra } : {}),
      timeToTarget: this.timeToTarget,
      task: { name: task.name, seqLen: task.seqLen, citation: task.citation },
      timing: this.timing,
      dispatchesPerStep: this.dispatches,
      ...(fromWarmup ? { stepTimesFromWarmup: true } : {}),
    }
  }

  /** Where the run's wall time went, from `startedAt` (when it was asked for) to now; testMs as trainOn timed it. */
  phases(startedAt: number, testMs: number): RunPhases {
    const wallMs = performance.now() - startedAt
    const startupMs = this.start - startedAt
    const { steps: stepsMs, batches: batchesMs, evaluation: evaluationMs } = this.spent
    const otherMs = Math.max(0, wallMs - startupMs - stepsMs - batchesMs - evaluationMs - testMs)
    return { wallMs, startupMs, stepsMs, timedStepsMs: this.times.timedSum(), batchesMs, evaluationMs, testMs, otherMs }
  }

  /** The paired tests against the baselines, on the final validation outputs (none for a diverged run). */
  private baselineTests(): Pick<RunFigures, 'baselineTest' | 'classicalTest' | 'testItems'> {
    const { task } = this
    if (this.divergence || !this.finalOutputs.length) return {}
    const { baselineTest, classicalTest } = this.pairedTests(task.items.losses(this.finalOutputs, task.validation), task.baseline, task.classical, 1)
    return { ...(baselineTest ? { baselineTest } : {}), ...(classicalTest ? { classicalTest } : {}), testItems: task.items.unit }
  }

  /** Each baseline's paired test against the network's per-item losses; `salt` keeps the resampling streams of validation and test apart. */
  private pairedTests(model: Float64Array, baseline: Baseline, classical: Baseline | undefined, salt: number): { baselineTest?: BaselineTest; classicalTest?: BaselineTest } {
    const { task } = this
    const against = (b: Baseline | undefined, s: number) => (b?.losses
      ? pairedBaselineTest({ model, baseline: b.losses, metricOf: task.items.metricOf, timeOrdered: task.items.timeOrdered }, (this.config.seed * 2654435761 + s) >>> 0) ?? undefined
      : undefined)
    const baselineTest = against(baseline, salt), classicalTest = against(classical, salt + 1)
    return { ...(baselineTest ? { baselineTest } : {}), ...(classicalTest ? { classicalTest } : {}) }
  }

  /** The final network on the test split, once: its metric and both baselines' tests on the same items (null after a divergence). */
  async scoreTest(): Promise<TestFigures | null> {
    const { task } = this
    if (this.divergence) return null
    const { batches, baseline, classical, unit } = task.test
    const t = await this.scoreOn(batches, true)
    return {
      metric: t.metric, loss: t.loss, ...(t.extra ? { extraMetrics: t.extra } : {}),
      baseline: storedBaseline(baseline), ...(classical ? { classical: storedBaseline(classical) } : {}),
      ...this.pairedTests(task.items.losses(t.outputs, batches), baseline, classical, 3),
      items: unit,
    }
  }

  private wall(): number {
    return performance.now() - this.start
  }

  private flush(): void {
    if (this.pending.length) { this.hooks.onPoints?.(this.pending); this.pending = [] }
  }

  private better(a: number, b: number): boolean {
    return Number.isNaN(b) ? true : this.task.metric.lowerIsBetter ? a < b : a > b
  }

  /** The batches' loss and metric; with `keep`, the outputs too (copied: a backend may reuse its buffer for the next prediction). */
  private async scoreOn(batches: Task['validation'], keep = false): Promise<ReturnType<Task['score']> & { outputs: FloatArray[] }> {
    const outputs: FloatArray[] = []
    for (const batch of batches) { const out = await this.model.predict(batch); outputs.push(keep ? out.slice() : out) }
    return { ...this.task.score(outputs, batches), outputs }
  }

  private async evaluate(): Promise<void> {
    const { step, config } = this
    const from = performance.now()
    const v = await this.scoreOn(this.task.validation, true)
    // The metric on a sample of the training data, beside the validation metric's last value (how
    // far the network overfits): once, at the last evaluation. No view, report or verdict reads a
    // curve of it, and scoring the sample at every evaluation was half of the evaluations' time.
    const tr = this.finished() ? await this.scoreOn(this.task.trainSample) : null
    this.spent.evaluation += performance.now() - from
    const at = this.wall()
    this.pending.push({ series: 'val_loss', step, wallMs: at, value: v.loss }, { series: 'val_metric', step, wallMs: at, value: v.metric })
    if (tr) this.pending.push({ series: 'train_metric', step, wallMs: at, value: tr.metric })
    this.finalVal = { loss: v.loss, metric: v.metric, ...(v.extra ? { extra: v.extra } : {}) }
    this.finalOutputs = v.outputs
    if (this.better(v.metric, this.best.metric)) this.best = { metric: v.metric, step }
    if (config.target !== null && !this.timeToTarget && Number.isFinite(v.metric) && !this.better(config.target, v.metric)) {
      this.timeToTarget = { seconds: at / 1000, step }
    }
    this.peakMemory = Math.max(this.peakMemory, threadMemory())
    this.pressure.sample()
    this.flush()
  }

  private budgetFraction(): number {
    const { config } = this
    return Math.max(config.steps > 0 ? this.step / config.steps : 0, config.seconds > 0 ? this.wall() / 1000 / config.seconds : 0)
  }

  /**
   * A step budget is exact. A time budget ends the run at the first step past it, once a step past
   * warm-up is timed; where none is yet (a slow adapter: 20 s a step on a 3 s budget), it allows one
   * step more and no more, and the step times then come from the warm-up steps.
   */
  private finished(): boolean {
    const { config, step } = this
    if (config.steps > 0 && step >= config.steps) return true
    if (!(config.seconds > 0 && this.wall() / 1000 >= config.seconds)) return false
    if (step > config.warmupSteps) return true
    this.firstStepOverBudget ??= step
    return step > this.firstStepOverBudget
  }

  /** One step's figures, in order; false when the step diverged. */
  private accept(r: TrainStepResult, at: InFlight): boolean {
    const stepMs = r.stepMs ?? performance.now() - at.issuedAt
    const waitMs = at.waitAtIssue === null ? null : this.waitClock!.read() - at.waitAtIssue
    this.times.add(at.step, r, stepMs, waitMs)
    if (r.dispatches !== undefined) this.dispatches = r.dispatches
    if (r.timing) this.timing = r.timing
    if (at.step === 1) this.firstLoss = r.loss
    this.lastLoss = r.loss
    const now = this.wall()
    this.pending.push({ series: 'train_loss', step: at.step, wallMs: now, value: r.loss }, { series: 'grad_norm', step: at.step, wallMs: now, value: r.gradNorm },
      { series: 'step_ms', step: at.step, wallMs: now, value: stepMs })
    if (waitMs !== null) this.pending.push({ series: 'wait_ms', step: at.step, wallMs: now, value: waitMs })
    if (r.gradFlow) {
      this.hooks.onGradFlow?.({ step: at.step - 1, rows: r.gradFlow.length / at.T, T: at.T, norms: Array.from(r.gradFlow) })
    }
    if (!Number.isFinite(r.loss) || !Number.isFinite(r.gradNorm)) {
      this.divergence = `loss became ${r.loss} at step ${at.step}`
    } else if (at.step > 1 && r.loss > EXPLODING_FACTOR * Math.max(this.firstLoss, 1e-3)) {
      this.divergence = `loss exploded to ${r.loss.toPrecision(3)} at step ${at.step} (first step: ${this.firstLoss.toPrecision(3)})`
    }
    if (this.divergence) { this.step = at.step; return false }
    if (now - this.lastProgress > 250) {
      this.lastProgress = now
      this.hooks.onProgress?.({ fraction: Math.min(1, this.budgetFraction()), step: at.step, loss: r.loss })
    }
    return true
  }

  /** Takes the figures of every step in flight; false once one diverged (later ones are dropped). */
  private async drain(): Promise<boolean> {
    while (this.inFlight.length) {
      const next = this.inFlight.shift()!
      let result: TrainStepResult
      try {
        result = await next.result
      } catch (err) {
        // The steps sent after it fail too (a backend's process or device is gone): wait for them, so
        // none is left rejecting with nobody listening, and report the first.
        await Promise.allSettled(this.inFlight.splice(0).map((s) => s.result))
        throw err
      }
      if (!this.accept(result, next)) {
        await Promise.allSettled(this.inFlight.splice(0).map((s) => s.result))
        return false
      }
    }
    return true
  }
}

function threadMemory(): number {
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}
