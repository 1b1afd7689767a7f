// Sweeps through the real `rnnbench` process, as a user runs them: kill -9 and resume, Ctrl-C,
// the listing and export commands, and bad input that must leave the database as it was.

import Database from 'better-sqlite3'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { until } from '../helpers/wait'
import { describe, expect, it } from 'vitest'
import { repoRoot, rnnbench } from '../helpers/cli'

const tmp = mkdtempSync(join(tmpdir(), 'rnnbench-sweep-'))
const spec = (steps: number, repeats = 2) => {
  const path = join(tmp, `spec-${steps}-${repeats}.json`)
  writeFileSync(path, JSON.stringify({
    name: 'cli test', settings: { task: 'adding', seqLen: 10, hiddenSize: 12, batchSize: 8 },
    axes: { cell: ['lstm', 'gru', 'rnn_tanh'] }, repeats, budget: { steps }, evalEvery: 10,
  }))
  return path
}

function countByStatus(db: string): Record<string, number> {
  const conn = new Database(db, { readonly: true })
  try {
    const rows = conn.prepare('SELECT status, count(*) AS n FROM runs GROUP BY status').all() as Array<{ status: string; n: number }>
    return Object.fromEntries(rows.map((r) => [r.status, r.n]))
  } finally {
    conn.close()
  }
}

/** Start a sweep in the background; resolves once `ready(db)` holds, returning the child. */
async function startSweep(args: string[], ready: (counts: Record<string, number>) => boolean, db: string) {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'rnnbench.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d) => { stderr += d })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))))
  await until(() => ready(countByStatus(db)), child, () => stderr)
  return { child, exited, stderr: () => stderr }
}

