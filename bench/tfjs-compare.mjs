#!/usr/bin/env node
// The JavaScript peers side by side (not part of npm test): the same training step (forward over
// the sequence, full backward from dy, no optimizer) on rnnbench's cpu-js and cpu-native and on
// TensorFlow.js 4.22's wasm and cpu backends, one thread each, engines alternating within every
// round. The table gives the median over rounds of each engine's median step time, and the median
// of the per-round ratios cpu-js / tfjs-wasm and cpu-native / tfjs-wasm (below 1: rnnbench takes
// less time). tfjs-cpu takes tens of seconds a step at the larger shapes: it is timed in the first
// round only, one step after one warm-up, and compared with that round's tfjs-wasm.
//
//   (cd bench/tfjs && npm install) && node bench/tfjs-compare.mjs [--rounds 3] [--repeats 3] [--no-tfjs-cpu]
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const { values: opt } = parseArgs({ options: {
  rounds: { type: 'string', default: '3' }, repeats: { type: 'string', default: '3' }, 'no-tfjs-cpu': { type: 'boolean' }, shapes: { type: 'string' },
} })
const rounds = Number(opt.rounds), repeats = Number(opt.repeats)
if (!existsSync(join(root, 'bench', 'tfjs', 'node_modules', '@tensorflow', 'tfjs-core'))) {
  console.error('TensorFlow.js is not installed for the harness: (cd bench/tfjs && npm install)')
  process.exit(2)
}

// [cell, H, I, B, T]: I = B = 32, the sizes a tfjs user's sequence model has.
const shapes = opt.shapes
  ? opt.shapes.split(',').map((s) => s.split(':').map((v, i) => (i ? Number(v) : v)))
  : ['lstm', 'gru', 'rnn_tanh'].flatMap((cell) => [[cell, 128, 32, 32, 50], [cell, 256, 32, 32, 100]])

const rnnbench = (backend) => ([cell, H, I, B, T]) => {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'rnnbench.mjs'), 'bench', '--backend', backend, '--cell', cell, '--hidden', H, '--input', I,
    '--batch', B, '--seq', T, '--repeats', repeats, '--json'].map(String), { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(r.stderr.trim())
  return JSON.parse(r.stdout).ms_median
}
const tfjs = (backend, steps = repeats, warmup = 2) => ([cell, H, I, B, T]) =>
  // the last line: tfjs-core prints a banner about tfjs-node before it
  JSON.parse(execFileSync(process.execPath, [join(root, 'bench', 'tfjs', 'step.mjs'), backend, cell, H, I, B, T, steps, warmup].map(String), { encoding: 'utf8' }).trim().split('\n').at(-1)).ms_median
const engines = [
  { name: 'cpu-js', run: rnnbench('cpu-js') }, { name: 'cpu-native', run: rnnbench('cpu-native') }, { name: 'tfjs-wasm', run: tfjs('wasm') },
  ...(opt['no-tfjs-cpu'] ? [] : [{ name: 'tfjs-cpu', run: tfjs('cpu', 1, 1), firstRoundOnly: true }]),
]

const ms = new Map()
const key = (shape, engine) => `${shape.join('/')}|${engine}`
for (let round = 0; round < rounds; round++) {
  for (const shape of shapes) {
    for (const e of round % 2 ? [...engines].reverse() : engines) {
      if (e.firstRoundOnly && round > 0) continue
      ms.set(key(shape, e.name), [...(ms.get(key(shape, e.name)) ?? []), e.run(shape)])
    }
    process.stderr.write(`round ${round + 1}/${rounds}: ${shape.join(' ')} done\n`)
  }
}

const median = (v) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2 }
const ratio = (shape, a, b) => median(ms.get(key(shape, a)).map((x, i) => x / ms.get(key(shape, b))[i]))
console.log(`${rounds} alternating rounds, ${repeats} timed steps per engine and round (after warm-up), one thread each. "÷ wasm" = the engine's time over tfjs-wasm's, median of the per-round ratios (below 1: faster than tfjs-wasm).\n`)
console.log(`| shape | ${engines.map((e) => `${e.name} ms`).join(' | ')} | cpu-js ÷ wasm | cpu-native ÷ wasm |${engines.some((e) => e.name === 'tfjs-cpu') ? ' tfjs-cpu ÷ wasm |' : ''}`)
console.log(`| --- | ${engines.map(() => '---:').join(' | ')} | ---: | ---: |${engines.some((e) => e.name === 'tfjs-cpu') ? ' ---: |' : ''}`)
for (const shape of shapes) {
  const [cell, H, I, B, T] = shape
  const cells = engines.map((e) => { const v = median(ms.get(key(shape, e.name))); return v < 10 ? v.toPrecision(3) : v.toFixed(1) })
  const cpuCol = engines.some((e) => e.name === 'tfjs-cpu') ? ` ${(ms.get(key(shape, 'tfjs-cpu'))[0] / ms.get(key(shape, 'tfjs-wasm'))[0]).toFixed(2)} |` : ''
  console.log(`| ${cell} H=${H} I=${I} B=${B} T=${T} | ${cells.join(' | ')} | ${ratio(shape, 'cpu-js', 'tfjs-wasm').toFixed(3)} | ${ratio(shape, 'cpu-native', 'tfjs-wasm').toFixed(4)} |${cpuCol}`)
}
