// A tuned sweep through the user's commands: `rnnbench sweep SPEC` with `tune` runs the trials,
// then the re-runs of each cell's best, and `rnnbench verdicts --json` gives the tuned question
// with each cell's chosen settings, K pairs and the budget curves. Sharded, the trials split over
// two databases; merged with `import`, `resume` plans and runs the re-runs.

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Store } from '../../src-main/store/store'
import { rnnbench } from '../helpers/cli'

const TRIALS = 4, SEEDS = 6
const spec = {
  name: 'tuned', settings: { task: 'adding', seqLen: 6, batchSize: 8, backend: 'cpu-js' },
  axes: { cell: ['lstm', 'gru'], lr: { min: 0.003, max: 0.1, log: true }, hiddenSize: [4, 8] },
  budget: { steps: 15 }, evalEvery: 5, gradFlowEvery: 0, tune: { trials: TRIALS, finalSeeds: SEEDS },
}

interface TunedJson {
  questions: Array<{ id: string; verdicts: Array<{ pairs: number; sentence: string; cells: string[] }>; tuned?: { chosen: Record<string, { trial: number; settings: string; validation: number }>; expectedMax: Record<string, number[]>; trials: Record<string, number>; seeds: number } }>
}

function roles(db: string) {
  const store = new Store(db)
  const [sweep] = store.listSweeps()
  const runs = store.listRuns(sweep.id)
  store.close()
  return { sweep, trials: runs.filter((r) => r.config.tune?.phase === 'trial'), finals: runs.filter((r) => r.config.tune?.phase === 'final') }
}

describe('a tuned sweep from the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnbench-tune-'))
  const file = join(dir, 'spec.json')
  writeFileSync(file, JSON.stringify(spec))

  it('runs the trials, then each cell\'s best again with fresh seeds, and answers on test with the budget curves', () => {
    const db = join(dir, 'one.sqlite')
    const run = rnnbench(['sweep', file, '--db', db, '--workers', '2'])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain(`every trial has ended; re-running each cell's best trial on validation with fresh seeds, judged on the test split: ${2 * SEEDS} runs`)
    const { sweep, trials, finals } = roles(db)
    expect([trials.length, finals.length, sweep.planned, sweep.total]).toEqual([2 * TRIALS, 2 * SEEDS, 2 * (TRIALS + SEEDS), 2 * (TRIALS + SEEDS)])
    expect(finals.every((r) => r.status === 'done' && r.figures?.test !== undefined && r.config.dataSeed === trials[0].config.dataSeed)).toBe(true)

    const verdicts = rnnbench(['verdicts', '--json', '--db', db])
    expect(verdicts.code, verdicts.stderr).toBe(0)
    const report = JSON.parse(verdicts.stdout) as TunedJson
    const tuned = report.questions[0]
    expect(tuned.id).toBe('tuned-adding')
    expect(tuned.verdicts[0].pairs).toBe(SEEDS)
    expect(tuned.verdicts[0].sentence).toMatch(/each at its own best of 4 trials on validation \((GRU|LSTM) at [^;]*lr=[\d.]+; (GRU|LSTM) at [^)]*lr=[\d.]+\), judged on the test split/)
    for (const cell of ['lstm', 'gru']) {
      const curve = tuned.tuned!.expectedMax[cell]
      const values = trials.filter((r) => r.config.cell === cell).map((r) => r.figures!.finalMetric)
      const mean = values.reduce((a, b) => a + b, 0) / values.length
      expect(curve).toHaveLength(TRIALS)
      expect(curve[0]).toBeCloseTo(mean, 12) // one trial: the mean of the trials
      curve.forEach((v, k) => {
        if (k) expect(v).toBeLessThanOrEqual(curve[k - 1] + 1e-12) // MSE: never worse with more trials
        expect(v).toBeGreaterThanOrEqual(Math.min(...values) - 1e-12)
        expect(v).toBeLessThanOrEqual(mean + 1e-12)
      })
      // the chosen trial is the best on validation, and its settings are the re-runs'
      const chosen = tuned.tuned!.chosen[cell]
      expect(chosen.validation).toBe(Math.min(...values))
      const rerun = finals.find((r) => r.config.cell === cell)!
      expect(rerun.config.tune).toMatchObject({ phase: 'final', trial: chosen.trial - 1 })
    }
    // the trials are not compared on their (selection) metric at equal settings
    expect(report.questions.map((q) => q.id)).not.toContain('metric-adding')
    const text = rnnbench(['verdicts', '--db', db]).stdout
    expect(text).toMatch(/Chosen on validation, then re-run with 6 fresh seeds each and judged on the test split: LSTM trial \d of 4/)
    expect(text).toMatch(/(the lines never cross|is ahead;|The lead changes)/)
  })

  it('sharded: each shard runs trials only; merged and resumed, the re-runs are planned and run', () => {
    const [a, b] = ['a', 'b'].map((n) => join(dir, `${n}.sqlite`))
    const first = rnnbench(['sweep', file, '--shard', '1/2', '--db', a, '--workers', '2'])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stderr).toMatch(/4 of its 8 trials are in this database; the re-runs of each cell's best trial are planned once all are/)
    expect(rnnbench(['sweep', file, '--shard', '2/2', '--db', b, '--workers', '2']).code).toBe(0)
    expect(roles(a).finals).toHaveLength(0)
    expect(rnnbench(['import', b, '--db', a]).code).toBe(0)
    const resumed = rnnbench(['resume', String(roles(a).sweep.id), '--db', a, '--workers', '2'])
    expect(resumed.code, resumed.stderr).toBe(0)
    const { trials, finals } = roles(a)
    expect([trials.length, finals.length]).toEqual([2 * TRIALS, 2 * SEEDS])
    // the same choice as the sweep run in one place (cpu-js is deterministic for a seed)
    const one = roles(join(dir, 'one.sqlite'))
    const key = (r: (typeof finals)[number]) => `${r.config.cell}|${r.config.seed}|${r.config.lr}|${r.config.hiddenSize}`
    expect(finals.map(key).sort()).toEqual(one.finals.map(key).sort())
  })
})
