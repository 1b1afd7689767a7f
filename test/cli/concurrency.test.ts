// Two processes at one database, as the audit found them racing: SIGTERM, a sweep deleted or
// imported into while another process runs it, two processes creating one new database, and run
// ownership across PID reuse and PID namespaces. No run is done twice, no process crashes.

import Database from 'better-sqlite3'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { runsTraining, until } from '../helpers/wait'
import { describe, expect, it } from 'vitest'
import { STALE_MS, thisOwner } from '../../src-main/store/lease'
import { Store } from '../../src-main/store/store'
import { DEFAULT_SETTINGS } from '../../src-main/engine/sweep/spec'
import type { RunConfig } from '../../src-main/engine/run-config'
import { probeBackend } from '../../src-main/engine/backends'
import { repoRoot, rnnbench } from '../helpers/cli'

const tmp = mkdtempSync(join(tmpdir(), 'rnnbench-race-'))
const bin = join(repoRoot, 'bin', 'rnnbench.mjs')
const spec = (steps: number, name = 'race') => {
  const path = join(tmp, `spec-${name}-${steps}.json`)
  writeFileSync(path, JSON.stringify({ name, settings: { task: 'adding', seqLen: 10, hiddenSize: 12, batchSize: 8 }, axes: { cell: ['lstm', 'gru'] }, repeats: 2, budget: { steps }, evalEvery: 10 }))
  return path
}

function counts(db: string): Record<string, number> {
  const conn = new Database(db, { readonly: true, fileMustExist: true })
  try {
    return Object.fromEntries((conn.prepare('SELECT status, count(*) AS n FROM runs GROUP BY status').all() as Array<{ status: string; n: number }>).map((r) => [r.status, r.n]))
  } catch {
    return {}
  } finally {
    conn.close()
  }
}

/** A command in the background, and a wait until its database shows `ready`. */
async function background(command: string, args: string[], db: string, ready: (c: Record<string, number>) => boolean): Promise<{ child: ChildProcess; exited: Promise<number | null>; stderr: () => string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (d) => { stderr += d })
  child.stdout!.resume()
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  await until(() => ready(counts(db)), child, () => stderr)
  return { child, exited, stderr: () => stderr }
}

