// Stored rows are checked when read (src-main/store/rows.ts): a damaged or foreign value fails at
// its row, naming the run and the field, and the rest of the listing goes on; a row as an older
// version wrote it reads with the defaults that version ran with; a database made by the oldest
// supported schema opens, migrates and lists its runs.

import Database from 'better-sqlite3'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expandSweep } from '../../src-main/engine/sweep/expand'
import { parseSweepSpec } from '../../src-main/engine/sweep/spec'
import { migrate } from '../../src-main/store/open'
import { readRunConfig, readRunFigures, StoredRowError } from '../../src-main/store/rows'
import { Store } from '../../src-main/store/store'

const tmp = mkdtempSync(join(tmpdir(), 'rnnbench-rows-'))
const spec = parseSweepSpec({ settings: { task: 'adding', seqLen: 5, hiddenSize: 4 }, axes: { cell: ['lstm', 'gru'] }, budget: { steps: 3 } })
const [config] = expandSweep(spec)

describe('stored rows, read', () => {
  it('reads back what was written, unchanged', () => {
    expect(readRunConfig(7, JSON.stringify(config))).toEqual(config)
  })

  it('names the run and the field of a value that does not read', () => {
    const bad = (over: Record<string, unknown>) => () => readRunConfig(7, JSON.stringify({ ...config, ...over }))
    expect(bad({ hiddenSize: 'big' })).toThrow(/^run 7: config\.hiddenSize: "big": /)
    expect(bad({ cell: 'transformer' })).toThrow(/^run 7: config\.cell: "transformer": /)
    expect(bad({ wings: 2 })).toThrow(/^run 7: config\.wings: not a field rnnbench knows/)
    expect(() => readRunConfig(7, '[1, 2]')).toThrow('run 7: config: not an object')
    expect(() => readRunConfig(7, '{"seed": ')).toThrow(/^run 7: config: not JSON/)
    const { seed: _seed, ...noSeed } = config
    expect(() => readRunConfig(7, JSON.stringify(noSeed))).toThrow('run 7: config.seed: missing')
    expect(() => readRunFigures(8, JSON.stringify({ status: 'done' }))).toThrow(StoredRowError)
    expect(() => readRunFigures(8, JSON.stringify({ status: 'done' }))).toThrow(/^run 8: figures\.parameterCount: /)
  })

  it('reads a row as an older version wrote it, before later settings and run fields existed', () => {
    const { forgetBias1: _f, threads: _t, gradFlowEvery: _g, target: _x, ...older } = config
    expect(readRunConfig(3, JSON.stringify(older))).toEqual({ ...config, forgetBias1: false, threads: 1, gradFlowEvery: 0, target: null })
  })

  it('skips a damaged row of a listing with one warning naming it, and lists the rest', () => {
    const warnings: string[] = []
    const store = new Store(':memory:', { warn: (m) => warnings.push(m) })
    const id = store.createSweep('s', spec, expandSweep(spec))
    const [first] = store.listRuns(id)
    ;(store as unknown as { db: Database.Database }).db.prepare('UPDATE runs SET config = ? WHERE id = ?').run(JSON.stringify({ ...first.config, hiddenSize: -4 }), first.id)
    expect(store.listRuns(id).map((r) => r.id)).not.toContain(first.id)
    expect(store.listRuns(id)).toHaveLength(1)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(new RegExp(`^skipping run ${first.id} .*run ${first.id}: config\\.hiddenSize: -4: `))
    store.close()
  })

  it('opens a database made by the oldest supported schema, and lists its runs', () => {
    const path = join(tmp, 'v1.sqlite')
    const raw = new Database(path)
    migrate(raw, 1)
    raw.prepare(`INSERT INTO sweeps (name, spec, created_at) VALUES ('old', ?, '2026-01-01')`).run(JSON.stringify(spec))
    const { forgetBias1: _f, threads: _t, ...older } = config
    raw.prepare(`INSERT INTO runs (sweep_id, idx, config, status) VALUES (1, 0, ?, 'pending')`).run(JSON.stringify(older))
    raw.close()
    const store = new Store(path)
    const runs = store.listRuns(1)
    expect(runs).toHaveLength(1)
    expect(runs[0].config).toMatchObject({ cell: config.cell, hiddenSize: 4, forgetBias1: false, threads: 1 })
    store.close()
  })
})
