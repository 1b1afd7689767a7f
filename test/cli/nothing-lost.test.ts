// Issue #37: no command overwrites or discards results, a partial merge says so, a full disk is one
// line, a refusal leaves no file. One test per item of the audit, named after it; each was a
// failure on the code before the fix (the command in its name reproduced it).

import Database from 'better-sqlite3'
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { shardFromEnvironment } from '../../src-main/engine/sweep/shard'
import { toCsv } from '../../src-main/reports/run-record'
import { Store } from '../../src-main/store/store'
import { repoRoot, rnnbench } from '../helpers/cli'

const dir = mkdtempSync(join(tmpdir(), 'rnnbench-nothing-lost-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, content: string | Buffer) => { const p = join(dir, name); writeFileSync(p, content); return p }
const spec = (over: Record<string, unknown> = {}) => ({ name: 'tiny', settings: { task: 'adding', seqLen: 6, hiddenSize: 4, backend: 'cpu-js' }, axes: { cell: ['lstm', 'gru'], lr: [0.01, 0.003] }, budget: { steps: 6 }, ...over })
/** One line on standard error, exit 2: what every refusal gives. */
const refusedInOneLine = (r: { code: number; stderr: string }, message: RegExp) => {
  expect(r.code, r.stderr).toBe(2)
  const lines = r.stderr.trim().split('\n')
  expect(lines, r.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(message)
}

/** Whether this process may mount filesystems (root in a container that allows it): the full-disk and read-only cases need it. */
function canMount(): string | null {
  const probe = join(dir, 'probe-mount')
  mkdirSync(probe, { recursive: true })
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe])
  if (r.status !== 0) return `cannot mount a tmpfs here (${(r.stderr?.toString() || 'mount failed').trim()})`
  spawnSync('umount', [probe])
  return null
}
const mountProblem = process.platform === 'linux' ? canMount() : 'mounting a filesystem is only tried on Linux'
if (mountProblem) console.warn(`skipping the full-disk and read-only-medium cases: ${mountProblem}`)

let db: string
beforeAll(() => {
  db = join(dir, 'results.sqlite')
  const r = rnnbench(['sweep', file('tiny.json', JSON.stringify(spec())), '--db', db, '--workers', '1'])
  expect(r.code, r.stderr).toBe(0)
}, 120_000)

describe('1. export -o onto the database', () => {
  it('is refused, by its path or through a link, and the database is unchanged', () => {
    const before = readFileSync(db)
    refusedInOneLine(rnnbench(['export', '--format', 'csv', '-o', db, '--db', db]), /^rnnbench: --out: .*results\.sqlite is the database .*would destroy the results/)
    const link = join(dir, 'link.csv')
    symlinkSync(db, link)
    refusedInOneLine(rnnbench(['export', '--format', 'csv', '-o', link, '--db', db]), /^rnnbench: --out: .*link\.csv is the database/)
    refusedInOneLine(rnnbench(['export', '--format', 'csv', '-o', `${db}-wal`, '--db', db]), /its wal file/)
    expect(readFileSync(db).equals(before)).toBe(true)
    expect(new Store(db, { readonly: true }).listSweeps()).toHaveLength(1)
  })

  it('a --log onto the database is refused before anything runs', () => {
    refusedInOneLine(rnnbench(['sweep', join(dir, 'tiny.json'), '--db', db, '--log', db]), /^rnnbench: --log: .* is the database/)
  })
})

describe("2. --db ''", () => {
  it('is refused (a temporary database would be deleted at exit with the results), as is :memory:', () => {
    refusedInOneLine(rnnbench(['sweep', join(dir, 'tiny.json'), '--db', '']), /^rnnbench: --db: is empty; give the database file/)
    refusedInOneLine(rnnbench(['sweep', join(dir, 'tiny.json'), '--db', ':memory:']), /^rnnbench: --db: :memory: is a database that is deleted at exit/)
    refusedInOneLine(rnnbench(['runs', '--db', '']), /^rnnbench: --db: is empty/)
  })
})

describe.skipIf(mountProblem !== null)('3. a full disk mid-sweep', () => {
  const mnt = join(dir, 'full')
  afterAll(() => { spawnSync('umount', [mnt]) })

  it('stops the sweep with one line naming the file and what to do, exit 2; resume after freeing space finishes it', () => {
    mkdirSync(mnt, { recursive: true })
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=600k', 'tmpfs', mnt])
    const big = file('fill.json', JSON.stringify(spec({ name: 'fill', axes: { cell: ['lstm', 'gru'], lr: [0.01, 0.003, 0.001] }, repeats: 2, budget: { steps: 400 }, evalEvery: 1 })))
    const full = join(mnt, 'a.sqlite')
    const r = rnnbench(['sweep', big, '--db', full, '--workers', '2'])
    expect(r.code, r.stderr).toBe(2)
    const last = r.stderr.trim().split('\n').at(-1)!
    expect(last).toMatch(new RegExp(`^rnnbench: --db: ${full.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the disk is full \\(database or disk is full\\); the sweep stopped, its finished runs are kept\\. Free some space, then finish it with: rnnbench resume 1 --db `))
    expect(r.stderr).not.toMatch(/SqliteError|at .*\.js:\d+/) // no stack trace
    execFileSync('mount', ['-o', 'remount,size=32m', mnt])
    const resumed = rnnbench(['resume', '1', '--db', full])
    expect(resumed.code, resumed.stderr).toBe(0)
    const store = new Store(full, { readonly: true })
    try {
      expect(store.getSweep(1)!.counts.done).toBe(12)
    } finally { store.close() }
  }, 180_000)
})

describe('4. a merge of 3 of 4 shards', () => {
  it('says which shard never ran, in sweeps, import and verdicts, and resume runs the missing runs', () => {
    const shardSpec = file('shards.json', JSON.stringify(spec({ name: 'sharded', axes: { cell: ['lstm', 'gru'], lr: [0.01, 0.003, 0.001, 0.0003] } })))
    const parts = [1, 2, 3].map((i) => {
      const part = join(dir, `shard-${i}.sqlite`)
      const r = rnnbench(['sweep', shardSpec, '--shard', `${i}/4`, '--db', part, '--workers', '1'])
      expect(r.code, r.stderr).toBe(0)
      return part
    })
    const merged = join(dir, 'merged.sqlite')
    const imported = rnnbench(['import', ...parts, '--db', merged])
    expect(imported.code, imported.stderr).toBe(0)
    expect(imported.stderr).toContain('sweep #1 "sharded": 6 of 8 runs present; 2 never ran (shard 4 of 4 missing)')
    const sweeps = rnnbench(['sweeps', '--db', merged])
    expect(sweeps.stdout).toMatch(/never/)
    expect(sweeps.stdout).toContain('6 of 8 runs present; 2 never ran (shard 4 of 4 missing)')
    const verdicts = rnnbench(['verdicts', '--db', merged])
    expect(verdicts.stdout).toContain('Incomplete: 6 of 8 runs present; 2 never ran (shard 4 of 4 missing)')
    expect(JSON.parse(rnnbench(['verdicts', '--db', merged, '--json']).stdout).completeness).toMatchObject({ planned: 8, present: 6, missing: 2, missingShards: [4] })
    const resumed = rnnbench(['resume', '--db', merged, '--workers', '1'])
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(resumed.stderr).toContain('adding the 2 here')
    const store = new Store(merged, { readonly: true })
    try {
      const s = store.getSweep(1)!
      expect([s.total, s.planned, s.counts.done]).toEqual([8, 8, 8])
      expect(store.listRuns(1).map((r) => r.idx)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    } finally { store.close() }
  }, 180_000)
})

describe('5. a stepped Slurm array (0-14:2)', () => {
  const slurm = (task: number, extra: Record<string, string> = {}) => ({ SLURM_ARRAY_TASK_ID: String(task), SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '14', SLURM_ARRAY_TASK_STEP: '2', SLURM_ARRAY_TASK_COUNT: '8', ...extra })

  it('maps its 8 tasks onto the 8 shards, each once', () => {
    const shards = [0, 2, 4, 6, 8, 10, 12, 14].map((t) => shardFromEnvironment(slurm(t), undefined))
    expect(shards.map((s) => [s.index, s.count])).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => [i, 8]))
  })

  it('refuses every task of an array that is not one stepped range, and makes no file', () => {
    const env = { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '8', SLURM_ARRAY_TASK_COUNT: '3' } // --array=1,3,8
    for (const task of ['1', '3', '8']) expect(() => shardFromEnvironment({ ...env, SLURM_ARRAY_TASK_ID: task }, undefined)).toThrow(/not one evenly stepped range/)
    const out = join(dir, 'listed.sqlite')
    refusedInOneLine(rnnbench(['sweep', join(dir, 'tiny.json'), '--shard', 'auto', '--db', out], { env }), /^rnnbench: --shard: auto: this Slurm array is not one evenly stepped range/)
    expect(existsSync(out)).toBe(false)
  })
})

