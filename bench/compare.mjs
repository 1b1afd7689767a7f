#!/usr/bin/env node
// Side-by-side CPU comparison (not part of npm test): the same training step through rnnbench's
// cpu-native backend, oneDNN's RNN primitives (libdnnl-dev; natively and capped at AVX2) and
// PyTorch (python3-torch), whichever are installed. The engines alternate within every round, so
// that a noisy shared machine slows them alike; the table gives the median over rounds of each
// engine's median step time, and the median over rounds of the per-round ratios.
//
//   node bench/compare.mjs [--rounds 3] [--repeats 5] [--only lstm] [--json out.json]
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const { values: opt } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, repeats: { type: 'string', default: '5' }, only: { type: 'string' }, json: { type: 'string' } } })
const rounds = Number(opt.rounds), repeats = Number(opt.repeats)

// [cell, H, I, B, T, threads]: the shapes docs/PERFORMANCE.md reports, and issue #4's targets.
const SHAPES = []
for (const cell of ['lstm', 'gru', 'rnn_tanh']) {
  SHAPES.push([cell, 256, 256, 32, 100, 1], [cell, 128, 32, 16, 100, 1], [cell, 512, 512, 64, 50, 1], [cell, 64, 64, 1, 100, 1], [cell, 256, 256, 32, 100, 2])
}
const shapes = SHAPES.filter((s) => !opt.only || s[0] === opt.only)
const G = { lstm: 4, gru: 3, rnn_tanh: 1 }
const flops = ([cell, H, I, B, T]) => 6 * G[cell] * H * (I + H) * B * T

// --- engines -----------------------------------------------------------------------------------
const engines = []
const rnnbench = join(root, 'bin', 'rnnbench.mjs')
engines.push({
  name: 'rnnbench cpu-native',
  run: ([cell, H, I, B, T, threads]) => {
    const r = spawnSync(process.execPath, [rnnbench, 'bench', '--backend', 'cpu-native', '--cell', cell, '--hidden', H, '--input', I, '--batch', B, '--seq', T, '--threads', threads, '--repeats', repeats, '--json'].map(String), { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(r.stderr.trim())
    return JSON.parse(r.stdout)
  },
})
if (existsSync('/usr/include/oneapi/dnnl/dnnl.hpp')) {
  const bin = join(root, 'bench', 'build', 'onednn_rnn')
  mkdirSync(dirname(bin), { recursive: true })
  execFileSync('g++', ['-O2', '-std=c++17', join(root, 'bench', 'onednn_rnn.cc'), '-ldnnl', '-o', bin])
  const onednn = (isa) => ([cell, H, I, B, T, threads]) => {
    const env = { ...process.env, OMP_NUM_THREADS: String(threads), ...(isa ? { DNNL_MAX_CPU_ISA: isa } : {}) }
    return JSON.parse(execFileSync(bin, [cell, H, I, B, T, repeats].map(String), { env, encoding: 'utf8' }))
  }
  engines.push({ name: 'oneDNN', run: onednn(null) }, { name: 'oneDNN AVX2', run: onednn('AVX2') })
} else console.error('oneDNN: not installed (apt-get install libdnnl-dev); left out')
if (spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0) {
  // Debian's torch calls whatever libblas.so.3 the alternatives system selects: say which.
  const blas = spawnSync('update-alternatives', ['--query', 'libblas.so.3-x86_64-linux-gnu'], { encoding: 'utf8' }).stdout?.match(/^Value: (.*)$/m)?.[1] ?? 'unknown'
  console.error(`PyTorch: BLAS is ${blas}${/openblas/.test(blas) ? '' : ' (the reference BLAS is slow: apt-get install libopenblas0-pthread)'}`)
  engines.push({
    name: 'PyTorch',
    run: ([cell, H, I, B, T, threads]) => JSON.parse(execFileSync('/usr/bin/python3', [join(root, 'bench', 'torch_rnn.py'), cell, H, I, B, T, repeats, threads].map(String),
      { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) } })),
  })
} else console.error('PyTorch: not installed (apt-get install python3-torch); left out')

// --- the ceiling --------------------------------------------------------------------------------
// One core's measured fp32 FMA peak (native-bench/bench/peak_flops.cc), before and after the
// rounds (the best of both): every engine's GFLOP/s is put against it, and so is what a target
// asks for ("2× PyTorch" needs PyTorch's FLOP rate doubled).
const peakBin = join(root, 'bench', 'build', 'peak_flops')
mkdirSync(dirname(peakBin), { recursive: true })
execFileSync('g++', ['-O2', '-std=c++17', join(root, 'native-bench', 'bench', 'peak_flops.cc'), '-o', peakBin])
const measurePeak = () => JSON.parse(execFileSync(peakBin, { encoding: 'utf8' })).peak_gflops
let peak = measurePeak()

