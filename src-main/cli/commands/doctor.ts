import { BACKEND_NAMES } from '../../engine/backend'
import { probeAll } from '../../engine/backends'
import { environmentInfo } from '../../engine/environment'
import { parseCommandArgs, type Command } from '../command'
import { APP_VERSION } from '../../engine/build-info'
import { machineLoad } from '../../engine/timing/busy'
import { openWaitClock } from '../../engine/timing/sched-wait'
import { pressureNow } from '../../engine/timing/pressure'

/** Whether this system lets a run tell the steps that lost the CPU (engine/timing), in words. */
export function timingSignals(): { lostCpu: string | null; pressure: boolean } {
  const clock = openWaitClock()
  if ('close' in clock) clock.close()
  return { lostCpu: 'unknown' in clock ? clock.unknown : null, pressure: pressureNow() !== null }
}

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'list every backend, whether it runs here, on what, and why not',
  help: `Usage: rnnbench doctor [--json]

Probes every backend (${BACKEND_NAMES.join(', ')}) and reports whether it is available on this
machine, the device it runs on, and, for those that are not, why and what to do about it. The
torch-* backends run the user's own PyTorch: the Python is $RNNBENCH_PYTHON when set, else python3
on PATH, then /usr/bin/python3 (docs/TORCH.md). It says how busy the machine is now (other work's
cores, sampled for a quarter of a second, and Linux's CPU pressure), and whether runs here can
tell the steps that lost the CPU to other work (docs/REPORTS.md, "Step time on a busy machine").

Options:
  --json       machine-readable output
  -h, --help   this text`,

  async run(argv, io) {
    const { values } = parseCommandArgs('doctor', argv, { json: { type: 'boolean' } })
    const env = environmentInfo(APP_VERSION)
    // Sampled before the probes, which start processes of their own (PyTorch's).
    const load = await machineLoad()
    const signals = timingSignals()
    const backends = await probeAll()
    if (values.json) {
      io.out(JSON.stringify({ environment: env, load, timing: signals, backends }, null, 2) + '\n')
      return 0
    }
    io.out(`rnnbench ${env.appVersion} on ${env.os} ${env.arch}, Node ${env.node}\n`)
    io.out(`CPU: ${env.cpu}, ${env.cores} cores, ${(env.memoryBytes / 2 ** 30).toFixed(1)} GiB\n`)
    io.out(`load now: ${load.busy ? 'busy' : 'quiet'} (${load.text})${load.busy ? '; step times taken now lose steps to it' : ''}\n`)
    io.out(`step timing: ${signals.lostCpu === null ? 'the steps that lose the CPU are told by their threads\' run-queue wait (Linux schedstat)' : `cannot tell the steps that lose the CPU (${signals.lostCpu}); step times are the median of every step`}${signals.pressure ? '; CPU pressure recorded per run' : '; no CPU pressure figures here'}\n\n`)
    const width = Math.max(...backends.map((b) => b.backend.length))
    for (const b of backends) {
      const status = b.available ? 'available  ' : 'unavailable'
      io.out(`${b.backend.padEnd(width)}  ${status}  ${b.available ? b.device ?? '' : b.reason ?? ''}\n`)
      if (b.available && typeof b.details?.note === 'string') io.out(`${''.padEnd(width)}               ${b.details.note}\n`)
    }
    return 0
  },
}