describe('6. refusals leave no database behind', () => {
  it('sweep, import and resume refuse without creating the file they were given', () => {
    const target = (name: string) => join(dir, `none-${name}.sqlite`)
    refusedInOneLine(rnnbench(['sweep', file('bad.json', JSON.stringify(spec({ settings: { hiddenSize: -1 } }))), '--db', target('sweep')]), /^rnnbench: settings\.hiddenSize:/)
    refusedInOneLine(rnnbench(['import', file('not-a-db.sqlite', 'hello'), '--db', target('import')]), /^rnnbench: OTHER: .*not-a-db\.sqlite is not/)
    refusedInOneLine(rnnbench(['resume', '--db', target('resume')]), /^rnnbench: --db: no database at .*none-resume\.sqlite/)
    refusedInOneLine(rnnbench(['sweep', '--preset', 'quick', '--db', target('stray'), 'extra']), /^rnnbench: SPEC: give either one spec file or --preset/)
    for (const name of ['sweep', 'import', 'resume', 'stray']) expect(existsSync(target(name)), name).toBe(false)
  })
})

describe.skipIf(mountProblem !== null)('7. a database on a read-only medium', () => {
  const ro = join(dir, 'archive')
  afterAll(() => { spawnSync('umount', [ro]) })

  it('runs, sweeps, verdicts and export read it, and nothing is written beside it', () => {
    const shelf = join(dir, 'shelf')
    mkdirSync(shelf, { recursive: true })
    writeFileSync(join(shelf, 'a.sqlite'), readFileSync(db))
    mkdirSync(ro, { recursive: true })
    execFileSync('mount', ['--bind', shelf, ro])
    execFileSync('mount', ['-o', 'remount,bind,ro', ro])
    const archived = join(ro, 'a.sqlite')
    for (const args of [['runs'], ['sweeps'], ['verdicts']]) {
      const r = rnnbench([...args, '--db', archived])
      expect(r.code, `${args}: ${r.stderr}`).toBe(0)
      expect(r.stderr).not.toMatch(/cannot write|readonly/)
    }
    const csv = join(dir, 'from-archive.csv')
    expect(rnnbench(['export', '--format', 'csv', '-o', csv, '--db', archived]).code).toBe(0)
    expect(readFileSync(csv, 'utf8').trim().split('\n')).toHaveLength(5)
    expect(readdirSync(ro)).toEqual(['a.sqlite'])
  })
})

