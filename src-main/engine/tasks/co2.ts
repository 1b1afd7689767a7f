// `co2`: the Mauna Loa monthly atmospheric CO2 concentration, January 1959 to December 1997 (468
// values, ppm), as R's datasets package ships it (src-main/engine/tasks/data/co2.csv,
// docs/DATASETS.md): a trend with a yearly season. Forecast `horizon` months ahead from a window
// of `seqLen` months; the last `testFraction` (default 0.2) are the validation set.

import CO2_CSV from './data/co2.csv?raw'
import { forecastTask } from './forecast'
import type { Task, TaskOptions } from './task'

export const CO2_CITATION =
  'Mauna Loa atmospheric CO2, monthly, 1959–1997, ppm: Keeling, C. D. & Whorf, T. P., Scripps Institution of Oceanography, as R\'s datasets package ships it (co2). ' +
  'Feb–Apr 1964 were interpolated there.'

export const CO2_VALUES: readonly number[] = CO2_CSV.trim().split('\n').slice(1).map((line) => Number(line.split(',')[1]))

export function co2Task(window: number, options: TaskOptions): Task {
  return forecastTask({
    name: 'co2', values: CO2_VALUES, window, horizon: options.horizon ?? 1, testFraction: options.testFraction ?? 0.2,
    seasonality: options.seasonality ?? 12, unit: 'ppm', what: 'the CO2 concentration', citation: CO2_CITATION,
  })
}
