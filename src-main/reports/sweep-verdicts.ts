// A stored sweep's verdicts, from its runs and their validation-metric series as the loader read
// them (store/load.ts), through the verdict module. What `rnnbench verdicts`, the app's verdict
// panel and the reports all call; a pure function of the loaded data.

import type { LoadedSweep } from '../model/runs'
import type { Matching } from '../model/verdicts'
import { verdictReport, type VerdictReport } from './verdicts'

export function sweepVerdicts(data: Pick<LoadedSweep, 'runs' | 'valMetric'>, matching: Matching): VerdictReport {
  return verdictReport(data.runs, (id) => data.valMetric.get(id), matching)
}