describe('8. damaged rows', () => {
  it('import leaves out a damaged run and a damaged sweep, naming the source file, and merges the rest', () => {
    const source = join(dir, 'damaged.sqlite')
    writeFileSync(source, readFileSync(db))
    const raw = new Database(source)
    raw.prepare(`UPDATE runs SET config = '{"cell": ' WHERE idx = 1`).run()
    raw.prepare(`INSERT INTO sweeps (name, spec, created_at) VALUES ('broken', '{not json', '2026-01-01')`).run()
    raw.close()
    const into = join(dir, 'into.sqlite')
    const r = rnnbench(['import', source, '--db', into])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/damaged\.sqlite: skipping run \d+ \(sweep "tiny", position 2\): config: not JSON/)
    expect(r.stderr).toMatch(/damaged\.sqlite: skipping sweep 2 \("broken"\) and its runs: its stored spec is damaged/)
    expect(r.stderr).toMatch(/3 runs added, .*2 damaged rows left out/)
  })

  it('verdicts and resume skip a damaged latest sweep with a warning; naming it is one line, exit 2', () => {
    const copy = join(dir, 'damaged-latest.sqlite')
    writeFileSync(copy, readFileSync(db))
    const raw = new Database(copy)
    raw.prepare(`INSERT INTO sweeps (name, spec, created_at) VALUES ('broken', '{not json', '2026-01-01')`).run()
    raw.close()
    const verdicts = rnnbench(['verdicts', '--db', copy])
    expect(verdicts.code, verdicts.stderr).toBe(0)
    expect(verdicts.stderr).toMatch(/skipping sweep 2 \("broken"\).*its stored spec is damaged/)
    expect(verdicts.stdout).toMatch(/^Sweep #1 "tiny"/)
    expect(rnnbench(['resume', '--db', copy]).code).toBe(0)
    const named = rnnbench(['verdicts', '--sweep', '2', '--db', copy])
    expect(named.code).toBe(2)
    expect(named.stderr.trim().split('\n').at(-1)).toMatch(/^rnnbench: --sweep: sweep 2 in .* cannot be read: its stored spec is damaged/)
  })
})