describe('rnnbench sweep and resume', () => {
  it('after kill -9 mid-sweep, resume finishes every run, repeats none, and the file is intact', async () => {
    const db = join(tmp, 'killed.sqlite')
    const { child, exited } = await startSweep(['sweep', spec(150), '--db', db, '--workers', '2'], (c) => (c.done ?? 0) >= 2 && (c.running ?? 0) >= 1, db)
    child.kill('SIGKILL')
    await exited
    const before = new Database(db, { readonly: true })
    const finished = before.prepare(`SELECT id, finished_at, figures FROM runs WHERE status = 'done'`).all() as Array<{ id: number; finished_at: string; figures: string }>
    before.close()
    expect(countByStatus(db).running).toBeGreaterThanOrEqual(1)

    const r = rnnbench(['resume', '--db', db, '--workers', '2'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/resuming sweep #1 "cli test": \d of 6 runs finished/)
    const conn = new Database(db, { readonly: true })
    expect(conn.pragma('integrity_check', { simple: true })).toBe('ok')
    const runs = conn.prepare('SELECT id, status, attempts, finished_at, figures FROM runs ORDER BY id').all() as Array<{ id: number; status: string; attempts: number; finished_at: string; figures: string }>
    expect(runs).toHaveLength(6)
    expect(runs.every((x) => x.status === 'done')).toBe(true)
    for (const f of finished) {
      const now = runs.find((x) => x.id === f.id)!
      expect(now.attempts).toBe(1)
      expect(now.finished_at).toBe(f.finished_at)
      expect(now.figures).toBe(f.figures)
    }
    // each run's series holds exactly one attempt: one train_loss point per step
    const perRun = conn.prepare(`SELECT run_id, count(*) AS n, count(DISTINCT step) AS steps FROM points WHERE series = 'train_loss' GROUP BY run_id`).all() as Array<{ n: number; steps: number }>
    expect(perRun).toHaveLength(6)
    expect(perRun.every((p) => p.n === 150 && p.steps === 150)).toBe(true)
    conn.close()

    const again = rnnbench(['resume', '--db', db])
    expect(again.code).toBe(0)
    expect(again.stderr).toMatch(/6 done/)
  })

  it('Ctrl-C marks the runs in progress cancelled, says how to resume, and exits 130', async () => {
    const db = join(tmp, 'interrupted.sqlite')
    const { child, exited, stderr } = await startSweep(['sweep', spec(400), '--db', db, '--workers', '2'], (c) => (c.running ?? 0) >= 2, db)
    child.kill('SIGINT')
    expect(await exited).toBe(130)
    expect(stderr()).toMatch(/stopping; runs in progress are marked cancelled/)
    expect(stderr()).toMatch(new RegExp(`resume with: rnnbench resume 1 --db ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
    const counts = countByStatus(db)
    expect(counts.cancelled).toBeGreaterThanOrEqual(2)
    expect(counts.running).toBeUndefined()
  })

  it('lists sweeps and runs, and exports CSV and JSON with every run', () => {
    const db = join(tmp, 'listed.sqlite')
    const done = rnnbench(['sweep', spec(20, 1), '--db', db, '--json'])
    expect(done.code, done.stderr).toBe(0)
    expect(JSON.parse(done.stdout)).toMatchObject({ sweep_id: 1, counts: { done: 3 } })
    expect(done.stderr).toMatch(/^\[1\/3\] done +#\d+ \w+: mse /m) // plain lines when not a terminal

    const sweeps = JSON.parse(rnnbench(['sweeps', '--db', db, '--json']).stdout)
    expect(sweeps).toMatchObject([{ id: 1, name: 'cli test', runs: 3, counts: { done: 3 } }])
    const runs = JSON.parse(rnnbench(['runs', '--db', db, '--json']).stdout)
    expect(runs).toHaveLength(3)
    for (const run of runs) {
      expect(run).toMatchObject({ sweep_id: 1, status: 'done', config: { backend: 'cpu-js', task: 'adding', hiddenSize: 12 } })
      expect(['lstm', 'gru', 'rnn_tanh']).toContain(run.config.cell)
      expect(run.figures.stepMs.total.median).toBeGreaterThan(0)
      expect(run.figures.memory.activationBytes).toBeGreaterThan(0)
      expect(run.figures.baseline.metric).toBeGreaterThan(0)
      expect(run.environment.node).toBe(process.versions.node)
      // the CPU its steps had: the steps that lost it of the timed ones, and the pressure it ran under
      if (process.platform === 'linux') {
        expect(run.figures.cpu).toMatchObject({ signal: 'run-queue wait', threads: 1 })
        expect(run.figures.cpu.lost).toBeLessThanOrEqual(run.figures.cpu.steps)
        expect(run.figures.cpu.steps).toBe(run.figures.stepMs.total.n)
      }
      expect(run.environment.concurrentRunsMax).toBeGreaterThanOrEqual(1)
    }
    const table = rnnbench(['runs', '--db', db])
    expect(table.stdout).toMatch(/^#\s+status\s+cell\s+seed\s+metric.*\sms\/step\s+clean\s+pressure\s/)
    if (process.platform === 'linux') for (const run of runs) expect(table.stdout).toContain(` ${run.figures.cpu.steps - run.figures.cpu.lost}/${run.figures.cpu.steps} `)

    const csvPath = join(tmp, 'runs.csv'), jsonPath = join(tmp, 'runs.json')
    expect(rnnbench(['export', '--db', db, '--format', 'csv', '-o', csvPath]).code).toBe(0)
    const csv = readFileSync(csvPath, 'utf8').trimEnd().split('\n')
    expect(csv).toHaveLength(4)
    expect(csv[0]).toMatch(/^id,sweep_id,index,status,/)
    expect(csv[0]).toContain('config.cell')
    expect(csv[0]).toContain('figures.stepMs.total.median')
    expect(rnnbench(['export', '--db', db, '--format', 'json', '-o', jsonPath]).code).toBe(0)
    const json = JSON.parse(readFileSync(jsonPath, 'utf8'))
    expect(json.runs).toHaveLength(3)
    expect(json.runs[0].series.train_loss).toHaveLength(20)
    expect(json.sweep.spec.name).toBe('cli test')
  })

  it('names a sweep whose spec gives no name after its file, without the directory or .json', () => {
    const dir = join(tmp, 'unnamed', 'specs')
    mkdirSync(dir, { recursive: true })
    const path = join(dir, 'gru vs lstm.json')
    writeFileSync(path, JSON.stringify({ settings: { task: 'adding', seqLen: 5, hiddenSize: 4, batchSize: 4 }, budget: { steps: 3 } }))
    const r = rnnbench(['sweep', path, '--db', join(tmp, 'unnamed.sqlite')])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/^sweep #1 "gru vs lstm": 1 run on 1 worker -> /m)
  })
})

describe('bad input leaves the database as it was', () => {
  const db = join(tmp, 'guarded.sqlite')
  const good = spec(5, 1)
  const write = (name: string, text: string) => { const p = join(tmp, name); writeFileSync(p, text); return p }
  const cases: Array<[string, () => string[], RegExp, Record<string, string>?]> = [
    ['a spec that is not JSON', () => ['sweep', write('bad.json', '{"axes": '), '--db', db], /^rnnbench: SPEC: .*bad\.json is not valid JSON/],
    ['an invalid spec', () => ['sweep', write('typo.json', '{"axes": {"cell": ["lstm", "lsmt"]}}'), '--db', db], /^rnnbench: axes\.cell\[1\]: must be one of "rnn_tanh", "rnn_relu", "lstm", "gru"$/],
    ['an unknown preset', () => ['sweep', '--preset', 'fast', '--db', db], /^rnnbench: --preset: unknown preset "fast"; valid: quick, tuned-quick, scaling, long-dependency, airline$/],
    ['a spec and a preset', () => ['sweep', good, '--preset', 'quick', '--db', db], /^rnnbench: SPEC: give either one spec file or --preset NAME/],
    // An addon path that does not exist makes cpu-native unavailable, whether or not it built here.
    ['an unavailable backend', () => ['sweep', write('native.json', '{"settings": {"backend": "cpu-native"}}'), '--db', db], /^rnnbench: backend: cpu-native is not available here \(the C\+\+ addon did not build/, { RNNBENCH_NATIVE_ADDON: '/nonexistent/rnnbench_native.node' }],
    ['an unreadable text file', () => ['sweep', write('text.json', '{"settings": {"task": "charlm", "textFile": "/no/such/book.txt"}}'), '--db', db], /^rnnbench: textFile: cannot read \/no\/such\/book\.txt: no such file$/],
    ['an airline window too long', () => ['sweep', write('window.json', '{"settings": {"task": "airline", "seqLen": 200}}'), '--db', db], /^rnnbench: seqLen: task airline with seqLen 200: airline window must be 1–95 months$/],
    ['zero workers', () => ['sweep', good, '--db', db, '--workers', '0'], /^rnnbench: --workers: must be a positive integer; got "0"$/],
    ['an unknown sweep id', () => ['runs', '--sweep', '99', '--db', db], /^rnnbench: --sweep: no sweep "99" in .*; sweeps there: 1$/],
    ['an unknown export format', () => ['export', '--format', 'xlsx', '-o', 'x', '--db', db], /^rnnbench: --format: must be one of html, md, csv, json, pdf; got "xlsx"$/],
  ]

  it.each(cases)('%s', (_, args, message, env) => {
    if (!existsSync(db)) expect(rnnbench(['sweep', good, '--db', db]).code).toBe(0)
    const before = rnnbench(['runs', '--db', db, '--json']).stdout
    const r = rnnbench(args(), { env })
    expect(r.code).toBe(2)
    expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1)
    expect(r.stderr.trimEnd()).toMatch(message)
    expect(rnnbench(['runs', '--db', db, '--json']).stdout).toBe(before)
    expect(JSON.parse(rnnbench(['sweeps', '--db', db, '--json']).stdout)).toHaveLength(1)
  })

  it('refuses a corrupt database file without touching it', () => {
    const path = write('corrupt.sqlite', 'SQLite format 3\u0000 but then garbage '.repeat(200))
    const before = readFileSync(path)
    const r = rnnbench(['sweep', good, '--db', path])
    expect(r.code).toBe(2)
    expect(r.stderr.trimEnd()).toMatch(/^rnnbench: --db: .*corrupt\.sqlite is not a usable SQLite database/)
    expect(readFileSync(path).equals(before)).toBe(true)
  })

  it('refuses a database from a newer rnnbench without touching it', () => {
    const path = join(tmp, 'future.sqlite')
    const conn = new Database(path)
    conn.pragma('user_version = 99')
    conn.exec('CREATE TABLE sweeps (id)')
    conn.close()
    const before = readFileSync(path)
    const r = rnnbench(['sweeps', '--db', path])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/newer rnnbench \(schema 99; this version knows up to 4\); upgrade rnnbench\. The file was not changed/)
    expect(readFileSync(path).equals(before)).toBe(true)
  })

  it('says when the database cannot be created, and honours RNNBENCH_DB', () => {
    const missing = join(tmp, 'no', 'such', 'dir', 'x.sqlite')
    const r = rnnbench(['sweep', spec(2, 1), '--db', missing])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^rnnbench: --db: cannot create .* the folder .* does not exist/)
    // listing reads only: a --db that is not there is refused (a typo), and nothing is created
    const listed = rnnbench(['sweeps', '--db', missing])
    expect([listed.code, listed.stderr]).toEqual([2, `rnnbench: --db: no database at ${missing}; give an existing one with --db, or run a sweep first\n`])
    expect(existsSync(missing)).toBe(false)
    // at the default place, an empty list is no error: nothing has been run yet
    const fresh = rnnbench(['sweeps'], { env: { RNNBENCH_DB: join(tmp, 'not-yet.sqlite') } })
    expect([fresh.code, fresh.stdout]).toEqual([0, `no database at ${join(tmp, 'not-yet.sqlite')} yet; start a sweep with: rnnbench sweep --preset quick\n`])
    const viaEnv = rnnbench(['sweeps', '--json'], { env: { RNNBENCH_DB: db } })
    expect(JSON.parse(viaEnv.stdout)).toHaveLength(1)
  })
})

describe('rnnbench bench', () => {
  it('times a training step and reports the median, minimum and GFLOP/s', () => {
    const r = rnnbench(['bench', '--backend', 'cpu-js', '--cell', 'gru', '--hidden', '16', '--input', '8', '--batch', '4', '--seq', '12', '--layers', '2', '--repeats', '3', '--json'])
    expect(r.code, r.stderr).toBe(0)
    // cpu-js's GEMM kernel, as bundled, is still valid asm.js (V8 warns on stderr when it is not)
    expect(r.stderr).not.toMatch(/asm\.js/)
    const b = JSON.parse(r.stdout)
    expect(b).toMatchObject({ backend: 'cpu-js', cell: 'gru', hidden: 16, input: 8, batch: 4, seq: 12, layers: 2, repeats: 3 })
    expect(b.ms_min).toBeLessThanOrEqual(b.ms_median)
    expect(b.flops).toBe(6 * 3 * 16 * (8 + 16) * 4 * 12 + 6 * 3 * 16 * (16 + 16) * 4 * 12)
    expect(b.gflops).toBeCloseTo(b.flops / (b.ms_median * 1e6), 6)
    // which repeats lost the CPU to other work (Linux), else why it was not sampled
    if (process.platform === 'linux') {
      expect(b.lost_steps).toBeGreaterThanOrEqual(0)
      expect(b.lost_steps).toBeLessThanOrEqual(3)
      expect(b.cpu_not_sampled).toBeNull()
      if (b.ms_clean_p25 !== null) expect(b.ms_clean_p25).toBeGreaterThanOrEqual(b.ms_min)
    } else expect(b.cpu_not_sampled).toMatch(/^\S.{15,}$/)
  })

  it('validates cpu-native against cpu-js before timing it, where the addon is built', (ctx) => {
    const r = rnnbench(['bench', '--backend', 'cpu-native', '--cell', 'lstm', '--hidden', '24', '--input', '8', '--batch', '5', '--seq', '9', '--repeats', '2', '--json'])
    if (r.code === 2 && /not available/.test(r.stderr)) return ctx.skip(r.stderr.trim())
    expect(r.code, r.stderr).toBe(0)
    const b = JSON.parse(r.stdout)
    expect(b.validated).toMatch(/^matches cpu-js on y, dx and every gradient \(worst value at [\d.]+% of the parity tolerance\)$/)
    expect(b.device).toMatch(/C\+\+ (avx512|avx2-fma|portable) kernels/)
    expect(b.activation_bytes).toBe(4 * (6 * 9 * 5 * 24 + 5 * 24)) // LSTM's minimum: 6·H per step and row, plus c0
    // --no-check (sizes where cpu-js would take minutes, as bench/gpu-check.sh times): says so instead
    const unchecked = JSON.parse(rnnbench(['bench', '--backend', 'cpu-native', '--hidden', '24', '--batch', '5', '--seq', '9', '--repeats', '2', '--no-check', '--json']).stdout)
    expect(unchecked.validated).toBe('not checked at this shape (--no-check)')
  })

  it('refuses an unknown cell with exit 2', () => {
    const r = rnnbench(['bench', '--cell', 'transformer'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe('rnnbench: --cell: must be one of rnn_tanh, rnn_relu, lstm, gru; got "transformer"')
  })
})
