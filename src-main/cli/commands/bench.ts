import { getBackend, parseBackendName, probeBackend } from '../../engine/backends'
import { busyWarning, machineLoad } from '../../engine/timing/busy'
import { openWaitClock } from '../../engine/timing/sched-wait'
import { cleanSteps, type StepRecord } from '../../../src-shared/lost-cpu'
import { BACKEND_NAMES, type Backend, type StackResult } from '../../engine/backend'
import { PARITY_ATOL, PARITY_RTOL } from '../../engine/compare'
import { cpuJsBackend } from '../../engine/cpu-js/backend'
import { InputError } from '../../engine/errors'
import { initParameters } from '../../engine/init'
import { directions, networkTooLarge } from '../../engine/layout'
import { Rng } from '../../engine/rng'
import { stackFlops } from '../../engine/run-config'
import { summarize } from '../../engine/training'
import { CELL_KINDS, type CellKind, type NetworkConfig } from '../../engine/types'
import { parseCommandArgs, type Command } from '../command'
import { positiveInt } from '../options'
import { formatBytes } from '../../../src-shared/format'

export const benchCommand: Command = {
  name: 'bench',
  summary: 'time one training step (forward over the sequence + full backward) on a backend',
  help: `Usage: rnnbench bench --backend B --cell C --hidden H --input I --batch N --seq T
                      [--layers L] [--bidirectional] [--threads K] [--repeats R] [--no-check] [--json]

Times one training step of the recurrent stack: the forward over the whole sequence and the full
backward with weight gradients (no optimizer update), after 3 warm-up steps, as the backend
measures it (ms_wall_median adds copying the results out to JavaScript, and for the torch-*
backends the pipe to PyTorch's process both ways). A backend other than
cpu-js is first validated against cpu-js on the same inputs. Reports the median, minimum and
p10/p90 over R repeats and GFLOP/s (3·2·G·H·(I+H)·B·T per layer and direction).

Options (defaults in brackets):
  --backend B       ${BACKEND_NAMES.join(', ')} [cpu-js]
  --cell C          ${CELL_KINDS.join(', ')} [lstm]
  --hidden H        hidden size [256]
  --input I         input size [= hidden]
  --batch N         batch size [32]
  --seq T           sequence length [100]
  --layers L        layers [1]
  --bidirectional   both directions
  --threads K       threads inside a step, CPU backends and torch-cpu [1]
  --repeats R       timed repeats [10]
  --no-check        skip the check against cpu-js (at sizes where cpu-js would take minutes;
                    check the backend with \`rnnbench parity\` instead)
  --json            machine-readable output (ms_median, ms_min, gflops, ...)
  -h, --help        this text`,

  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('bench', argv, {
      backend: { type: 'string', default: 'cpu-js' }, cell: { type: 'string', default: 'lstm' }, hidden: { type: 'string' },
      input: { type: 'string' }, batch: { type: 'string' }, seq: { type: 'string' }, layers: { type: 'string' },
      bidirectional: { type: 'boolean' }, threads: { type: 'string' }, repeats: { type: 'string' }, json: { type: 'boolean' },
      'no-check': { type: 'boolean' },
    }, 'none') // refused below, in its own words
    if (positionals.length) throw new InputError(positionals[0], 'bench takes only options; see `rnnbench bench --help`')
    const backendName = parseBackendName(values.backend, '--backend')
    if (!(CELL_KINDS as readonly string[]).includes(values.cell!)) throw new InputError('--cell', `must be one of ${CELL_KINDS.join(', ')}; got ${JSON.stringify(values.cell)}`)
    // The bounds a sweep's settings have (SWEEP-SPEC.md), and a memory bound for the whole step.
    const H = positiveInt(values.hidden, '--hidden', 256, 8192)
    const net: NetworkConfig = {
      cell: values.cell as CellKind, inputSize: positiveInt(values.input, '--input', H, 1_000_000), hiddenSize: H,
      numLayers: positiveInt(values.layers, '--layers', 1, 16), bidirectional: values.bidirectional ?? false, dropout: 0,
    }
    const B = positiveInt(values.batch, '--batch', 32, 65_536), T = positiveInt(values.seq, '--seq', 100, 100_000)
    const tooLarge = networkTooLarge(net, B, T)
    if (tooLarge) throw new InputError('--hidden', `${tooLarge}; use smaller --hidden, --batch or --seq`)
    const threads = positiveInt(values.threads, '--threads', 1), repeats = positiveInt(values.repeats, '--repeats', 10)
    const backend = await getBackend(backendName)
    const device = (await probeBackend(backendName)).device ?? ''
    const busy = busyWarning(await machineLoad())
    if (busy) io.err(`rnnbench: warning: ${busy}\n`)

    const model = await backend.createModel({ network: net }, { threads })
    const rng = new Rng(1)
    const params = new Float32Array(model.layout.total)
    initParameters({ network: net }, model.layout, params, { seed: 1 })
    await model.setParameters(params)
    const D = directions(net)
    const input = {
      T, B,
      x: Float32Array.from({ length: T * B * net.inputSize }, () => rng.normal()),
      dy: Float32Array.from({ length: T * B * D * H }, () => rng.normal() / Math.sqrt(T * B)),
    }
    const validated = backendName === 'cpu-js'
      ? 'cpu-js is the reference (checked against PyTorch by npm test)'
      : values['no-check'] ? 'not checked at this shape (--no-check)' : await validateAgainstReference(backend, net, params, input)

    for (let i = 0; i < 3; i++) await model.runStack(input)
    // Which repeats lost the CPU (src-shared/lost-cpu.ts): the threads' run-queue wait around each.
    const threadsOf = model.stepThreads?.() ?? { unknown: 'the backend does not say which threads run its steps' }
    const clock = 'unknown' in threadsOf ? threadsOf : openWaitClock(threadsOf.helpers)
    const records: StepRecord[] = []
    // The step time is the backend's own measurement of forward + backward (the timing contract);
    // the wall time around runStack also counts copying the results out, reported beside it.
    const total: number[] = [], fwd: number[] = [], bwd: number[] = [], wall: number[] = []
    let last: StackResult | null = null
    for (let i = 0; i < repeats; i++) {
      const w0 = 'read' in clock ? clock.read() : 0
      const t0 = performance.now()
      const r = last = await model.runStack(input)
      wall.push(performance.now() - t0)
      if ('read' in clock) records.push({ wallMs: r.totalMs, waitMs: clock.read() - w0 })
      total.push(r.totalMs)
      if (r.forwardMs !== null) fwd.push(r.forwardMs)
      if (r.backwardMs !== null) bwd.push(r.backwardMs)
    }
    const memory = model.memory()
    if ('close' in clock) clock.close()
    model.dispose()
    const clean = 'read' in clock ? cleanSteps(records) : null
    const s = summarize(total), flops = stackFlops(net, B, T)
    const result = {
      backend: backendName, device, cell: net.cell, hidden: H, input: net.inputSize, batch: B, seq: T, layers: net.numLayers,
      bidirectional: net.bidirectional, threads, repeats,
      ms_median: s.median, ms_min: Math.min(...total), ms_p10: s.p10, ms_p90: s.p90,
      // null where the backend cannot time the forward and the backward apart
      forward_ms_median: fwd.length ? summarize(fwd).median : null, backward_ms_median: bwd.length ? summarize(bwd).median : null, ms_wall_median: summarize(wall).median,
      flops, gflops: flops / (s.median * 1e6), gflops_best: flops / (Math.min(...total) * 1e6),
      // What a step costs outside the backend's own time: copying results out, or for PyTorch the
      // pipe both ways (the inputs sent, every output and gradient back), median of wall − step.
      outside_ms_median: summarize(wall.map((w, i) => w - total[i])).median,
      pipe_bytes: backendName.startsWith('torch-') ? pipeBytes(net, B, T) : null,
      activation_bytes: memory.activationBytes,
      // GPU backends: dispatches per step, peak bytes of live GPU buffers, and how time was taken.
      dispatches: last?.dispatches ?? null, gpu_bytes: memory.deviceBytes ?? null,
      timing: last?.timing ?? 'wall-clock', validated,
      // Repeats whose threads waited for a CPU (lost it to other work), and the 25th percentile of
      // the rest: null where the CPU is not sampled (with why), or too few repeats kept it.
      lost_steps: clean ? clean.lost : null, ms_clean_p25: clean ? clean.estimateMs : null,
      cpu_not_sampled: 'unknown' in clock ? clock.unknown : null,
    }
    if (values.json) {
      io.out(JSON.stringify(result) + '\n')
      return 0
    }
    io.out(`validated: ${validated}\n`)
    io.out(`${backendName} on ${device}\n`)
    io.out(`shape                                   |  ms median |   ms min | fwd ms | bwd ms | GFLOP/s\n`)
    const shape = `${net.cell} H=${H} I=${net.inputSize} B=${B} T=${T} L=${net.numLayers}${net.bidirectional ? ' bidir' : ''} thr=${threads}`
    io.out(`${shape.padEnd(40)}| ${result.ms_median.toFixed(2).padStart(10)} | ${result.ms_min.toFixed(2).padStart(8)} | ${(result.forward_ms_median?.toFixed(1) ?? 'n/a').padStart(6)} | ${(result.backward_ms_median?.toFixed(1) ?? 'n/a').padStart(6)} | ${result.gflops.toFixed(2).padStart(7)}\n`)
    io.out(`activations saved for BPTT: ${formatBytes(result.activation_bytes)}\n`)
    if (clean) io.out(`CPU: ${clean.lost} of ${repeats} repeats lost the CPU to other work${clean.estimateMs === null ? ` (${clean.tooFew}): time it again when the machine is quieter` : clean.lost ? `; the 25th percentile of the others: ${clean.estimateMs.toFixed(2)} ms` : ''}\n`)
    else io.out(`CPU: not sampled (${result.cpu_not_sampled})\n`)
    if (result.pipe_bytes) {
      io.out(`the pipe to PyTorch: ${result.outside_ms_median.toFixed(2)} ms per step outside PyTorch's own time (median; ${formatBytes(result.pipe_bytes.sent)} sent, ${formatBytes(result.pipe_bytes.received)} back), never inside the step time above\n`)
    }
    if (result.dispatches !== null) {
      io.out(`GPU: ${result.dispatches} dispatches per step, ${formatBytes(result.gpu_bytes ?? 0)} of GPU buffers at peak, timed by ${result.timing === 'gpu-timestamps' ? 'GPU timestamp queries' : 'the wall clock around submit and completion'}\n`)
    }
    return 0
  },
}