describe('9. sizes that cannot run', () => {
  it('sweep and train refuse them in one line before anything is stored, and --allow-large is the way past', () => {
    const huge = file('huge.json', JSON.stringify(spec({ settings: { task: 'adding', seqLen: 10000, hiddenSize: 8192, batchSize: 65536, backend: 'cpu-js' }, axes: { cell: ['lstm'] } })))
    const out = join(dir, 'huge.sqlite')
    refusedInOneLine(rnnbench(['sweep', huge, '--db', out]), /^rnnbench: hiddenSize: run 1 \(lstm, hidden size 8192, 1 layer, batch 65536, sequence length 10000\) needs about [\d.]+ GiB of model memory, over the 4\.00 GiB one run may use; .*add --allow-large/)
    expect(existsSync(out)).toBe(false)
    refusedInOneLine(rnnbench(['train', '--config', JSON.stringify({ task: 'adding', seqLen: 10000, hiddenSize: 8192, batchSize: 65536 })]), /^rnnbench: hiddenSize: run 1 .* over the 4\.00 GiB one run may use/)
  })
})

describe('10. data-file errors name the physical line', () => {
  it('counts blank lines, and names the cell that keeps a column from being numeric', () => {
    const rows = ['month,visitors', ...Array.from({ length: 40 }, (_, i) => `20${String(10 + Math.floor(i / 12))}-${String((i % 12) + 1).padStart(2, '0')},${100 + i}`)]
    const withBlanks = [...rows.slice(0, 10), '', '', '', ...rows.slice(10)]
    withBlanks[19] = withBlanks[19].replace(/,\d+$/, ',lots') // line 20 of the file
    const bad = file('blank-lines.csv', withBlanks.join('\n'))
    refusedInOneLine(rnnbench(['sweep', file('series-bad.json', JSON.stringify({ settings: { task: 'series', dataFile: bad, column: 'visitors', hiddenSize: 4 }, budget: { steps: 5 } })), '--db', join(dir, 'x.sqlite')]), /^rnnbench: dataFile: .*blank-lines\.csv line 20, column "visitors": "lots" is not a number/)
    refusedInOneLine(rnnbench(['sweep', file('series-nocol.json', JSON.stringify({ settings: { task: 'series', dataFile: bad, hiddenSize: 4 }, budget: { steps: 5 } })), '--db', join(dir, 'x.sqlite')]), /^rnnbench: dataFile: .*has no numeric column to forecast: column "visitors" is numeric but for line 20: "lots"/)
  })
})