// --- rounds ------------------------------------------------------------------------------------
const ms = new Map() // `${shape}|${engine}` → per-round medians
const extra = new Map()
const key = (s) => s.join('/')
for (let round = 0; round < rounds; round++) {
  for (const shape of shapes) {
    const order = round % 2 ? [...engines].reverse() : engines // alternate who goes first
    for (const e of order) {
      const r = e.run(shape)
      const k = `${key(shape)}|${e.name}`
      ms.set(k, [...(ms.get(k) ?? []), r.ms_median])
      if (e.name.startsWith('rnnbench')) extra.set(key(shape), r)
    }
    process.stderr.write(`round ${round + 1}/${rounds}: ${key(shape)} done\n`)
  }
}

peak = Math.max(peak, measurePeak())
const median = (v) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2 }
const ratio = (shape, other) => {
  const a = ms.get(`${key(shape)}|${other}`), b = ms.get(`${key(shape)}|rnnbench cpu-native`)
  return a ? median(a.map((x, i) => x / b[i])) : null
}
const others = engines.slice(1).map((e) => e.name)
const rows = shapes.map((shape) => {
  const [cell, H, I, B, T, threads] = shape
  const ours = median(ms.get(`${key(shape)}|rnnbench cpu-native`))
  const one = threads > 1 ? ms.get(`${key([cell, H, I, B, T, 1])}|rnnbench cpu-native`) : null
  const perStep = { rnn_tanh: 1, gru: 5, lstm: 6 }[cell]
  const minimum = 4 * (perStep * T * B * H + (cell === 'lstm' ? B * H : 0))
  const gflops = flops(shape) / (ours * 1e6)
  return {
    shape: `${cell} H=${H} I=${I} B=${B} T=${T} thr=${threads}`,
    ms: Object.fromEntries(engines.map((e) => [e.name, median(ms.get(`${key(shape)}|${e.name}`))])),
    gflops,
    perTimestepUs: (ours * 1000) / T,
    ratios: Object.fromEntries(others.map((o) => [o, ratio(shape, o)])),
    percentOfPeak: (100 * gflops) / (peak * threads),
    // the GFLOP/s that 2× PyTorch's throughput would take, as a share of the threads' peak
    twiceTorchNeedsPercent: ms.has(`${key(shape)}|PyTorch`)
      ? (100 * flops(shape)) / ((median(ms.get(`${key(shape)}|PyTorch`)) / 2) * 1e6) / (peak * threads) : null,
    speedupVs1Thread: one ? median(one.map((x, i) => x / ms.get(`${key(shape)}|rnnbench cpu-native`)[i])) : null,
    activationVsMinimum: extra.get(key(shape)).activation_bytes / minimum,
  }
})

const f = (x, d = 1) => (x === null || x === undefined ? '–' : x.toFixed(d))
console.log(`Rounds: ${rounds}, ${repeats} timed steps per engine and round (after 3 warm-up steps). Throughput ratio = other engine's ms / rnnbench's ms (> 1: rnnbench faster), the median of the per-round ratios, to three decimals: a level row must not read as 1.00 by rounding.`)
console.log(`One core's measured fp32 FMA peak: ${f(peak)} GFLOP/s; "% peak" is rnnbench's GFLOP/s against it (times the threads), "2× PyTorch needs" the share of it that twice PyTorch's throughput would take.\n`)
console.log(`| shape | ${engines.map((e) => `${e.name} ms`).join(' | ')} | rnnbench GFLOP/s | % peak | ${others.map((o) => `× ${o}`).join(' | ')} | 2× PyTorch needs | 2 thr / 1 thr | act. / min |`)
console.log(`| --- | ${engines.map(() => '---:').join(' | ')} | ---: | ---: | ${others.map(() => '---:').join(' | ')} | ---: | ---: | ---: |`)
const pct = (x) => (x === null ? '–' : `${x.toFixed(0)}%`)
for (const r of rows) {
  console.log(`| ${r.shape} | ${engines.map((e) => f(r.ms[e.name], 2)).join(' | ')} | ${f(r.gflops)} | ${pct(r.percentOfPeak)} | ${others.map((o) => f(r.ratios[o], 3)).join(' | ')} | ${pct(r.twiceTorchNeedsPercent)} | ${f(r.speedupVs1Thread, 3)} | ${f(r.activationVsMinimum, 3)} |`)
}
if (opt.json) writeFileSync(opt.json, JSON.stringify({ rounds, repeats, peakGflops: peak, rows }, null, 2))