describe('processes racing at one database', () => {
  it('SIGTERM: runs in progress recorded as interrupted (resumable), exit 143', async () => {
    const db = join(tmp, 'term.sqlite')
    const run = await background(process.execPath, [bin, 'sweep', spec(400), '--db', db, '--workers', '2'], db, (c) => (c.running ?? 0) >= 1)
    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(143)
    expect(run.stderr()).toMatch(/SIGTERM: stopping; runs in progress are marked interrupted/)
    const conn = new Database(db, { readonly: true })
    const errors = (conn.prepare(`SELECT error FROM runs WHERE status = 'cancelled'`).all() as Array<{ error: string }>).map((r) => r.error)
    conn.close()
    expect(errors.length).toBeGreaterThanOrEqual(1)
    expect(new Set(errors)).toEqual(new Set(['interrupted by SIGTERM']))
    expect(rnnbench(['resume', '--db', db]).code).toBe(0)
    expect(counts(db)).toEqual({ done: 4 })
  })

  it('cancelling webgpu runs stops them between steps, releases the device, and the process lives on', async (ctx) => {
    const probe = await probeBackend('webgpu')
    if (!probe.available) return ctx.skip(`webgpu unavailable here: ${probe.reason}`)
    const db = join(tmp, 'gpu.sqlite')
    const path = join(tmp, 'gpu.json')
    writeFileSync(path, JSON.stringify({ name: 'gpu', settings: { task: 'adding', seqLen: 20, hiddenSize: 16, batchSize: 8, backend: 'webgpu' }, axes: { cell: ['lstm', 'gru'] }, budget: { steps: 5000 }, evalEvery: 50 }))
    for (let attempt = 0; attempt < 2; attempt++) {
      const run = await background(process.execPath, [bin, attempt ? 'resume' : 'sweep', ...(attempt ? [] : [path]), '--db', db, '--workers', '2'], db, (c) => (c.running ?? 0) >= 2)
      await until(() => runsTraining(db) >= 2, run.child, run.stderr) // steps in flight on the device
      run.child.kill('SIGINT')
      expect(await run.exited, run.stderr()).toBe(130)
      expect(run.stderr()).not.toMatch(/FATAL|napi_throw|mapAsync|Aborted/)
      expect(counts(db).cancelled).toBeGreaterThanOrEqual(1)
      expect(counts(db).running).toBeUndefined()
    }
  }, 120_000)

  it('delete and resume refuse a sweep another live process runs, naming it; the runner survives a delete behind its back', async () => {
    const db = join(tmp, 'delete.sqlite')
    const run = await background(process.execPath, [bin, 'sweep', spec(2000), '--db', db, '--workers', '1'], db, (c) => (c.running ?? 0) >= 1)
    const store = new Store(db)
    expect(() => store.deleteSweep(1)).toThrow(new RegExp(`^id: sweep 1 is running in pid ${run.child.pid} on host ${hostname()}: cancel it there .* before you delete it$`))
    store.close()
    const resume = rnnbench(['resume', '1', '--db', db])
    expect(resume.code).toBe(2)
    expect(resume.stderr).toMatch(new RegExp(`^rnnbench: SWEEP_ID: sweep 1 is running in pid ${run.child.pid} on host `))
    // an older rnnbench, or plain SQL, deletes it anyway: the runner stops with one line, no stack
    const raw = new Database(db)
    raw.pragma('foreign_keys = ON')
    raw.prepare('DELETE FROM sweeps WHERE id = 1').run()
    raw.close()
    expect(await run.exited).toBe(1)
    expect(run.stderr()).toMatch(/rnnbench: sweep #1 was deleted by another process while it ran; its runs are gone\n$/)
    expect(run.stderr()).not.toMatch(/SqliteError|at .*\.js:\d+/)
  })

  it('import beside a running sweep leaves the runs in progress alone and says so', async () => {
    const db = join(tmp, 'local.sqlite'), other = join(tmp, 'other.sqlite')
    expect(rnnbench(['sweep', spec(1500, 'shared'), '--db', other]).code).toBe(0) // the same sweep, finished elsewhere
    const run = await background(process.execPath, [bin, 'sweep', spec(1500, 'shared'), '--db', db, '--workers', '1'], db, (c) => (c.running ?? 0) >= 1)
    const imported = rnnbench(['import', other, '--db', db])
    expect(imported.code, imported.stderr).toBe(0)
    expect(imported.stderr, imported.stderr).toMatch(new RegExp(`1 skipped \\(running here: pid ${run.child.pid} on host \\S+; import again once it ends\\)`))
    expect(await run.exited).toBe(0)
    // no run has two runs' worth of points
    const conn = new Database(db, { readonly: true })
    const perRun = conn.prepare(`SELECT run_id, count(*) AS n, count(DISTINCT step) AS steps FROM points WHERE series = 'train_loss' GROUP BY run_id`).all() as Array<{ n: number; steps: number }>
    conn.close()
    expect(perRun.every((p) => p.n === p.steps)).toBe(true)
    expect(counts(db)).toEqual({ done: 4 })
  })

  it('two processes creating one new database at once both succeed, ten times over', async () => {
    for (let i = 0; i < 10; i++) {
      const db = join(tmp, `new-${i}.sqlite`)
      const both = await Promise.all([0, 1].map(() => new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [bin, 'sweep', spec(2), '--db', db, '--workers', '1'], { stdio: ['ignore', 'ignore', 'pipe'] })
        let stderr = ''
        child.stderr.on('data', (d) => { stderr += d })
        child.on('exit', (code) => resolve({ code, stderr }))
      })))
      for (const r of both) expect(r.code, r.stderr).toBe(0)
      expect(counts(db)).toEqual({ done: 8 })
    }
  }, 120_000)
})

