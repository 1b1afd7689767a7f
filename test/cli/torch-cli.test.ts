// The torch-cpu backend through the CLI, as a user runs it: the quick preset beside cpu-native with
// verdicts per backend, and the sweep going on when PyTorch's process is missing, has no torch,
// crashes inside torch or is killed from outside: each run it takes down is `failed` with the reason.

import { spawn } from 'node:child_process'
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runsTraining, until } from '../helpers/wait'
import { describe, expect, it } from 'vitest'
import { presetSpec } from '../../src-main/engine/sweep/presets'
import { backendsUnderTest, skipUnavailable } from '../helpers/backends'
import { repoRoot, rnnbench } from '../helpers/cli'

const [torchCpu] = await backendsUnderTest(['torch-cpu'])
const tmp = mkdtempSync(join(tmpdir(), 'rnnbench-torch-cli-'))

interface RunRow { index: number; status: string; error: string | null; config: { backend: string; cell: string; seed: number } }
const runsOf = (db: string): RunRow[] => JSON.parse(rnnbench(['runs', '--db', db, '--json']).stdout) as RunRow[]

function specFile(name: string, spec: unknown): string {
  const path = join(tmp, `${name}.json`)
  writeFileSync(path, JSON.stringify(spec))
  return path
}

/** A stand-in for Python: `body` runs first, then the real Python with rnnbench's arguments. */
function pythonWrapper(name: string, body: string): string {
  const path = join(tmp, name)
  writeFileSync(path, `#!/bin/sh\n${body}\n`)
  chmodSync(path, 0o755)
  return path
}

/**
 * A wrapper that hands over to the real Python the first `good` times it is started (the CLI's
 * own probe while planning), and after that runs `then`: a Python that went missing, lost its
 * torch, and so on, by the time the sweep's workers start theirs.
 */
function degradingPython(name: string, real: string, then: string, good = 1): string {
  const count = join(tmp, `${name}.count`)
  return pythonWrapper(name, `n=$(cat ${count} 2>/dev/null || echo 0); echo $((n + 1)) > ${count}
if [ "$n" -lt ${good} ]; then exec ${real} "$@"; fi
${then}`)
}

const small = (backends: string[]) => ({
  name: 'torch-small', repeats: 2, settings: { task: 'adding', seqLen: 20, hiddenSize: 16, batchSize: 16, lr: 0.01, clipNorm: 1 },
  axes: { backend: backends, cell: ['lstm', 'gru'] }, budget: { steps: 60, seconds: 30 }, evalEvery: 20, gradFlowEvery: 20, workers: 1,
})

