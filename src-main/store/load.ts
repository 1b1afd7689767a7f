// The one load step behind every verdict, report and export: what each needs of a stored sweep,
// read here into the model's shapes (model/runs.ts LoadedSweep), so that src-main/reports/ takes
// data and never the store. The app, `rnnbench serve` and the CLI all call it.

import { gradFlowRunPerCell } from '../../src-shared/selection'
import { InputError } from '../engine/errors'
import { SERIES_NAMES } from '../engine/training'
import type { LoadedSweep, LoadNeeds, SeriesByRun } from '../model/runs'
import type { Store } from './store'
import { sweepCompleteness } from './completeness'

/** Points a series keeps in a report's charts: they are read, not zoomed. */
export const REPORT_POINTS = 120

/**
 * A stored sweep with what `needs` asks for: its runs and every run's validation metric always
 * (`verdicts`), the charts' thinned series and one gradient-flow run per cell and task (`report`),
 * or every point of every series and every run's gradient flow (`all`, the JSON export).
 */
export function loadSweep(store: Store, sweepId: number, needs: LoadNeeds, field = 'sweep'): LoadedSweep {
  const sweep = store.getSweep(sweepId)
  if (!sweep) throw new InputError(field, `no sweep ${sweepId} in ${store.path}; \`rnnbench sweeps\` lists them`)
  const runs = store.listRuns(sweepId)
  const loaded: LoadedSweep = { sweep, runs, incomplete: sweepCompleteness(store, sweep).text, valMetric: store.sweepSeriesFull(sweepId, 'val_metric') }
  if (needs === 'report') {
    const chartSeries: SeriesByRun = {}
    for (const [runId, byName] of store.sweepSeries(sweepId, ['val_metric', 'train_loss'], REPORT_POINTS)) chartSeries[runId] = Object.fromEntries(byName)
    const gradFlow: LoadedSweep['gradFlow'] = {}
    for (const task of new Set(runs.map((r) => r.config.task))) {
      for (const r of gradFlowRunPerCell(runs.filter((x) => x.config.task === task && x.status === 'done'))) gradFlow[r.id] = store.gradFlow(r.id)
    }
    Object.assign(loaded, { chartSeries, gradFlow })
  }
  if (needs === 'all') {
    loaded.allSeries = Object.fromEntries(runs.map((r) => [r.id, Object.fromEntries(SERIES_NAMES.map((s) => [s, store.series(r.id, s)]))])) as LoadedSweep['allSeries']
    loaded.gradFlow = Object.fromEntries(runs.map((r) => [r.id, store.gradFlow(r.id)]))
  }
  return loaded
}

/** The most sweeps one comparison takes in (History: compare several). */
export const MAX_COMPARED_SWEEPS = 20

/**
 * Several stored sweeps' runs and validation metrics as one, for verdicts across them: a run keeps
 * its sweep's id, so each verdict can say which sweep each pair came from. Run ids are the
 * database's, unique across sweeps.
 */
export function loadSweepsForVerdicts(store: Store, ids: readonly number[], field = 'sweep'): Pick<LoadedSweep, 'runs' | 'valMetric'> {
  const unique = [...new Set(ids)]
  if (!unique.length || unique.length > MAX_COMPARED_SWEEPS) throw new InputError(field, `compare 1 to ${MAX_COMPARED_SWEEPS} sweeps at once; got ${unique.length}`)
  const parts = unique.map((id) => loadSweep(store, id, 'verdicts', field))
  return { runs: parts.flatMap((p) => p.runs), valMetric: new Map(parts.flatMap((p) => [...p.valMetric])) }
}
