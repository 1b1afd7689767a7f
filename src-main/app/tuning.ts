// A tuned sweep's second phase, planned where its trials end (engine/sweep/tune.ts): once every
// trial of the sweep is in this database and finished, each cell's best trial on validation is
// stored again as `finalSeeds` pending re-runs, at the places after the trials. Called by the CLI
// and by the app after a sweep's runs end; a shard, whose database holds only its share of the
// trials, plans nothing: the re-runs run where the shards are merged and resumed.

import { expandSweep } from '../engine/sweep/expand'
import { parseSweepSpec } from '../engine/sweep/spec'
import { chooseTrials, finalConfigs, type TrialResult } from '../engine/sweep/tune'
import type { Store } from '../store/store'

export interface TunedPlanning {
  /** Re-runs stored by this call. */
  added: number
  /** Why none could be planned yet, in one sentence; null when there was nothing to wait for. */
  waiting: string | null
}

export function planTunedReruns(store: Store, sweepId: number): TunedPlanning {
  const sweep = store.getSweep(sweepId)
  if (!sweep) return { added: 0, waiting: null }
  let spec
  try {
    spec = parseSweepSpec(sweep.spec)
  } catch {
    return { added: 0, waiting: null } // a spec this version cannot read plans nothing new
  }
  if (!spec.tune) return { added: 0, waiting: null }
  const runs = store.listRuns(sweepId)
  if (runs.some((r) => r.config.tune?.phase === 'final')) return { added: 0, waiting: null }
  const trials = runs.filter((r) => r.config.tune?.phase === 'trial')
  const expected = expandSweep(spec, sweep.expansion).length
  if (trials.length < expected) {
    return { added: 0, waiting: `${trials.length} of its ${expected} trials are in this database; the re-runs of each cell's best trial are planned once all are (import the other shards, then \`rnnbench resume ${sweepId}\`)` }
  }
  const open = trials.filter((r) => r.status !== 'done' && r.status !== 'diverged')
  if (open.length) {
    const failed = open.filter((r) => r.status === 'failed').length
    return { added: 0, waiting: `${open.length} of its ${expected} trials have not finished${failed ? ` (${failed} failed: \`rnnbench resume ${sweepId} --retry-failed\`)` : ''}; each cell's best trial is chosen once every trial has` }
  }
  const choices = chooseTrials(trials as TrialResult[], spec.tune)
  const configs = finalConfigs(spec, choices)
  const positions = configs.map((_, i) => expected + i)
  // A cell all of whose trials diverged has nothing to re-run: the plan shrinks by its share.
  if (expected + configs.length !== sweep.planned) store.setPlanned(sweepId, expected + configs.length)
  return { added: store.addMissingRuns(sweepId, configs, positions), waiting: null }
}
