#!/usr/bin/env node
// Where a sweep's run time went, from the phases each run records (RunFigures.phases): every
// phase's share of the runs' summed wall time, and the median run's share in training steps.
// docs/PERFORMANCE.md ("Where a run's time goes") quotes its output. Usage:
//   node bench/run-phases.mjs --db FILE [--sweep ID]

import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { db: { type: 'string' }, sweep: { type: 'string' } } })
if (!values.db) { console.error('usage: node bench/run-phases.mjs --db FILE [--sweep ID]'); process.exit(2) }
const cli = join(import.meta.dirname, '..', 'bin', 'rnnbench.mjs')
const r = spawnSync(process.execPath, [cli, 'runs', '--db', values.db, ...(values.sweep ? ['--sweep', values.sweep] : []), '--json'], { encoding: 'utf8', maxBuffer: 256 << 20 })
if (r.status !== 0) { console.error(r.stderr.trim()); process.exit(r.status ?? 1) }
const runs = JSON.parse(r.stdout).filter((run) => run.figures?.phases)
if (!runs.length) { console.error('no run here records its phases (recorded before rnnbench kept them?)'); process.exit(1) }
const PHASES = ['stepsMs', 'timedStepsMs', 'evaluationMs', 'batchesMs', 'startupMs', 'testMs', 'otherMs']
const sum = (k) => runs.reduce((s, run) => s + (run.figures.phases[k] ?? 0), 0)
const wall = sum('wallMs')
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }
console.log(`${runs.length} runs, ${(wall / 1000).toFixed(1)} s of run wall time in all`)
console.log('| phase | share of the runs\' wall time |')
console.log('| --- | --- |')
for (const k of PHASES) console.log(`| ${k.replace(/Ms$/, '')} | ${(100 * sum(k) / wall).toFixed(1)}% |`)
console.log(`| store (main thread, beside the runs) | ${(sum('storeMs') / 1000).toFixed(2)} s (${(100 * sum('storeMs') / wall).toFixed(1)}% of the runs' wall time) |`)
const shares = runs.map((run) => run.figures.phases.stepsMs / run.figures.phases.wallMs)
console.log(`median run: ${(100 * median(shares)).toFixed(1)}% in training steps (lowest ${(100 * Math.min(...shares)).toFixed(1)}%, highest ${(100 * Math.max(...shares)).toFixed(1)}%)`)
