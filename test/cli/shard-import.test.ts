// A sweep spread over two machines: run as two shards into two databases, merged with `import`,
// it equals the same sweep run in one place: the same runs, each once, with the same results
// (cpu-js training is deterministic for a seed).

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Store } from '../../src-main/store/store'
import { rnnbench } from '../helpers/cli'

const spec = { name: 'spread', settings: { task: 'adding', seqLen: 6, batchSize: 4 }, axes: { cell: ['lstm', 'gru', 'rnn_tanh'], hiddenSize: [4, 6] }, repeats: 1, budget: { steps: 12 }, evalEvery: 4, gradFlowEvery: 4 }

function runsOf(db: string) {
  const store = new Store(db)
  const [sweep] = store.listSweeps()
  const runs = store.listRuns(sweep.id).map((r) => ({ idx: r.idx, status: r.status, config: r.config, loss: r.figures?.finalTrainLoss, metric: r.figures?.bestMetric, points: store.series(r.id, 'train_loss').length, flows: store.gradFlow(r.id).length }))
  const sweeps = store.listSweeps().length
  store.close()
  return { sweeps, name: sweep.name, runs }
}

describe('sweeps across machines: --shard and import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnbench-shards-'))
  const file = join(dir, 'spec.json')
  writeFileSync(file, JSON.stringify(spec))
  const [one, a, b] = ['one', 'a', 'b'].map((n) => join(dir, `${n}.sqlite`))

  it('two shards merged equal the sweep run in one place, and importing again adds nothing', () => {
    expect(rnnbench(['sweep', file, '--db', one, '--workers', '2']).code).toBe(0)
    const first = rnnbench(['sweep', file, '--shard', '1/2', '--db', a, '--workers', '2'])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stderr).toContain('shard 1/2: 3 runs')
    expect(rnnbench(['sweep', file, '--shard', '2/2', '--db', b, '--workers', '2']).code).toBe(0)
    // whole comparisons: the three cells of one hidden size on one shard
    expect(runsOf(a).runs.map((r) => r.config.hiddenSize)).toEqual([4, 4, 4])
    expect(runsOf(b).runs.map((r) => r.config.hiddenSize)).toEqual([6, 6, 6])

    const merged = rnnbench(['import', b, '--db', a, '--json'])
    expect(merged.code, merged.stderr).toBe(0)
    expect(JSON.parse(merged.stdout)).toMatchObject({ sweeps: 1, createdSweeps: 0, added: 3, replaced: 0, unchanged: 0 })
    const together = runsOf(a), single = runsOf(one)
    expect(together.sweeps).toBe(1)
    expect(together.runs).toEqual(single.runs)
    expect(together.runs.every((r) => r.status === 'done' && r.points === 12 && r.flows > 0)).toBe(true)

    const again = rnnbench(['import', b, '--db', a, '--json'])
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, replaced: 0, unchanged: 3 })
    expect(runsOf(a).runs).toHaveLength(6)
  })

  it('merges both shards into a database that had neither', () => {
    const empty = join(dir, 'empty.sqlite')
    expect(rnnbench(['import', a, '--db', empty]).code).toBe(0)
    const r = rnnbench(['import', b, '--db', empty, '--json'])
    expect(JSON.parse(r.stdout)).toMatchObject({ added: 0, unchanged: 3 }) // a already held b's runs
    expect(runsOf(empty).runs).toEqual(runsOf(one).runs)
  })

  it.each([
    [['import'], /^rnnbench: OTHER: give one or more database files to import/],
    [['import', '/nowhere.sqlite'], /^rnnbench: OTHER: no such file: \/nowhere\.sqlite$/],
    [['import', join(__dirname, '..', 'fixtures', 'optim.json')], /^rnnbench: OTHER: .* is not a usable SQLite database/],
    [['import', join(__dirname, '..', 'fixtures', 'optim.json'), '/nowhere.sqlite'], /optim\.json: refused: .* is not a usable SQLite database[^\n]*\n\/nowhere\.sqlite: refused: no such file: \/nowhere\.sqlite\nimported 0 of 2 files/],
    [['sweep', 'SPEC', '--shard', '3/2'], /^rnnbench: --shard: must be i\/n with 1 ≤ i ≤ n, counting from 1 \(for 0-based indices .* add --shard-base 0, or use --shard auto\)/],
    [['sweep', 'SPEC', '--shard', '0/2'], /^rnnbench: --shard: must be i\/n with 1 ≤ i ≤ n, counting from 1/],
    [['sweep', 'SPEC', '--shard', '2/2', '--shard-base', '0'], /^rnnbench: --shard: must be i\/n with 0 ≤ i < n, counting from 0/],
    [['sweep', 'SPEC', '--shard', 'auto'], /^rnnbench: --shard: auto: neither SLURM_ARRAY_TASK_ID .* nor JOB_COMPLETION_INDEX/],
    [['sweep', 'SPEC', '--shard', 'half'], /^rnnbench: --shard: must be i\/n/],
  ])('refuses %j with exit 2', (args, message) => {
    const r = rnnbench(args.map((x) => (x === 'SPEC' ? file : x)).concat(['--db', join(dir, 'x.sqlite')]))
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toMatch(message)
  })
})
