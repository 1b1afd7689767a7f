// The torch-* backends: the frames over the pipe, the live parity of a PyTorch run with a cpu-js
// run from the same seed (the same initial weights, batches and optimizer settings), and what is
// left when the Python is missing, has no torch, crashes or is killed.

import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RunConfig } from '../../src-main/engine/run-config'
import { runTraining, type GradFlowSnapshot, type Point } from '../../src-main/engine/training'
import { encodeFrame, FrameReader } from '../../src-main/engine/torch/frames'
import { findPython, sharedProcess } from '../../src-main/engine/torch/process'
import { backendsUnderTest, skipUnavailable } from '../helpers/backends'

describe('frames', () => {
  it('come back whole however the pipe cuts them', () => {
    const a = encodeFrame({ op: 'x', n: 1.5 }, [{ name: 'w', dtype: 'f32', values: [1, -2.5, 3e-8] }, { name: 'k', dtype: 'i32', values: [7, -1] }])
    const b = encodeFrame({ op: 'y', word: 'é' }, [{ name: 'e', dtype: 'f32', values: [] }])
    const both = Buffer.concat([a, b])
    for (const cut of [1, 3, 4, 9, a.length - 1, a.length, a.length + 5]) {
      const reader = new FrameReader()
      const frames = [...reader.push(both.subarray(0, cut)), ...reader.push(both.subarray(cut))]
      expect(frames.map((f) => f.header.op)).toEqual(['x', 'y'])
      expect(Array.from(frames[0].arrays.get('w')!)).toEqual([1, -2.5, Math.fround(3e-8)])
      expect(Array.from(frames[0].arrays.get('k')!)).toEqual([7, -1])
      expect(frames[0].arrays.get('k')).toBeInstanceOf(Int32Array)
      expect(frames[1].header.word).toBe('é')
      expect(frames[1].arrays.get('e')!.length).toBe(0)
    }
  })

  it('are refused when the header does not describe every byte', () => {
    const frame = encodeFrame({ op: 'x' }, [{ name: 'w', dtype: 'f32', values: [1, 2] }])
    frame.writeUInt32LE(frame.readUInt32LE(0) + 4, 0)
    expect(() => new FrameReader().push(Buffer.concat([frame, Buffer.alloc(4)]))).toThrow(/4 bytes its header does not describe/)
  })
})

const [torchCpu, torchCuda] = await backendsUnderTest(['torch-cpu', 'torch-cuda'])

const base: RunConfig = {
  task: 'adding', seqLen: 12, cell: 'lstm', backend: 'cpu-js', hiddenSize: 16, numLayers: 1, bidirectional: false, dropout: 0,
  batchSize: 8, optimizer: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 0, clipNorm: 0.5, forgetBias1: false,
  seed: 7, dataSeed: 3, steps: 20, seconds: 0, evalEvery: 10, warmupSteps: 2, gradFlowEvery: 10, target: null, threads: 1,
}

async function trained(config: RunConfig) {
  const points: Point[] = [], flows: GradFlowSnapshot[] = []
  const figures = await runTraining(config, { onPoints: (p) => points.push(...p), onGradFlow: (s) => flows.push(s) })
  const series = (name: string) => points.filter((p) => p.series === name).sort((a, b) => a.step - b.step).map((p) => p.value)
  return { figures, loss: series('train_loss'), gradNorm: series('grad_norm'), val: series('val_loss'), flows }
}

/** The worst |a − b| over the tolerance 1e-6 + rtol·|b|: ≤ 1 agrees (rtol 1e-4: float32 arithmetic). */
function worstOf(a: number[], b: number[], rtol = 1e-4): number {
  expect(a.length).toBe(b.length)
  let worst = 0
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]) / (1e-6 + rtol * Math.abs(b[k])))
  return worst
}

/**
 * 20 steps of each cell against cpu-js. On CUDA the tolerance is 5e-3: cuDNN sums in its own order
 * and, by PyTorch's defaults, may use TF32 tensor cores (a 10-bit mantissa) inside its RNN kernels.
 */
function trainsAsCpuJs(b: typeof torchCpu, rtol: number): void {
  const cases: Array<[string, Partial<RunConfig>]> = []
  for (const cell of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as const) {
    cases.push([`${cell}, 1 layer, SGD with momentum, clipping`, { cell }])
    cases.push([`${cell}, 2 layers bidirectional, Adam, clipping`, { cell, numLayers: 2, bidirectional: true, optimizer: 'adam', lr: 0.01 }])
  }
  cases.push(['lstm on copy (a per-step head, cross-entropy)', { task: 'copy', seqLen: 6, cell: 'lstm', optimizer: 'adam', lr: 0.01 }])
  cases.push(['gru on airline (weight decay, momentum 0.5)', { task: 'airline', cell: 'gru', momentum: 0.5, weightDecay: 1e-3 }])

  it.each(cases)('%s: every loss of 20 steps, the gradient norms, the validation loss and the gradient flow', async (_, change) => {
    const js = await trained({ ...base, ...change, backend: 'cpu-js' })
    const pt = await trained({ ...base, ...change, backend: b.name })
    expect(pt.figures.status).toBe('done')
    expect(pt.loss.length).toBe(20)
    expect(worstOf(pt.loss, js.loss, rtol)).toBeLessThanOrEqual(1)
    expect(worstOf(pt.gradNorm, js.gradNorm, rtol)).toBeLessThanOrEqual(1)
    expect(worstOf(pt.val, js.val, rtol)).toBeLessThanOrEqual(1)
    // Clipping took part: some step's norm was above the limit before it was clipped.
    expect(Math.max(...js.gradNorm)).toBeGreaterThan(base.clipNorm)
    // The flow through time, from torch's unrolled copy, at the steps cpu-js recorded it.
    expect(pt.flows.map((f) => f.step)).toEqual(js.flows.map((f) => f.step))
    expect(pt.flows.length).toBeGreaterThan(0)
    for (let k = 0; k < js.flows.length; k++) expect(worstOf(pt.flows[k].norms, js.flows[k].norms, rtol)).toBeLessThanOrEqual(1)
  })
}

