// What a careless or hostile user does to the CLI and its database, each as the audit found it:
// damaged and foreign files, a read-only folder, sizes too large to allocate, too many workers, a
// typo in --db. Every one is one line naming the field or file, exit 2, and nothing left behind.

import Database from 'better-sqlite3'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { repoRoot, rnnbench } from '../helpers/cli'

const tmp = mkdtempSync(join(tmpdir(), 'rnnbench-hostile-'))
const good = join(tmp, 'good.sqlite')
const spec = join(tmp, 'spec.json')
/** One line on stderr, prefixed as the CLI prefixes its errors. */
const oneLine = /^rnnbench: [^\n]+\n$/

beforeAll(() => {
  writeFileSync(spec, JSON.stringify({ name: 'small', settings: { task: 'adding', seqLen: 5, hiddenSize: 4, batchSize: 4 }, axes: { cell: ['lstm', 'gru'] }, budget: { steps: 4 }, evalEvery: 2 }))
  const r = rnnbench(['sweep', spec, '--db', good])
  expect(r.code, r.stderr).toBe(0)
})

describe('the CLI against bad files and bad sizes', () => {
  it('a database with damaged pages: one line naming the file, exit 2', () => {
    const damaged = join(tmp, 'damaged.sqlite')
    const db = new Database(damaged)
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)')
    db.close()
    // a valid header, then garbage where the schema's pages are
    const bytes = Buffer.alloc(8192, 0xab)
    Buffer.from('SQLite format 3\0').copy(bytes)
    bytes.writeUInt16BE(4096, 16)
    writeFileSync(damaged, bytes)
    for (const args of [['sweeps', '--db', damaged], ['runs', '--db', damaged], ['sweep', spec, '--db', damaged]]) {
      const r = rnnbench(args)
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2)
      expect(r.stderr).toMatch(oneLine)
      expect(r.stderr).toContain(damaged)
    }
  })

  it('a read-only database in a read-only folder: read commands work, a sweep is refused in one line', (ctx) => {
    const probe = spawnSync('unshare', ['-m', 'true'])
    if (probe.status !== 0) return ctx.skip('needs unshare -m (a mount namespace) to make a read-only folder as root')
    const dir = join(tmp, 'ro')
    mkdirSync(dir)
    const copy = join(dir, 'ro.sqlite')
    const src = new Database(good, { readonly: true })
    src.exec(`VACUUM INTO '${copy}'`)
    src.close()
    // The folder bound read-only onto itself, in a mount namespace of the command's own.
    const inReadOnly = (args: string[]) => spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind -o ro "$1" "$1" && shift && exec "$@"', 'sh', dir, process.execPath, join(repoRoot, 'bin', 'rnnbench.mjs'), ...args], { encoding: 'utf8' })
    const listed = inReadOnly(['sweeps', '--db', copy])
    expect(listed.status, listed.stderr).toBe(0)
    expect(listed.stdout).toContain('small')
    const swept = inReadOnly(['sweep', spec, '--db', copy])
    expect(swept.status).toBe(2)
    expect(swept.stderr).toMatch(oneLine)
    expect(swept.stderr).toContain(copy)
  })

  it('importing a SQLite file that is not rnnbench\'s, or has a newer schema: one line, exit 2', () => {
    const foreign = join(tmp, 'foreign.sqlite')
    const db = new Database(foreign)
    db.exec('CREATE TABLE notes (x); PRAGMA user_version = 1')
    db.close()
    const r = rnnbench(['import', foreign, '--db', join(tmp, 'target.sqlite')])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`rnnbench: OTHER: ${foreign} is not an rnnbench database (it has no sweeps, runs, points, grad_flow tables)\n`)
  })

  it('a row with damaged JSON is skipped with a warning naming it; the rest still lists', () => {
    const hurt = join(tmp, 'hurt.sqlite')
    const src = new Database(good, { readonly: true })
    src.exec(`VACUUM INTO '${hurt}'`)
    src.close()
    const db = new Database(hurt)
    const [first] = db.prepare('SELECT id FROM runs ORDER BY id').all() as Array<{ id: number }>
    db.prepare(`UPDATE runs SET figures = '{"broken' WHERE id = ?`).run(first.id)
    db.prepare(`INSERT INTO sweeps (name, spec, created_at) VALUES ('bad spec', '{nope', '2026-01-01T00:00:00Z')`).run()
    db.close()
    const sweeps = rnnbench(['sweeps', '--db', hurt])
    expect(sweeps.code).toBe(0)
    expect(sweeps.stdout).toContain('small')
    expect(sweeps.stderr).toMatch(/^rnnbench: skipping sweep 2 \("bad spec"\): its stored spec is damaged/m)
    const runs = rnnbench(['runs', '--db', hurt, '--sweep', '1', '--json'])
    expect(runs.code, runs.stderr).toBe(0)
    expect(JSON.parse(runs.stdout)).toHaveLength(1)
    expect(runs.stderr).toMatch(new RegExp(`^rnnbench: skipping run ${first.id} \\(sweep 1, position 1\\): its stored JSON is damaged`, 'm'))
  })

  it('a read command given a --db that does not exist leaves no file behind', () => {
    const typo = join(tmp, 'typo.sqlite')
    for (const command of ['runs', 'verdicts', 'export', 'sweeps']) {
      const r = rnnbench([command, '--db', typo, ...(command === 'export' ? ['--format', 'csv', '-o', '-'] : [])])
      expect(r.code, command).toBe(2)
      expect(r.stderr).toBe(`rnnbench: --db: no database at ${typo}; give an existing one with --db, or run a sweep first\n`)
    }
    expect(existsSync(typo)).toBe(false)
  })

  it('sizes too large to allocate are refused by name: bench --hidden, a parity case\'s hidden_size', () => {
    const bench = rnnbench(['bench', '--hidden', '1000000000'])
    expect(bench.code).toBe(2)
    expect(bench.stderr).toBe('rnnbench: --hidden: must be at most 8,192; got 1000000000\n')
    const wide = rnnbench(['bench', '--hidden', '8192', '--layers', '16', '--batch', '64'])
    expect(wide.code).toBe(2)
    expect(wide.stderr).toMatch(/^rnnbench: --hidden: a lstm of hidden size 8192, 16 layers.* needs about [\d.]+ GiB; at most 4 GiB; use smaller/)
    const huge = join(tmp, 'huge-case.json')
    writeFileSync(huge, JSON.stringify({ cell: 'lstm', input_size: 4, hidden_size: 100_000, num_layers: 1, weights: {}, x: [[[0, 0, 0, 0]]], dy: [[[0]]] }))
    const parity = rnnbench(['parity', huge])
    expect(parity.code).toBe(2)
    expect(parity.stderr).toMatch(/^rnnbench: hidden_size: a lstm of hidden size 100000, .* needs about [\d.]+ GiB; at most 4 GiB\n$/)
  })

  it('more workers than cores is refused unless --oversubscribe', () => {
    const many = String(availableParallelism() + 1)
    const r = rnnbench(['sweep', spec, '--db', join(tmp, 'w.sqlite'), '--workers', many])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`rnnbench: --workers: must be at most ${availableParallelism()}, the cores here; add --oversubscribe to run ${many} at once anyway (their step times will include each other's contention)\n`)
    const ok = rnnbench(['sweep', spec, '--db', join(tmp, 'w.sqlite'), '--workers', many, '--oversubscribe', '--json'])
    expect(ok.code, ok.stderr).toBe(0)
    const runs = JSON.parse(rnnbench(['runs', '--db', join(tmp, 'w.sqlite'), '--json']).stdout) as Array<{ environment: { workers: number } }>
    expect(runs.every((x) => x.environment.workers === 2)).toBe(true) // 2 runs: the pool never exceeds the runs left
  })
})
