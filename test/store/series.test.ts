// Series thinned in SQLite for the charts: evenly spaced, first and last kept, never more than
// asked, whatever the spacing the points were recorded at.

import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expandSweep } from '../../src-main/engine/sweep/expand'
import { parseSweepSpec } from '../../src-main/engine/sweep/spec'
import type { Point } from '../../src-main/engine/training'
import { Store } from '../../src-main/store/store'
import { repoRoot } from '../helpers/cli'

function storeWith(points: Point[]) {
  const store = new Store(':memory:')
  const spec = parseSweepSpec({ settings: { task: 'adding' }, budget: { steps: 10 } })
  const sweepId = store.createSweep('s', spec, expandSweep(spec))
  const runId = store.listRuns(sweepId)[0].id
  store.appendPoints(runId, points)
  return { store, sweepId, runId }
}

describe('Store.sweepSeries', () => {
  it('keeps every k-th point of a series recorded every step, and the last', () => {
    const { store, sweepId, runId } = storeWith(Array.from({ length: 500 }, (_, i) => ({ series: 'train_loss' as const, step: i + 1, wallMs: i, value: i })))
    const cols = store.sweepSeries(sweepId, ['train_loss'], 60).get(runId)!.get('train_loss')!
    expect(cols.step.length).toBeLessThanOrEqual(60)
    expect(cols.step.length).toBeGreaterThan(50)
    expect(cols.step[0]).toBe(1)
    expect(cols.step.at(-1)).toBe(500)
    const gaps = new Set(cols.step.slice(1, -1).map((s, i) => s - cols.step[i]))
    expect(gaps).toEqual(new Set([9]))
  })

  it('thins a series recorded every 100 steps by whole evaluations, not by step numbers', () => {
    const { store, sweepId, runId } = storeWith(Array.from({ length: 2001 }, (_, i) => ({ series: 'val_metric' as const, step: i * 100, wallMs: i, value: i })))
    const cols = store.sweepSeries(sweepId, ['val_metric'], 100).get(runId)!.get('val_metric')!
    expect(cols.step.length).toBeGreaterThan(90)
    expect(cols.step.length).toBeLessThanOrEqual(100)
    expect(cols.step.at(-1)).toBe(200_000)
  })

  it('returns short series whole, NaN as null, and only the series asked for', () => {
    const { store, sweepId, runId } = storeWith([
      { series: 'val_loss', step: 0, wallMs: 0, value: 1 }, { series: 'val_loss', step: 5, wallMs: 1, value: NaN }, { series: 'grad_norm', step: 1, wallMs: 0, value: 3 },
    ])
    const byName = store.sweepSeries(sweepId, ['val_loss'], 60).get(runId)!
    expect([...byName.keys()]).toEqual(['val_loss'])
    expect(byName.get('val_loss')).toEqual({ step: [0, 5], wallMs: [0, 1], value: [1, null] })
  })
})

describe('opening with another build of better-sqlite3 (the desktop app loads Electron\'s)', () => {
  it('uses the addon it is given, and says so when it cannot load it', () => {
    const nodeBuild = join(repoRoot, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')
    const store = new Store(':memory:', { nativeBinding: nodeBuild })
    expect(store.listSweeps()).toEqual([])
    store.close()
    expect(() => new Store(':memory:', { nativeBinding: '/nowhere/better_sqlite3.node' })).toThrow(/^--db: cannot open :memory:: .*nowhere/)
  })
})
