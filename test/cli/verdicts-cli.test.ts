// `rnnbench verdicts` on a real time-budget sweep across two backends: each cell trains for as
// long as its backend allows, so the accuracy verdict must compare the cells at equal steps and
// say so; bad input is one line and exit 2.

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { probeBackend } from '../../src-main/engine/backends'
import type { VerdictReport } from '../../src-main/reports/verdicts'
import { rnnbench } from '../helpers/cli'

const dir = mkdtempSync(join(tmpdir(), 'rnnbench-verdicts-'))
const db = join(dir, 'v.sqlite')
let backends: string[] = ['cpu-js']

beforeAll(async () => {
  const native = await probeBackend('cpu-native')
  if (native.available) backends = ['cpu-js', 'cpu-native']
  else console.warn(`[rnnbench tests] verdicts CLI: cpu-native skipped (${native.reason}); the sweep runs on cpu-js alone`)
  const spec = join(dir, 'budget.json')
  // A time budget of 1.5 s: LSTM, the slower cell, gets fewer steps than GRU on cpu-js.
  writeFileSync(spec, JSON.stringify({
    name: 'time budget', settings: { task: 'adding', seqLen: 20, hiddenSize: 24, batchSize: 16 },
    axes: { cell: ['lstm', 'gru'], backend: backends }, repeats: 2, budget: { seconds: 1.5 }, evalEvery: 10, gradFlowEvery: 0, workers: 1,
  }))
  const r = rnnbench(['sweep', spec, '--db', db])
  expect(r.code, r.stderr).toBe(0)
}, 120_000)

describe('rnnbench verdicts', () => {
  it('compares accuracy at equal steps in a time-budget sweep, and says so', () => {
    const r = rnnbench(['verdicts', '--db', db, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const report = JSON.parse(r.stdout) as VerdictReport & { sweep_id: number }
    expect(report.finishedRuns).toBe(4 * backends.length)
    const metric = report.questions.find((q) => q.id === 'metric-adding')!
    expect(metric.verdicts.length).toBeGreaterThan(0)
    const runs = JSON.parse(rnnbench(['runs', '--db', db, '--json']).stdout) as Array<{ id: number; config: { cell: string; backend: string; seed: number }; figures: { steps: number } }>
    const steps = (cell: string, backend: string, seed: number) => runs.find((x) => x.config.cell === cell && x.config.backend === backend && x.config.seed === seed)!.figures.steps
    const unequal = runs.some((x) => x.config.cell === 'lstm' && Math.max(x.figures.steps, steps('gru', x.config.backend, x.config.seed)) > 1.1 * Math.min(x.figures.steps, steps('gru', x.config.backend, x.config.seed)))
    expect(unequal, 'a time budget gives LSTM and GRU unequal steps').toBe(true)
    // at least the cpu-js pairs, whose step counts differ, are compared at a common step, and the sentence says so
    const atCommonStep = metric.verdicts.filter((v) => v.basis!.kind === 'common-step' || v.basis!.kind === 'mixed')
    expect(atCommonStep.length).toBeGreaterThan(0)
    for (const v of atCommonStep) expect(v.sentence).toMatch(/at equal steps \(|steps each \(the last evaluation both runs of a pair reached\)/)
    // the pairs never cross backends
    for (const v of report.questions.flatMap((q) => q.verdicts)) {
      const ofVerdict = runs.filter((x) => v.runIds.includes(x.id))
      if (v.stratum?.setting === 'backend') expect(new Set(ofVerdict.map((x) => x.config.backend))).toEqual(new Set([v.stratum.value]))
    }
    // the text form prints the same sentences under each question
    const text = rnnbench(['verdicts', '--db', db])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain('Which cell learns adding best?')
    for (const v of metric.verdicts) expect(text.stdout).toContain(v.sentence)
  })

  it('refuses bad input with one line naming the field, exit 2', () => {
    const bad = rnnbench(['verdicts', '--db', db, '--matching', 'size'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toBe('rnnbench: --matching: must be one of hidden, params; got "size"\n')
    const none = rnnbench(['verdicts', '--db', db, '--sweep', '99'])
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/^rnnbench: --sweep: no sweep "99" in .*; sweeps there: 1\n$/)
  })
})