/** The bytes one bench step sends to PyTorch (x, dy) and gets back (y, hn, cn, dx, dh0, dc0). */
function pipeBytes(net: NetworkConfig, B: number, T: number): { sent: number; received: number } {
  const D = directions(net), H = net.hiddenSize, state = net.numLayers * D * B * H * (net.cell === 'lstm' ? 2 : 1)
  return { sent: 4 * T * B * (net.inputSize + D * H), received: 4 * (T * B * (D * H + net.inputSize) + 2 * state) }
}

/** One forward+backward on the reference with the same parameters and inputs; the worst relative difference. */
async function validateAgainstReference(backend: Backend, net: NetworkConfig, params: Float32Array, input: { T: number; B: number; x: Float32Array; dy: Float32Array }): Promise<string> {
  const run = async (b: Backend): Promise<[StackResult, ArrayLike<number>]> => {
    const m = await b.createModel({ network: net })
    await m.setParameters(params)
    const r = await m.runStack(input)
    const g = await m.getGradients()
    m.dispose()
    return [r, g]
  }
  const [[want, wantGrads], [got, gotGrads]] = [await run(cpuJsBackend), await run(backend)]
  let worst = 0
  const check = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (PARITY_ATOL + PARITY_RTOL * Math.abs(b[i])))
  }
  check(got.y, want.y); check(got.dx!, want.dx!); check(gotGrads, wantGrads)
  if (worst > 1) throw new Error(`${backend.name} disagrees with cpu-js on this shape (worst value ${worst.toFixed(1)}× the tolerance); not timing it`)
  return `matches cpu-js on y, dx and every gradient (worst value at ${(worst * 100).toFixed(1)}% of the parity tolerance)`
}
