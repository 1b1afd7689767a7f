#!/usr/bin/env node
// The verdicts' error rates on a real sweep, through the real CLI. Each copy of the database has
// its cell labels permuted at random within every matched set (runs that share everything but the
// cell, the seed included), so that no cell differs from another by construction; each copy then
// goes through `rnnbench verdicts --json`. Counted over the copies, each with its exact binomial
// (Clopper–Pearson) 95% interval:
// - per measured question, the share of copies with any significant ("better") verdict;
// - the share of copies with any "better" sentence at all (the report's family-wise error);
// - verdicts whose interval disagrees with their outcome (a "no significant difference" whose
//   interval excludes 1, or a significant one whose interval includes it).
// docs/REPORTS.md quotes its output. Usage:
//   node bench/verdict-null.mjs --db FILE [--sweep ID] [--copies 400] [--seed 38] [--jobs 2] [--out FILE.json] [--cli OTHER/bin/rnnbench.mjs]

import { spawn } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'

const { values } = parseArgs({ options: { cli: { type: 'string' }, db: { type: 'string' }, sweep: { type: 'string' }, copies: { type: 'string', default: '400' }, seed: { type: 'string', default: '38' }, jobs: { type: 'string', default: '2' }, out: { type: 'string' } } })
if (!values.db) { console.error('usage: node bench/verdict-null.mjs --db FILE [--sweep ID] [--copies 400] [--seed 38] [--jobs 2] [--out FILE.json]'); process.exit(2) }
const copies = Number(values.copies), jobs = Number(values.jobs)
// --cli: another build's bin/rnnbench.mjs, to measure an older verdict module on the same copies.
const cli = values.cli ? resolve(values.cli) : resolve(import.meta.dirname, '..', 'bin', 'rnnbench.mjs')
const work = mkdtempSync(join(tmpdir(), 'rnnbench-null-'))

/** mulberry32: a small seeded generator, so that the copies are the same on every machine. */
function generator(seed) {
  let a = seed >>> 0
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296 }
}

// One clean copy first (VACUUM INTO takes what a -wal file holds too); every permuted copy starts from it.
const base = join(work, 'base.db')
const source = new Database(values.db, { readonly: true })
source.exec(`VACUUM INTO '${base.replaceAll("'", "''")}'`)
const sweepId = values.sweep ? Number(values.sweep) : source.prepare('SELECT max(id) AS id FROM sweeps').get().id
const runs = source.prepare('SELECT id, config FROM runs WHERE sweep_id = ?').all(sweepId).map((r) => ({ id: r.id, config: JSON.parse(r.config) }))
source.close()
const sets = new Map()
for (const r of runs) {
  const key = JSON.stringify({ ...r.config, cell: undefined })
  sets.set(key, [...(sets.get(key) ?? []), r])
}
const random = generator(Number(values.seed))
const shuffle = (xs) => { for (let i = xs.length - 1; i > 0; i--) { const j = Math.floor(random() * (i + 1)); [xs[i], xs[j]] = [xs[j], xs[i]] } return xs }

/** One permuted copy: the labels of each matched set shuffled, written into a copy of the database. */
function permutedCopy(k) {
  const path = join(work, `copy-${k}.db`)
  copyFileSync(base, path)
  const db = new Database(path)
  const update = db.prepare('UPDATE runs SET config = ? WHERE id = ?')
  db.transaction(() => {
    for (const set of sets.values()) {
      const labels = shuffle(set.map((r) => r.config.cell))
      set.forEach((r, i) => update.run(JSON.stringify({ ...r.config, cell: labels[i] }), r.id))
    }
  })()
  db.close()
  return path
}

function verdicts(path) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, 'verdicts', '--db', path, '--sweep', String(sweepId), '--json'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = '', err = ''
    child.stdout.on('data', (d) => { out += d })
    child.stderr.on('data', (d) => { err += d })
    child.on('close', (code) => (code === 0 ? done(JSON.parse(out)) : fail(new Error(`rnnbench verdicts exited ${code}: ${err}`))))
  })
}