describe('11. inputs once accepted silently', () => {
  const seriesOf = (values: string[]) => file(`s-${values[3]}.csv`, ['t,y', ...values.map((v, i) => `${i},${v}`), ...Array.from({ length: 60 }, (_, i) => `${i + values.length},${i % 7}`)].join('\n'))
  const seriesSpec = (path: string) => file(`spec-${Math.random().toString(36).slice(2)}.json`, JSON.stringify({ settings: { task: 'series', dataFile: path, column: 'y', hiddenSize: 4 }, budget: { steps: 5 } }))
  it.each([
    ['a sweep named ""', () => ['sweep', file('noname.json', JSON.stringify(spec({ name: '' })))], /^rnnbench: name: must not be empty or blank$/],
    ['non-UTF-8 bytes in a spec', () => ['sweep', file('latin1.json', Buffer.from(`{"name": "caf\xe9"}`, 'latin1'))], /^rnnbench: SPEC: .*latin1\.json is not UTF-8 text \(byte 0xE9 at offset 13/],
    ['0x1F in a series', () => ['sweep', seriesSpec(seriesOf(['1', '2', '3', '0x1F']))], /^rnnbench: dataFile: .* line 5, column "y": "0x1F" is not a number/],
    ['a value near 1e308', () => ['sweep', seriesSpec(seriesOf(['1', '2', '3', '1e308']))], /^rnnbench: dataFile: .* line 5, column "y": 1e308 is too large/],
    ['a Latin-1 textFile', () => ['sweep', file('charlm.json', JSON.stringify({ settings: { task: 'charlm', textFile: file('latin1.txt', Buffer.from('caf\xe9 '.repeat(200), 'latin1')), hiddenSize: 4 }, budget: { steps: 5 } }))], /^rnnbench: textFile: .*latin1\.txt is not UTF-8 text/],
    ['a 100,000-character --name', () => ['sweep', join(dir, 'tiny.json'), '--name', 'n'.repeat(100_000)], /^rnnbench: --name: must be at most 200 characters; got "n+"… \(100,000 characters\)$/],
    ['a stray argument to runs', () => ['runs', 'extra'], /^rnnbench: unexpected argument "extra": `rnnbench runs` takes only options/],
    ['a stray argument to sweeps', () => ['sweeps', 'extra'], /^rnnbench: unexpected argument "extra": `rnnbench sweeps` takes only options/],
    ['a stray argument to verdicts', () => ['verdicts', '7'], /^rnnbench: unexpected argument "7": `rnnbench verdicts` takes only options/],
    ['a stray argument to doctor', () => ['doctor', 'now'], /^rnnbench: unexpected argument "now": `rnnbench doctor` takes only options/],
    ['--workers -1', () => ['sweep', join(dir, 'tiny.json'), '--workers', '-1'], /^rnnbench: --workers: must be a positive integer; got "-1"$/],
  ])('%s is refused in one line, exit 2, no file', (_name, args, message) => {
    const out = join(dir, `silent-${Math.random().toString(36).slice(2)}.sqlite`)
    const argv = args()
    refusedInOneLine(rnnbench(argv[0] === 'doctor' ? argv : [...argv, '--db', out]), message)
    expect(existsSync(out)).toBe(false)
  })
})

describe('12. unbounded messages', () => {
  it('a spec with 10,000 unknown keys gets one short line', () => {
    const keys = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`unknown_${i}`, i]))
    const r = rnnbench(['sweep', file('keys.json', JSON.stringify({ ...spec(), ...keys })), '--db', join(dir, 'keys.sqlite')])
    refusedInOneLine(r, /^rnnbench: spec: unknown fields "unknown_0", "unknown_1", .* and 9,995 more; valid: /)
    expect(r.stderr.length).toBeLessThan(700)
  })
})

