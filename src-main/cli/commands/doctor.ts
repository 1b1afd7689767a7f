import { BACKEND_NAMES } from '../../engine/backend'
import { probeAll } from '../../engine/backends'
import { environmentInfo } from '../../engine/environment'
import { parseCommandArgs, type Command } from '../command'
import { APP_VERSION } from '../../engine/build-info'

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'list every backend, whether it runs here, on what, and why not',
  help: `Usage: rnnbench doctor [--json]

Probes every backend (${BACKEND_NAMES.join(', ')}) and reports whether it is available on this
machine, the device it runs on, and, for those that are not, why and what to do about it. The
torch-* backends run the user's own PyTorch: the Python is $RNNBENCH_PYTHON when set, else python3
on PATH, then /usr/bin/python3 (docs/TORCH.md).

Options:
  --json       machine-readable output
  -h, --help   this text`,

  async run(argv, io) {
    const { values } = parseCommandArgs('doctor', argv, { json: { type: 'boolean' } })
    const env = environmentInfo(APP_VERSION)
    const backends = await probeAll()
    if (values.json) {
      io.out(JSON.stringify({ environment: env, backends }, null, 2) + '\n')
      return 0
    }
    io.out(`rnnbench ${env.appVersion} on ${env.os} ${env.arch}, Node ${env.node}\n`)
    io.out(`CPU: ${env.cpu}, ${env.cores} cores, ${(env.memoryBytes / 2 ** 30).toFixed(1)} GiB\n\n`)
    const width = Math.max(...backends.map((b) => b.backend.length))
    for (const b of backends) {
      const status = b.available ? 'available  ' : 'unavailable'
      io.out(`${b.backend.padEnd(width)}  ${status}  ${b.available ? b.device ?? '' : b.reason ?? ''}\n`)
      if (b.available && typeof b.details?.note === 'string') io.out(`${''.padEnd(width)}               ${b.details.note}\n`)
    }
    return 0
  },
}
