// Where a run's wall time went (RunFigures.phases, measured by engine/training.ts and the worker
// pool), and the one way it is said: on the run page, by `rnnbench runs` and `train`, in exports.
// Structural types only: src-shared imports nothing from the main process.

/**
 * Where a run's wall time went, in ms of the worker thread's clock (docs/PERFORMANCE.md, "Where a
 * run's time goes"). startupMs: from the run's message to its first step (the backend's probe, the
 * task's data, the backend, the model and its initial parameters). stepsMs: the training steps,
 * warm-up included, as the loop waited for them; timedStepsMs: the backend's own times of the steps
 * the step-time figures are taken from (past warm-up). batchesMs: making the training batches.
 * evaluationMs: the evaluations on validation and a training sample. testMs: the test split's one
 * scoring. otherMs: the rest (points, progress, baseline tests, bookkeeping). storeMs: the main
 * thread's time writing the run's rows, beside the run and not part of wallMs (absent outside a pool).
 */
export interface RunPhases {
  wallMs: number
  startupMs: number
  stepsMs: number
  timedStepsMs: number
  batchesMs: number
  evaluationMs: number
  testMs: number
  otherMs: number
  storeMs?: number
}

/** The share of the run's wall time spent in training steps (warm-up included). */
export function stepsShare(p: RunPhases): number {
  return p.wallMs > 0 ? p.stepsMs / p.wallMs : 0
}

const pct = (part: number, whole: number): string => `${whole > 0 ? Math.round((100 * part) / whole) : 0}%`
const seconds = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`)

/**
 * "training steps 84% (timed 80%), evaluation 9%, batches 3%, start-up 2%, test 1%, other 1% of
 * 5.2 s; writing its rows 40 ms beside it".
 */
export function phasesText(p: RunPhases): string {
  const parts: Array<[string, number]> = [['evaluation', p.evaluationMs], ['batches', p.batchesMs], ['start-up', p.startupMs], ['test', p.testMs], ['other', p.otherMs]]
  const rest = parts.map(([name, ms]) => `${name} ${pct(ms, p.wallMs)}`).join(', ')
  const store = p.storeMs !== undefined ? `; writing its rows ${seconds(p.storeMs)} beside it` : ''
  return `training steps ${pct(p.stepsMs, p.wallMs)} (timed ${pct(p.timedStepsMs, p.wallMs)}), ${rest} of ${seconds(p.wallMs)}${store}`
}