describe('13. serve', () => {
  let child: ReturnType<typeof spawn>
  let url: URL
  let stderr = ''
  const serveDb = join(dir, 'serve.sqlite')
  beforeAll(async () => {
    child = spawn(process.execPath, [join(repoRoot, 'bin', 'rnnbench.mjs'), 'serve', '--port', '0', '--db', serveDb, '--workers', '1'], { stdio: ['ignore', 'pipe', 'pipe'] })
    child.stderr!.on('data', (d) => { stderr += d })
    url = new URL(await new Promise<string>((resolve) => child.stdout!.once('data', (d) => resolve(String(d).trim()))))
  })
  afterAll(() => { child.kill('SIGKILL') })
  const call = (channel: string, args: unknown[]) => fetch(new URL(`/api/${channel}`, url), { method: 'POST', headers: { 'X-Rnnbench-Token': url.searchParams.get('token')!, 'Content-Type': 'application/json' }, body: JSON.stringify(args) })

  it('answers 400 to a request with two Host headers, in either order', async () => {
    const raw = (hosts: string[]) => new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), '127.0.0.1', () => {
        socket.write(`GET /?token=${url.searchParams.get('token')} HTTP/1.1\r\n${hosts.map((h) => `Host: ${h}\r\n`).join('')}Connection: close\r\n\r\n`)
      })
      let answer = ''
      socket.on('data', (d: Buffer) => { answer += d })
      socket.on('end', () => resolve(answer))
      socket.on('error', reject)
    })
    for (const hosts of [[url.host, 'evil.example'], ['evil.example', url.host]]) expect((await raw(hosts)).split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request')
    expect((await raw([url.host])).split('\r\n')[0]).toBe('HTTP/1.1 200 OK')
  })

  it('SIGTERM mid-sweep means what it means for sweep: exit 143, runs interrupted by SIGTERM', async () => {
    const slow = spec({ name: 'served', settings: { task: 'adding', seqLen: 50, hiddenSize: 32, backend: 'cpu-js' }, budget: { steps: 100_000 } })
    const started = await (await call('startSweep', [slow, null])).json() as { ok: boolean; value: { sweepId: number } }
    expect(started.ok).toBe(true)
    // wait until a run is running (its row says so), then stop the server as a service manager would
    await expect.poll(async () => ((await (await call('getSweep', [started.value.sweepId])).json()) as { value: { sweep: { counts: { running: number } } } }).value.sweep.counts.running).toBeGreaterThan(0)
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    expect(await exited).toBe(143)
    expect(stderr).toMatch(/SIGTERM: stopping/)
    const store = new Store(serveDb, { readonly: true })
    try {
      expect(new Set(store.listRuns().filter((r) => r.status === 'cancelled').map((r) => r.error))).toEqual(new Set(['interrupted by SIGTERM']))
    } finally { store.close() }
  }, 120_000)
})

describe('14. CSV formula injection', () => {
  it('a cell that begins with =, +, -, @ (or a tab or CR) is prefixed with a quote; numbers stay numbers', () => {
    const csv = toCsv([{ '=HYPERLINK("http://evil.example","x")': 1, name: '@SUM(A1)', plus: '+1', minus: '-cmd', tab: '\tx', n: -0.5 }])
    const [header, row] = csv.trim().split('\n')
    expect(header.startsWith(`"'=HYPERLINK(""http://evil.example"",""x"")"`)).toBe(true)
    expect(row).toBe(`1,'@SUM(A1),'+1,'-cmd,'\tx,-0.5`)
  })

  it('holds through rnnbench export --format csv: a column named =HYPERLINK(…) is not a live formula', () => {
    const evil = '=HYPERLINK("http://evil.example")'
    const data = file('formula.csv', [`t,${evil}`, ...Array.from({ length: 60 }, (_, i) => `${i},${i % 5}`)].join('\n'))
    const out = join(dir, 'formula.sqlite')
    const r = rnnbench(['sweep', file('formula.json', JSON.stringify({ settings: { task: 'series', dataFile: data, column: evil, hiddenSize: 4 }, budget: { steps: 5 } })), '--db', out])
    expect(r.code, r.stderr).toBe(0)
    const csv = rnnbench(['export', '--format', 'csv', '-o', '-', '--db', out]).stdout
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"")"`)
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m)
  }, 60_000)
})
