// Sweeps past one machine, as the schedulers run them, simulated through their environment
// variables: a Slurm job array (--array=0-3) and a Kubernetes Indexed Job (3 completions). Each
// task runs `rnnbench sweep --shard auto` into its own database; one `import` of all of them equals
// the sweep run in one place (the same runs by position, each once, the same results), every
// configuration's cells and seeds sit on one shard, the scheduler is recorded with each run, and
// a task run again (a requeue, a retried pod) finishes without redoing anything. Then
// `rnnbench train`, one configuration for an external optimizer: its JSON, objective and exit codes.

import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { comparisonKey } from '../../src-main/engine/sweep/shard'
import { Store } from '../../src-main/store/store'
import { repoRoot, rnnbench } from '../helpers/cli'

const dir = mkdtempSync(join(tmpdir(), 'rnnbench-scale-out-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const spec = { name: 'spread', repeats: 2, settings: { task: 'adding', batchSize: 4 }, axes: { cell: ['lstm', 'gru', 'rnn_tanh'], hiddenSize: [4, 6], seqLen: [5, 7] }, budget: { steps: 8 }, evalEvery: 4, gradFlowEvery: 4 }
const file = join(dir, 'spec.json')
writeFileSync(file, JSON.stringify(spec))

function runsOf(db: string) {
  const store = new Store(db, { readonly: true })
  try {
    const sweeps = store.listSweeps()
    const runs = store.listRuns(sweeps[0].id).map((r) => ({ idx: r.idx, status: r.status, attempts: (r as { attempts?: number }).attempts, config: r.config, loss: r.figures?.finalTrainLoss, shard: (r.environment as { shard?: Record<string, unknown> } | null)?.shard }))
    return { sweeps: sweeps.length, runs }
  } finally {
    store.close()
  }
}
const strip = (runs: ReturnType<typeof runsOf>['runs']) => runs.map(({ idx, status, config, loss }) => ({ idx, status, config, loss }))
const noScheduler = { SLURM_ARRAY_TASK_ID: '', SLURM_ARRAY_TASK_MIN: '', SLURM_ARRAY_TASK_COUNT: '', SLURM_ARRAY_JOB_ID: '', JOB_COMPLETION_INDEX: '' }

describe('sweeps on a cluster\'s scheduler', () => {
  const one = join(dir, 'one.sqlite')
  it('runs the whole sweep in one place, for comparison', () => {
    expect(rnnbench(['sweep', file, '--db', one, '--workers', '2']).code).toBe(0)
    expect(runsOf(one).runs).toHaveLength(24)
  }, 60_000)

  const schedulers: Array<[string, number, (i: number) => Record<string, string>, string[]]> = [
    ['a Slurm job array, --array=0-3', 4, (i) => ({ ...noScheduler, SLURM_ARRAY_TASK_ID: String(i), SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_JOB_ID: '4242' }), []],
    ['a Kubernetes Indexed Job of 3 completions', 3, (i) => ({ ...noScheduler, JOB_COMPLETION_INDEX: String(i) }), ['--shard-count', '3']],
  ]

  it.each(schedulers)('%s: the shards, imported together, equal the sweep run in one place', (name, n, env, extra) => {
    const dbs = Array.from({ length: n }, (_, i) => join(dir, `${name.split(' ')[1]}-${i}.sqlite`))
    dbs.forEach((db, i) => {
      const r = rnnbench(['sweep', file, '--shard', 'auto', ...extra, '--db', db, '--workers', '2'], { env: env(i) })
      expect(r.code, r.stderr).toBe(0)
    })
    const shards = dbs.map((db) => runsOf(db).runs)
    // every configuration's cells and seeds on one shard, and no run on two
    const home = new Map<string, number>()
    shards.forEach((runs, s) => runs.forEach((r) => {
      const key = comparisonKey(r.config)
      expect(home.get(key) ?? s, key).toBe(s)
      home.set(key, s)
    }))
    expect(shards.flat().map((r) => r.idx).sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i))
    // the scheduler and index recorded with each run
    const first = shards[1][0].shard!
    expect(first).toMatchObject(name.includes('Slurm') ? { kind: 'slurm', index: 1, count: 4, taskId: 1, jobId: '4242' } : { kind: 'kubernetes', index: 1, count: 3, completionIndex: 1 })

    const merged = join(dir, `${name.split(' ')[1]}-merged.sqlite`)
    const imported = rnnbench(['import', ...dbs, '--db', merged, '--json'])
    expect(imported.code, imported.stderr).toBe(0)
    expect(imported.stderr.trim().split('\n')).toHaveLength(n + 1) // a line per file, then the total
    const together = runsOf(merged)
    expect(together.sweeps).toBe(1)
    expect(strip(together.runs)).toEqual(strip(runsOf(one).runs))
  }, 120_000)

  it('a task run again (a requeue, a retried pod) finishes what is missing and redoes nothing', () => {
    const db = join(dir, 'Slurm-1.sqlite')
    const before = runsOf(db).runs
    const again = rnnbench(['sweep', file, '--shard', 'auto', '--db', db], { env: schedulers[0][2](1) })
    expect(again.code, again.stderr).toBe(0)
    expect(again.stderr).toMatch(/shard .* is already here: finishing what is missing/)
    const after = runsOf(db)
    expect(after.sweeps).toBe(1)
    expect(after.runs.map((r) => [r.idx, r.attempts, r.loss])).toEqual(before.map((r) => [r.idx, r.attempts, r.loss]))
  })

  it('refuses to run a shard another live process is running, as resume does', async () => {
    const db = join(dir, 'busy.sqlite')
    const slow = join(dir, 'slow.json')
    writeFileSync(slow, JSON.stringify({ ...spec, name: 'slow', budget: { steps: 0, seconds: 3 } }))
    const first = spawn(process.execPath, [join(repoRoot, 'bin', 'rnnbench.mjs'), 'sweep', slow, '--shard', '1/2', '--db', db, '--workers', '1'], { stdio: 'ignore' })
    const exited = new Promise<number | null>((resolve) => first.once('exit', resolve))
    await expect.poll(() => { try { return runsOf(db).runs.some((r) => r.status === 'running') } catch { return false } }).toBe(true)
    const second = rnnbench(['sweep', slow, '--shard', '1/2', '--db', db])
    expect(second.code).toBe(2)
    expect(second.stderr).toMatch(new RegExp(`^rnnbench: --shard: sweep 1 is running in pid ${first.pid} .*before you run this shard of it\n$`))
    first.kill('SIGINT')
    await exited
  }, 60_000)

  it('says so when there are more shards than comparisons, and refuses a stepped or out-of-range array', () => {
    const empty = rnnbench(['sweep', file, '--shard', '9/10', '--db', join(dir, 'empty.sqlite')])
    expect([empty.code, empty.stderr.trim()]).toEqual([0, 'shard 9/10 has no runs: the sweep holds 4 comparisons (a configuration\'s cells and seeds stay together), fewer than 10 shards'])
    const out = rnnbench(['sweep', file, '--shard', 'auto', '--db', join(dir, 'x.sqlite')], { env: { ...noScheduler, SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_COUNT: '4' } })
    expect(out.code).toBe(2)
    expect(out.stderr).toMatch(/^rnnbench: --shard: auto: SLURM_ARRAY_TASK_ID 9 is outside 0\.\.3/)
    const k8s = rnnbench(['sweep', file, '--shard', 'auto', '--db', join(dir, 'x.sqlite')], { env: { ...noScheduler, JOB_COMPLETION_INDEX: '0' } })
    expect(k8s.stderr).toMatch(/^rnnbench: --shard-count: auto: JOB_COMPLETION_INDEX is set .* give the Job's completions with --shard-count N/)
    const zero = rnnbench(['sweep', file, '--shard', '0/4', '--shard-base', '0', '--db', join(dir, 'zero.sqlite')])
    expect(zero.code, zero.stderr).toBe(0)
    expect(zero.stderr).toMatch(/shard 0\/4: 6 runs/)
  }, 60_000)
})

describe('rnnbench train: one configuration for an external optimizer', () => {
  const config = { task: 'adding', cell: 'gru', hiddenSize: 8, seqLen: 8, lr: 0.01, steps: 40, seed: 3 }

  it('prints the run as one JSON object, and the same run again gives the same numbers', () => {
    const a = rnnbench(['train', '--config', JSON.stringify(config), '--json'])
    expect(a.code, a.stderr).toBe(0)
    const run = JSON.parse(a.stdout)
    expect(run).toMatchObject({ status: 'done', config: { cell: 'gru', hiddenSize: 8, seed: 3, steps: 40 } })
    expect(run.figures.metric.name).toBe('mse')
    expect(run.figures.classical.metric).toBeGreaterThan(0)
    const b = JSON.parse(rnnbench(['train', '--config', JSON.stringify(config), '--json']).stdout)
    expect(b.figures.finalMetric).toBe(run.figures.finalMetric)
  }, 60_000)

  it('prints one number with --objective, from a file too, and stores the run with --db', () => {
    const path = join(dir, 'config.json')
    writeFileSync(path, JSON.stringify(config))
    const db = join(dir, 'train.sqlite')
    const r = rnnbench(['train', '--config', path, '--objective', 'best', '--db', db])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^\d+(\.\d+)?(e-?\d+)?\n$/)
    const stored = runsOf(db)
    expect(stored.runs).toHaveLength(1)
    expect(Number(r.stdout)).toBeLessThanOrEqual(stored.runs[0].loss! * 10)
    // the objective is validation's; the test split is said only when asked, and never printed as the number
    expect(r.stderr).not.toMatch(/^test: /m)
    const shown = rnnbench(['train', '--config', path, '--objective', 'final', '--show-test'])
    const store = new Store(db)
    const f = store.listRuns()[0].figures!
    store.close()
    expect(Number(shown.stdout)).toBe(f.finalMetric)
    expect(shown.stdout).not.toContain(String(f.test!.metric))
    expect(shown.stderr).toMatch(/^test: \w+ [\d.e-]+ on \d+ test \w+ \(baseline [\d.e-]+.*\); not part of the objective$/m)
  }, 60_000)

  it('exits 1 with nan for a run that diverges, and 2 for a configuration that is not valid', () => {
    const diverges = rnnbench(['train', '--config', JSON.stringify({ task: 'adding', cell: 'rnn_relu', lr: 10, seqLen: 20, steps: 60, clipNorm: 0 }), '--objective', 'final'])
    expect([diverges.code, diverges.stdout]).toEqual([1, 'nan\n'])
    expect(diverges.stderr).toMatch(/^diverged: /m)
    for (const [args, message] of [
      [['--config', '{"cell": "gruu"}'], /^rnnbench: config\.cell: must be one of "rnn_tanh", "rnn_relu", "lstm", "gru"$/],
      [['--config', '{"steps": -1}'], /^rnnbench: config\.steps: /],
      [['--config', '[1]'], /^rnnbench: --config: must be a JSON object of settings$/],
      [['--config', '{nope'], /^rnnbench: --config: not valid JSON/],
      [['--config', '{}', '--objective', 'median'], /^rnnbench: --objective: must be final or best; got "median"$/],
      [[], /^rnnbench: --config: give the configuration/],
    ] as Array<[string[], RegExp]>) {
      const r = rnnbench(['train', ...args])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr.trim()).toMatch(message)
    }
  }, 60_000)
})