describe('torch-cpu through the CLI', () => {
  it('is listed by doctor, with the reason when it cannot run', () => {
    const ok = rnnbench(['doctor'])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(/^torch-cpu +(available +PyTorch \S+ on .+\(BLAS .+Python 3\.[\d.]+ at .+\)|unavailable +.+)$/m)
    expect(ok.stdout).toMatch(/^torch-cuda +(available|unavailable) +\S/m)
    const missing = rnnbench(['doctor'], { env: { RNNBENCH_PYTHON: join(tmp, 'no-python-here') } })
    expect(missing.code).toBe(0)
    expect(missing.stdout).toContain(`torch-cpu   unavailable  RNNBENCH_PYTHON=${join(tmp, 'no-python-here')}: ${join(tmp, 'no-python-here')} was not found`)
    const refused = rnnbench(['sweep', specFile('refused', small(['cpu-native', 'torch-cpu'])), '--db', join(tmp, 'refused.sqlite')], { env: { RNNBENCH_PYTHON: join(tmp, 'no-python-here') } })
    expect([refused.code, refused.stderr]).toEqual([2, `rnnbench: backend: torch-cpu is not available here (RNNBENCH_PYTHON=${join(tmp, 'no-python-here')}: ${join(tmp, 'no-python-here')} was not found); remove it from the sweep, or see \`rnnbench doctor\`\n`])
  })

  describe('on a machine with torch', () => {
    if (skipUnavailable(torchCpu)) return
    const real = String(torchCpu.probe.details!.python)

    it('runs the quick preset beside cpu-native to the end, with step-time verdicts per backend', () => {
      const db = join(tmp, 'quick.sqlite')
      const sweep = rnnbench(['sweep', specFile('quick', presetSpec('quick', ['cpu-native', 'torch-cpu'])), '--db', db])
      expect(sweep.code, sweep.stderr).toBe(0)
      const runs = runsOf(db)
      expect(runs.length).toBe(48)
      expect(runs.filter((r) => r.status === 'done').length).toBe(48)
      const verdicts = JSON.parse(rnnbench(['verdicts', '--db', db, '--json']).stdout) as { questions: Array<{ id: string; verdicts: Array<{ stratum: { setting: string; value: string } | null; sentence: string; pooledBackends: string[] | null }> }> }
      const speed = verdicts.questions.find((q) => q.id === 'step-time')!.verdicts
      expect(new Set(speed.map((v) => `${v.stratum?.setting}=${v.stratum?.value}`))).toEqual(new Set(['backend=cpu-native', 'backend=torch-cpu']))
      expect(speed.filter((v) => v.sentence.startsWith('On torch-cpu: ')).length).toBe(3)
      // What is learned in equal steps is the same network on both engines: counted once, and said so.
      const learned = verdicts.questions.find((q) => q.id === 'metric-adding')!.verdicts
      expect(learned.every((v) => v.stratum?.setting !== 'backend' && v.pooledBackends?.join() === 'cpu-native,torch-cpu')).toBe(true)
    }, 300_000)

    it('fails the runs whose Python went missing or lost its torch, and finishes the others', () => {
      for (const [name, then, reason] of [
        ['gone', `echo "sh: 1: python3: not found" >&2; exit 127`, /^backend: torch-cpu is not available here: RNNBENCH_PYTHON=(.+): \1 exited with code 127 before it answered; it last wrote: sh: 1: python3: not found$/],
        ['no-torch', `exec ${real} -S "$@"`, /^backend: torch-cpu is not available here: .+\(Python 3\.[\d.]+ at .+\): no module named torch: pip install torch, or apt-get install python3-torch$/],
      ] as const) {
        const db = join(tmp, `${name}.sqlite`)
        const python = degradingPython(name, real, then)
        const sweep = rnnbench(['sweep', specFile(name, small(['cpu-native', 'torch-cpu'])), '--db', db], { env: { RNNBENCH_PYTHON: python } })
        expect(sweep.code, sweep.stderr).toBe(1) // some runs failed
        const runs = runsOf(db)
        expect(runs.filter((r) => r.config.backend === 'cpu-native').map((r) => r.status)).toEqual(['done', 'done', 'done', 'done'])
        const torchRuns = runs.filter((r) => r.config.backend === 'torch-cpu')
        expect(torchRuns.map((r) => r.status)).toEqual(['failed', 'failed', 'failed', 'failed'])
        for (const r of torchRuns) expect(r.error).toMatch(reason)
      }
    }, 120_000)

    it('fails the run that torch crashes in (SIGABRT inside a forward), then starts a fresh process for the next', () => {
      // A shim that loads torch, makes LSTM's forward abort the process once (a native crash), then runs rnnbench's program.
      const marker = join(tmp, 'crashed-once')
      const shim = join(tmp, 'crash_shim.py')
      writeFileSync(shim, `import os, sys, torch
forward, calls = torch.nn.LSTM.forward, [0]
def crashing(self, *args, **kwargs):
    calls[0] += 1
    if calls[0] == 25 and not os.path.exists(${JSON.stringify(marker)}):
        open(${JSON.stringify(marker)}, 'w').close()
        print('Fatal Python error: Aborted (the test shim)', file=sys.stderr, flush=True)
        os.abort()
    return forward(self, *args, **kwargs)
torch.nn.LSTM.forward = crashing
exec(sys.argv[2], {'__name__': '__main__'})
`)
      const db = join(tmp, 'crash.sqlite')
      const sweep = rnnbench(['sweep', specFile('crash', small(['torch-cpu'])), '--db', db], { env: { RNNBENCH_PYTHON: pythonWrapper('crashing-python', `exec ${real} ${shim} "$@"`) } })
      expect(sweep.code, sweep.stderr).toBe(1)
      const runs = runsOf(db)
      const failed = runs.filter((r) => r.status === 'failed')
      expect(failed.length).toBe(1)
      expect(failed[0].config.cell).toBe('lstm')
      expect(failed[0].error).toMatch(/^torch-cpu: the PyTorch process \(pid \d+, .+\) was killed by SIGABRT during (trainStep|predict); it last wrote: Fatal Python error: Aborted \(the test shim\)$/)
      expect(runs.filter((r) => r.status === 'done').length).toBe(3)
      expect(sweep.stderr).toMatch(/failed +#\d+ lstm seed \d: torch-cpu: the PyTorch process \(pid \d+, .+\) was killed by SIGABRT/)
    }, 120_000)

    it('fails the run whose PyTorch process is killed from outside (kill -9), and the sweep goes on', async () => {
      const db = join(tmp, 'killed.sqlite')
      const spec = { ...small(['torch-cpu']), budget: { steps: 100_000, seconds: 4 }, axes: { backend: ['torch-cpu'], cell: ['gru'] } }
      const child = spawn(process.execPath, [join(repoRoot, 'bin', 'rnnbench.mjs'), 'sweep', specFile('killed', spec), '--db', db], { env: { ...process.env, RNNBENCH_PYTHON: real } })
      let stderr = ''
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
      const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)))
      await until(() => runsTraining(db) >= 1, child, () => stderr)
      // Once the first run trains, kill every Python this CLI started (its own probe's and the worker's).
      const all = childrenOf(child.pid!)
      expect(all.size).toBeGreaterThan(0)
      for (const pid of all) process.kill(pid, 'SIGKILL')
      expect(await exited, stderr).toBe(1)
      const runs = runsOf(db)
      expect(runs.map((r) => r.status).sort()).toEqual(['done', 'failed'])
      expect(runs.find((r) => r.status === 'failed')!.error).toMatch(/^torch-cpu: the PyTorch process \(pid \d+, .+\) was killed by SIGKILL during (trainStep|predict|setOptimizer|setParameters)$/)
    }, 120_000)
  })
})

/** The child processes of a process, from every one of its threads (worker threads start children too). */
function childrenOf(pid: number): Set<number> {
  const all = new Set<number>()
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    for (const p of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) all.add(Number(p))
  }
  return all
}