describe('run ownership is a lease, not a PID', () => {
  const config = { ...DEFAULT_SETTINGS, task: 'adding', seqLen: 5, hiddenSize: 4, batchSize: 4, seed: 1, dataSeed: 1, steps: 2, seconds: 0, evalEvery: 1, warmupSteps: 0, gradFlowEvery: 0, target: null, threads: 1 } as RunConfig
  let heldCount = 0
  /** A sweep of one run, left `running` under the given owner and heartbeat (written as another process would). */
  function held(owner: Record<string, unknown>, heartbeatAt: number): { store: Store; sweepId: number } {
    const path = join(tmp, `held-${++heldCount}.sqlite`)
    const store = new Store(path)
    const sweepId = store.createSweep('held', {}, [config])
    const [run] = store.listRuns(sweepId)
    const other = new Database(path)
    other.prepare(`UPDATE runs SET status = 'running', owner_pid = ?, owner = ?, heartbeat_at = ? WHERE id = ?`).run(owner.pid, JSON.stringify(owner), heartbeatAt, run.id)
    other.close()
    return { store, sweepId }
  }
  const me = thisOwner()

  it('a PID now used by another process (reuse after a crash): orphaned, resumed', () => {
    // a live process (this one's parent), but with another start time than the lease recorded
    const { store, sweepId } = held({ ...me, token: 'old-process', pid: process.ppid, start: '1' }, Date.now())
    expect(store.liveOwner(sweepId)).toBeNull()
    expect(store.resetInterrupted(sweepId)).toBe(1)
  })

  it('an owner in another PID namespace with a fresh heartbeat is alive, whatever its PID means here; stale, it is orphaned', () => {
    const other = { ...me, token: 'in-a-container', pidns: 'pid:[4026599999]', pid: 1, start: '5' }
    const fresh = held(other, Date.now())
    expect(fresh.store.liveOwner(fresh.sweepId)).toMatchObject({ pid: 1 })
    expect(fresh.store.resetInterrupted(fresh.sweepId)).toBe(0)
    const stale = held(other, Date.now() - STALE_MS - 1000)
    expect(stale.store.liveOwner(stale.sweepId)).toBeNull()
    expect(stale.store.resetInterrupted(stale.sweepId)).toBe(1)
  })

  it('a dead process on this host and namespace is orphaned at once, without waiting for its heartbeat to age', () => {
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' })
    const { store, sweepId } = held({ ...me, token: 'gone', pid: Number(dead.stdout.trim()) }, Date.now())
    expect(store.resetInterrupted(sweepId)).toBe(1)
  })

  it('a sweep running in a second PID namespace (unshare --pid) is not taken by resume outside it', async (ctx) => {
    if (spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status !== 0) return ctx.skip('needs unshare --pid --fork --mount-proc (root, Linux)')
    const db = join(tmp, 'ns.sqlite')
    const run = await background('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, bin, 'sweep', spec(600, 'ns'), '--db', db, '--workers', '1'], db, (c) => (c.running ?? 0) >= 1)
    // inside its namespace the sweep's process is pid 1 or 2, which is not it out here
    const resume = rnnbench(['resume', '1', '--db', db])
    expect(resume.code).toBe(2)
    expect(resume.stderr).toMatch(/^rnnbench: SWEEP_ID: sweep 1 is running in pid [12] on host /)
    expect(await run.exited).toBe(0)
    const conn = new Database(db, { readonly: true })
    const attempts = (conn.prepare('SELECT attempts FROM runs').all() as Array<{ attempts: number }>).map((r) => r.attempts)
    conn.close()
    expect(attempts).toEqual([1, 1, 1, 1]) // no run done twice
  }, 90_000)
})
