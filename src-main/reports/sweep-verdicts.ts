// A stored sweep's verdicts: its runs and their validation-metric series, read once, through the
// verdict module. What `rnnbench verdicts`, the app's verdict panel and the reports all call.

import type { Store } from '../store/store'
import type { Matching } from './matching'
import { verdictReport, type VerdictReport } from './verdicts'

export function sweepVerdicts(store: Store, sweepId: number, matching: Matching): VerdictReport {
  const runs = store.listRuns(sweepId)
  const valMetric = store.sweepSeriesFull(sweepId, 'val_metric')
  return verdictReport(runs, (id) => valMetric.get(id), matching)
}
