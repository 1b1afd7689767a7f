#!/usr/bin/env node
// Does the torch-cpu backend time what PyTorch itself does? The same training step (forward over
// the sequence, full backward from dy, no optimizer) timed two ways, alternating within every round:
// `rnnbench bench --backend torch-cpu` (PyTorch in rnnbench's child process, fed over the pipe)
// and bench/torch_rnn.py (a plain PyTorch script, nothing else in the process). Also reports the
// pipe's cost per step, outside the timed step. Not part of npm test.
//
//   node bench/torch-backend.mjs [--rounds 5] [--repeats 10] [--threads 1] [--python /usr/bin/python3]
import { execFileSync, spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const { values: opt } = parseArgs({ options: {
  rounds: { type: 'string', default: '5' }, repeats: { type: 'string', default: '10' }, threads: { type: 'string', default: '1' },
  python: { type: 'string' }, shapes: { type: 'string', default: 'lstm:256:32:100,gru:256:32:100,rnn_tanh:256:32:100' },
} })
const rounds = Number(opt.rounds), repeats = Number(opt.repeats), threads = Number(opt.threads)
const rnnbench = join(root, 'bin', 'rnnbench.mjs')

// The Python the backend itself picks (doctor's choice), so that both sides run the same torch.
const doctor = JSON.parse(execFileSync(process.execPath, [rnnbench, 'doctor', '--json'], { encoding: 'utf8' }))
const probe = doctor.backends.find((b) => b.backend === 'torch-cpu')
if (!probe.available) { console.error(`torch-cpu is unavailable here: ${probe.reason}`); process.exit(1) }
const python = opt.python ?? probe.details.python
const env = { ...process.env, RNNBENCH_PYTHON: python, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) }

const backendStep = ([cell, H, B, T]) => {
  const r = spawnSync(process.execPath, [rnnbench, 'bench', '--backend', 'torch-cpu', '--cell', cell, '--hidden', H, '--batch', B, '--seq', T,
    '--threads', threads, '--repeats', repeats, '--json'].map(String), { encoding: 'utf8', env })
  if (r.status !== 0) throw new Error(r.stderr.trim())
  return JSON.parse(r.stdout)
}
const plainStep = ([cell, H, B, T]) =>
  JSON.parse(execFileSync(python, [join(root, 'bench', 'torch_rnn.py'), cell, H, H, B, T, repeats, threads].map(String), { encoding: 'utf8', env }))

const median = (v) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2 }
const shapes = opt.shapes.split(',').map((s) => s.split(':').map((v, i) => (i ? Number(v) : v)))
const results = shapes.map(() => ({ backend: [], plain: [], outside: [], version: '' }))
for (let round = 0; round < rounds; round++) {
  shapes.forEach((shape, k) => {
    const run = { backend: () => backendStep(shape), plain: () => plainStep(shape) }
    for (const side of round % 2 ? ['plain', 'backend'] : ['backend', 'plain']) {
      const r = run[side]()
      results[k][side].push(r.ms_median)
      if (side === 'backend') results[k].outside.push(r.outside_ms_median)
      else results[k].version = r.version
    }
  })
  process.stderr.write(`round ${round + 1}/${rounds} done\n`)
}

console.log(`torch-cpu (${probe.device}) against a plain PyTorch script, ${threads} thread(s): ${rounds} alternating rounds of ${repeats} timed steps each after 3 warm-up steps; the medians of the rounds' medians. Ratio: torch-cpu ms / plain ms, the median of the per-round ratios.\n`)
console.log('| shape | torch-cpu ms | plain PyTorch ms | ratio | rounds\' ratios | pipe ms per step (outside the step) |')
console.log('| --- | ---: | ---: | ---: | --- | ---: |')
shapes.forEach(([cell, H, B, T], k) => {
  const r = results[k], ratios = r.backend.map((x, i) => x / r.plain[i])
  console.log(`| ${cell} H=${H} I=${H} B=${B} T=${T} | ${median(r.backend).toFixed(2)} | ${median(r.plain).toFixed(2)} | ${median(ratios).toFixed(3)} | ${ratios.map((x) => x.toFixed(2)).join(' ')} | ${median(r.outside).toFixed(2)} |`)
})
