import { InputError } from '../../engine/errors'
import { MATCHINGS, type Matching } from '../../reports/matching'
import { sweepVerdicts } from '../../reports/sweep-verdicts'
import { loadSweep, loadSweepsForVerdicts } from '../../store/load'
import { machinesNote } from '../../reports/verdicts'
import { parseCommandArgs, type Command } from '../command'
import { sweepCompleteness } from '../../store/completeness'
import { openStore, sweepIdOrLatest } from '../options'

export const verdictsCommand: Command = {
  name: 'verdicts',
  summary: 'the answers a sweep gives: which cell is faster, lighter, more accurate, and how sure that is',
  help: `Usage: rnnbench verdicts [--sweep ID] [--matching hidden|params] [--json] [--db FILE]

For each question (step time, memory, parameter count, and each task's validation metric at
equal steps and at equal wall time) and each pair of cells, one sentence: which is better and by
what factor (Hodges-Lehmann estimate and its interval, matched pairs and how many favour each
cell, exact Wilcoxon signed-rank p after Holm over every test of the report), or "no significant
difference", "too few matched pairs to tell"; beside each metric comparison, how many runs of
each cell beat the baseline by their own paired test, with the bar ("neither learned" when none
did); exact quantities (memory, parameters) as exact ratios. The same sentences as the app's verdict panel
and the reports; docs/REPORTS.md explains how they are reached.

Options:
  --sweep ID         which sweep (default: the latest); several, comma-separated (--sweep 3,5),
                     compares their runs as one: a pair may join runs of two sweeps that match
                     on everything but the cell, and each verdict says which sweeps its pairs
                     came from
  --matching MODE    compare cells at equal hidden size (hidden, the default) or at about equal
                     parameter count (params)
  --json             every verdict with its figures (factor, interval and its confidence, p alone
                     and after Holm, pairs, baseline standings, run ids) and the report's family
  --db FILE          the database (default: $RNNBENCH_DB, else the app-data folder's)
  -h, --help         this text`,

  async run(argv, io) {
    const { values } = parseCommandArgs('verdicts', argv, { sweep: { type: 'string' }, matching: { type: 'string' }, json: { type: 'boolean' }, db: { type: 'string' } })
    const matching = (values.matching ?? 'hidden') as Matching
    if (!MATCHINGS.includes(matching)) throw new InputError('--matching', `must be one of ${MATCHINGS.join(', ')}; got ${JSON.stringify(values.matching)}`)
    const store = openStore(values.db, 'read')
    try {
      const many = values.sweep?.includes(',') ? values.sweep.split(',').map((t) => sweepIdOrLatest(store, t.trim(), '--sweep')) : null
      const sweepId = many ? many[0] : sweepIdOrLatest(store, values.sweep, '--sweep')
      const sweep = store.getSweep(sweepId)!
      const report = sweepVerdicts(many ? loadSweepsForVerdicts(store, many, '--sweep') : loadSweep(store, sweepId, 'verdicts', '--sweep'), matching)
      const completeness = sweepCompleteness(store, sweep)
      if (values.json) {
        io.out(JSON.stringify({ sweep_id: sweepId, ...(many ? { sweep_ids: [...new Set(many)] } : {}), name: sweep.name, completeness, ...report }, null, 2) + '\n')
        return 0
      }
      const title = many ? `Sweeps ${[...new Set(many)].map((id) => `#${id} "${store.getSweep(id)!.name}"`).join(' and ')}, compared as one` : `Sweep #${sweepId} "${sweep.name}"`
      io.out(`${title}: ${report.finishedRuns} finished runs${report.unfinishedRuns ? `, ${report.unfinishedRuns} not finished (left out)` : ''}.${report.machines > 1 ? ` ${machinesNote(report)}` : ''}\n`)
      if (completeness.text) io.out(`Incomplete: ${completeness.text}; these verdicts use only the runs present (import the rest, or \`rnnbench resume ${sweepId}\` runs them).\n`)
      for (const q of report.questions) {
        io.out(`\n${q.title}\n`)
        if (q.tuned) for (const line of q.tuned.lines) io.out(`  ${line}\n`)
        if (!q.verdicts.length) io.out(`  ${q.note ?? 'Nothing to compare.'}\n`)
        for (const v of q.verdicts) io.out(`  - ${v.sentence}\n`)
      }
      return 0
    } finally {
      store.close()
    }
  },
}
