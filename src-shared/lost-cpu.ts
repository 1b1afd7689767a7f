// Which timed steps had the CPU, and the one step-time figure every verdict, chart and table reads.
//
// Timing noise on a shared machine only ever adds time (Chen & Revels 2016, the design of
// BenchmarkTools.jl): a step whose threads sat runnable in the kernel's run queue while other work
// had their core is slower by about that wait, and the wait says nothing about the network. So a
// step whose threads waited for a CPU for more than a small share of its wall time "lost the
// CPU" and is left out; the figure is a low quantile of the rest. The wait comes from Linux's
// per-thread scheduler statistics (engine/timing/sched-wait.ts), read before and after each step.
// docs/REPORTS.md ("Step time on a busy machine") gives the measurements behind each constant.
// Structural types only: src-shared imports nothing from the main process.

/** One timed step: its wall time, and how long the threads that ran it waited for a CPU meanwhile. */
export interface StepRecord { wallMs: number; waitMs: number }

/**
 * A step lost the CPU when its threads waited for one for more than this share of its wall time
 * (and more than LOST_FLOOR_MS): a clean step is then overstated by at most 1%. On a quiet machine
 * here a 27 ms step waited 0.01–0.06 ms (the kernel's own wake-ups); beside a busy core, 1–30 ms.
 */
export const LOST_SHARE = 0.01
/** Waits below this are the scheduler's own wake-up latencies, not another program's work. */
export const LOST_FLOOR_MS = 0.02

export function lostCpu(step: StepRecord): boolean {
  return step.waitMs > LOST_FLOOR_MS && step.waitMs > LOST_SHARE * step.wallMs
}

/**
 * The quantile of the clean steps' wall times that is the step-time figure. Not the minimum: its
 * value falls with the number of clean steps, which differs between the two runs of a pair. Not
 * the median: steps slowed without waiting (another program's bursts evicting the caches) sit in
 * the upper half. The 25th percentile held GRU/LSTM factors closest between quiet and busy sweeps.
 */
export const CLEAN_QUANTILE = 0.25
/** Fewer clean steps than this, or fewer than MIN_CLEAN_SHARE of the timed steps: the step time is not judged. */
export const MIN_CLEAN_STEPS = 10
/**
 * When nearly every step lost the CPU, the steps that kept it are those short enough to fit
 * between two preemptions: a sample biased toward fast steps. A fifth of the steps is the least
 * kept: beside bursts here, runs with 14 to 24 of 57 steps clean gave figures as close to the
 * quiet runs' as runs with more (docs/REPORTS.md).
 */
export const MIN_CLEAN_SHARE = 0.2

export interface CleanSteps {
  /** Timed steps (past warm-up). */
  steps: number
  /** Of them, those that lost the CPU, left out of the figure. */
  lost: number
  /** The wall time of all timed steps, and their threads' wait for a CPU, summed (ms). */
  wallMs: number
  waitMs: number
  /** The CLEAN_QUANTILE of the clean steps' wall times; null when too few are clean to judge. */
  estimateMs: number | null
  /** Why estimateMs is null: "41 of 57 steps lost the CPU (8 clean; 12 needed)". */
  tooFew?: string
}

/** Quantile p of sorted values, linearly interpolated (as training.ts's summaries). */
export function quantileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN
  const at = p * (sorted.length - 1), lo = Math.floor(at), hi = Math.ceil(at)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo)
}

/** The clean-step figure of a run's timed steps. */
export function cleanSteps(records: readonly StepRecord[]): CleanSteps {
  const clean = records.filter((r) => !lostCpu(r)).map((r) => r.wallMs).sort((a, b) => a - b)
  const steps = records.length, lost = steps - clean.length
  const waitMs = records.reduce((s, r) => s + r.waitMs, 0), wallMs = records.reduce((s, r) => s + r.wallMs, 0)
  // A run with fewer timed steps than MIN_CLEAN_STEPS is judged when every one of them is clean.
  const needed = Math.min(steps, Math.max(MIN_CLEAN_STEPS, Math.ceil(MIN_CLEAN_SHARE * steps)))
  if (steps === 0 || clean.length < needed) return { steps, lost, wallMs, waitMs, estimateMs: null, tooFew: `${lost} of ${steps} steps lost the CPU (${clean.length} clean; ${needed} needed)` }
  return { steps, lost, wallMs, waitMs, estimateMs: quantileOfSorted(clean, CLEAN_QUANTILE) }
}

/** What the step-time rule reads of a run's figures. */
export interface StepTimeFigures {
  stepMs: { total: { median: number } }
  cpu?: { signal: 'run-queue wait'; estimateMs: number | null } | { signal: null }
}

/**
 * A run's step time, the one figure verdicts, charts and tables read: the clean-step estimate
 * where the run's CPU was sampled, else the median of every timed step (runs recorded before
 * this, GPU and torch runs, systems without the signal). Null when the run was sampled and too
 * few of its steps had the CPU to judge.
 */
export function stepTimeOf(f: StepTimeFigures): number | null {
  if (f.cpu?.signal === 'run-queue wait') return f.cpu.estimateMs
  return f.stepMs.total.median
}

/** The step time to draw: stepTimeOf, or for a run too contended to judge, the median of its steps (a chart marks it). */
export function stepTimeShown(f: StepTimeFigures): number {
  return stepTimeOf(f) ?? f.stepMs.total.median
}

/** What the tables print of a run's CPU: "45/57" clean of timed steps ("-" where not sampled), and the pressure it ran under ("12%", "-"). */
export function cleanStepsText(f: { cpu?: { signal: 'run-queue wait'; steps: number; lost: number } | { signal: null } }): string {
  return f.cpu?.signal === 'run-queue wait' ? `${f.cpu.steps - f.cpu.lost}/${f.cpu.steps}` : '-'
}

export function pressureText(f: { cpu?: { pressure: { share: number; peakShare: number } | null } }): string {
  const p = f.cpu?.pressure
  return p ? `${Math.round(100 * p.share)}%` : '-'
}

/**
 * A run's step time in a line of text, as the CLI prints it: "2.13 ms/step", with the steps that
 * lost the CPU where some did, or why it is not judged.
 */
export function stepTimeLine(f: StepTimeFigures & { cpu?: { signal: 'run-queue wait'; steps: number; lost: number; tooFew?: string } | { signal: null } }): string {
  const judged = stepTimeOf(f)
  if (judged === null) return `${f.stepMs.total.median.toFixed(2)} ms/step (median; not judged: ${f.cpu?.signal === 'run-queue wait' ? f.cpu.tooFew : ''})`
  const lost = f.cpu?.signal === 'run-queue wait' && f.cpu.lost ? ` (${f.cpu.lost} of ${f.cpu.steps} steps lost the CPU, left out)` : ''
  return `${judged.toFixed(2)} ms/step${lost}`
}

/** A report table's step-time cell: the judged figure, or the median marked "(not judged)". */
export function stepTimeCell(f: StepTimeFigures): string {
  const judged = stepTimeOf(f)
  return judged === null ? `${f.stepMs.total.median.toFixed(3)} (median; not judged)` : judged.toFixed(3)
}

/** What the step columns of the reports' run tables mean. */
export const STEP_COLUMNS_NOTE = `ms/step: the ${CLEAN_QUANTILE * 100}th percentile of the timed steps that kept the CPU, the figure the verdicts compare (the median of every step where the CPU was not sampled). Clean steps: those of the timed steps; a step lost the CPU when its threads waited for one for over ${LOST_SHARE * 100}% of its time. CPU pressure: the share of the run's time during which some task on the machine waited for a CPU.`