const tally = { copies: 0, anyBetter: 0, byQuestion: {}, intervals: 0, noDifferenceExcludingOne: 0, betterIncludingOne: 0, families: new Set() }
function count(report) {
  tally.copies++
  tally.families.add(report.family?.tests ?? 'per question')
  let any = false
  for (const q of report.questions) {
    if (q.kind !== 'measured') continue
    const called = q.verdicts.some((v) => v.outcome === 'better')
    tally.byQuestion[q.id] = (tally.byQuestion[q.id] ?? 0) + (called ? 1 : 0)
    any ||= called
    for (const v of q.verdicts) {
      v.interval ??= v.ci95 // builds before #38 named it ci95
      if (!v.interval || (v.outcome !== 'better' && v.outcome !== 'no-difference')) continue
      tally.intervals++
      const excludes = v.interval[0] > 1 || v.interval[1] < 1
      if (v.outcome === 'no-difference' && excludes) tally.noDifferenceExcludingOne++
      if (v.outcome === 'better' && !excludes) tally.betterIncludingOne++
    }
  }
  if (any) tally.anyBetter++
}

// The copies are drawn in order (so that the permutations do not depend on timing), then run `jobs` at a time.
const paths = Array.from({ length: copies }, (_, k) => permutedCopy(k))
const started = Date.now()
let next = 0
await Promise.all(Array.from({ length: jobs }, async () => {
  while (next < paths.length) {
    const path = paths[next++]
    count(await verdicts(path))
    rmSync(path, { force: true })
    if (tally.copies % 50 === 0) console.error(`${tally.copies} of ${copies} copies (${Math.round((Date.now() - started) / 1000)} s)`)
  }
}))
rmSync(work, { recursive: true, force: true })

/** Exact binomial (Clopper–Pearson) 95% interval for k of n, by bisection on the binomial tails. */
function clopperPearson(k, n) {
  const logChoose = (m, j) => lgamma(m + 1) - lgamma(j + 1) - lgamma(m - j + 1)
  const tail = (p, from, to) => { let s = 0; for (let j = from; j <= to; j++) s += Math.exp(logChoose(n, j) + j * Math.log(p) + (n - j) * Math.log1p(-p)); return s }
  const solve = (f) => { let lo = 0, hi = 1; for (let i = 0; i < 100; i++) { const mid = (lo + hi) / 2; if (f(mid)) hi = mid; else lo = mid } return (lo + hi) / 2 }
  const lower = k === 0 ? 0 : solve((p) => tail(p, k, n) >= 0.025)
  const upper = k === n ? 1 : solve((p) => tail(p, 0, k) <= 0.025)
  return [lower, upper]
}
function lgamma(x) {
  // Lanczos approximation (g = 7, n = 9): enough for binomial coefficients to 1e-12.
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7]
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lgamma(1 - x)
  x -= 1
  let a = c[0]
  const t = x + 7.5
  for (let i = 1; i < 9; i++) a += c[i] / (x + i)
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a)
}

const pct = (k, n) => { const [lo, hi] = clopperPearson(k, n); return { k, n, rate: k / n, ci95: [lo, hi], text: `${(100 * k / n).toFixed(1)}% (${k} of ${n}; 95% CI ${(100 * lo).toFixed(1)}–${(100 * hi).toFixed(1)}%)` } }
const result = {
  db: values.db, sweep: sweepId, runs: runs.length, matchedSets: sets.size, copies, seed: Number(values.seed),
  family: [...tally.families],
  questions: Object.fromEntries(Object.entries(tally.byQuestion).map(([id, k]) => [id, pct(k, tally.copies)])),
  anyBetter: pct(tally.anyBetter, tally.copies),
  intervals: tally.intervals,
  noDifferenceExcludingOne: pct(tally.noDifferenceExcludingOne, Math.max(1, tally.intervals)),
  betterIncludingOne: tally.betterIncludingOne,
  seconds: Math.round((Date.now() - started) / 1000),
}
if (values.out) writeFileSync(values.out, JSON.stringify(result, null, 2) + '\n')
console.log(`null simulation: ${copies} permutations of sweep ${sweepId} (${runs.length} runs, ${sets.size} matched sets) through rnnbench verdicts --json; family of ${result.family.join('/')} tests`)
console.log('| question | copies with a significant verdict |')
console.log('| --- | --- |')
for (const [id, r] of Object.entries(result.questions)) console.log(`| ${id} | ${r.text} |`)
console.log(`| any question (the report) | ${result.anyBetter.text} |`)
console.log(`intervals: ${result.intervals} verdicts with one; "no significant difference" excluding 1: ${result.noDifferenceExcludingOne.k}; significant including 1: ${result.betterIncludingOne}`)