describe('torch-cuda trains as cpu-js does, from the same seed', () => {
  if (skipUnavailable(torchCuda)) return
  trainsAsCpuJs(torchCuda, 5e-3)
})

describe('torch-cpu trains as cpu-js does, from the same seed', () => {
  if (skipUnavailable(torchCpu)) return
  trainsAsCpuJs(torchCpu, 1e-4)

  it('is a comparison that can fail: another seed gives other losses', async () => {
    const js = await trained({ ...base, backend: 'cpu-js' })
    const pt = await trained({ ...base, backend: 'torch-cpu', seed: base.seed + 1 })
    expect(worstOf(pt.loss, js.loss)).toBeGreaterThan(10)
  })

  it('reports PyTorch\'s own step times and state sizes, and runs with dropout (no parity there: torch draws its own masks)', async () => {
    const pt = await trained({ ...base, backend: 'torch-cpu', numLayers: 2, dropout: 0.3 })
    expect(pt.figures.status).toBe('done')
    expect(pt.figures.stepMs.forward!.median).toBeGreaterThan(0)
    expect(pt.figures.stepMs.backward!.median).toBeGreaterThan(0)
    expect(pt.figures.stepMs.total.median).toBeGreaterThanOrEqual(pt.figures.stepMs.forward!.median + pt.figures.stepMs.backward!.median)
    const js = await trained({ ...base, backend: 'cpu-js', numLayers: 2, dropout: 0.3 })
    expect(pt.figures.memory.optimizerBytes).toBe(js.figures.memory.optimizerBytes)
    expect(pt.figures.memory.parameterBytes).toBe(js.figures.memory.parameterBytes)
    expect(pt.figures.memory.activationBytes).toBeGreaterThan(0)
  })

  it('measures the activations autograd keeps: a tanh RNN keeps its outputs, and a second layer the first\'s stacked outputs too', async () => {
    const T = 10, B = 3, H = 5
    for (const layers of [1, 2]) {
      const model = await torchCpu.backend!.createModel({ network: { cell: 'rnn_tanh', inputSize: 4, hiddenSize: H, numLayers: layers, bidirectional: false, dropout: 0 } })
      await model.setParameters(new Float32Array(model.layout.total).fill(0.1))
      await model.runStack({ T, B, x: new Float32Array(T * B * 4).fill(1), dy: new Float32Array(T * B * H).fill(1) })
      // 1 layer: h_t for tanh's backward. 2 layers: that for each, and layer 0's outputs stacked again as layer 1's input.
      expect(model.memory().activationBytes).toBe(4 * T * B * H * (layers === 1 ? 1 : 3))
      model.dispose()
    }
  })
})

/** An executable at a temporary path that stands in for a Python. */
function script(name: string, body: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'rnnbench-python-')), name)
  writeFileSync(path, `#!/bin/sh\n${body}\n`)
  chmodSync(path, 0o755)
  return path
}

describe('finding a Python with torch', () => {
  it('says when RNNBENCH_PYTHON names nothing', async () => {
    const s = await findPython({ RNNBENCH_PYTHON: '/no/such/python3' })
    expect(s.found).toBeNull()
    expect(s.reasons).toEqual(['RNNBENCH_PYTHON=/no/such/python3: /no/such/python3 was not found'])
  })

  it('says when it is not a Python that answers', async () => {
    const s = await findPython({ RNNBENCH_PYTHON: script('python3', 'echo "not python" >&2; exit 3') })
    expect(s.found).toBeNull()
    expect(s.reasons[0]).toMatch(/exited with code 3 before it answered; it last wrote: not python$/)
  })

  it.skipIf(!torchCpu.backend)('says how to install torch when the Python has none', async () => {
    const real = String(torchCpu.probe.details!.python)
    // -S: without the site module, Python sees no site-packages or dist-packages, hence no torch.
    const s = await findPython({ RNNBENCH_PYTHON: script('python3', `exec ${real} -S "$@"`) })
    expect(s.found).toBeNull()
    expect(s.reasons[0]).toMatch(/\(Python 3\.[\d.]+ at .+\): no module named torch: pip install torch, or apt-get install python3-torch$/)
  })
})

describe('a PyTorch process that dies', () => {
  if (skipUnavailable(torchCpu)) return
  it('fails the run in progress with the reason, and the next run starts a fresh one', async () => {
    const proc = await sharedProcess()
    let killed = false
    const run = runTraining({ ...base, backend: 'torch-cpu', steps: 100_000, evalEvery: 1000 }, {
      onProgress: (p) => { if (!killed && p.step > 3) { killed = true; proc.kill() } },
    })
    await expect(run).rejects.toThrow(new RegExp(`^torch-cpu: the PyTorch process \\(pid ${proc.pid}, .+\\) was killed by SIGKILL during (trainStep|predict)$`))
    const next = await trained({ ...base, backend: 'torch-cpu' })
    expect(next.figures.status).toBe('done')
    expect((await sharedProcess()).pid).not.toBe(proc.pid)
  })
})
