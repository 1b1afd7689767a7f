// Worker thread entry: runs one training run per message and reports back. Owns no database: the
// main thread writes everything, so a crash here can lose at most the run in progress.

import { readFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { probeBackend } from '../engine/backends'
import { APP_VERSION, GIT_COMMIT } from '../engine/build-info'
import { environmentInfo } from '../engine/environment'
import type { RunConfig } from '../engine/run-config'
import { runTraining } from '../engine/training'
import { readDataFile } from '../engine/data-file'
import { DATA_FILE_TASKS } from '../engine/tasks'
import { serializeError, type FromWorker, type RunEnvironment, type TimingConditions, type ToWorker } from './protocol'

const port = parentPort
if (!port) throw new Error('run-worker must be started as a worker thread')

/** What the runner gives each worker: fault injection for tests, and the stop flag it raises to cancel. */
interface WorkerData { fault?: string | null; stop?: SharedArrayBuffer }

// Cancel is cooperative: the runner sets this flag and the run stops between steps, waits for its
// steps in flight, frees its buffers and ends, so that the thread is never torn down under a GPU
// map still pending (Dawn aborts the whole process then). Shared memory, because a CPU run never
// yields to the message queue between its steps.
const stopFlag = (workerData as WorkerData | null)?.stop ? new Int32Array((workerData as WorkerData).stop!) : null
const stopRequested = () => stopFlag !== null && Atomics.load(stopFlag, 0) === 1
const post = (message: FromWorker) => port.postMessage(message)

/**
 * Fault injection for the runner's own tests: fault "crash:SEED" ends the thread and "throw:SEED"
 * throws, for runs with that seed. Passed in workerData (the environment is shared by every
 * worker); unset in normal use.
 */
function injectFault(config: RunConfig): void {
  const [kind, seed] = String((workerData as WorkerData | null)?.fault ?? '').split(':')
  if (Number(seed) !== config.seed) return
  if (kind === 'crash') process.exit(70)
  if (kind === 'throw') throw new Error(`injected fault for seed ${seed}`)
}

async function environmentFor(config: RunConfig, timing: TimingConditions): Promise<RunEnvironment> {
  const probe = await probeBackend(config.backend)
  return {
    ...environmentInfo(APP_VERSION), gitCommit: GIT_COMMIT, backend: config.backend, device: probe.device ?? null, threads: config.threads,
    workers: timing.workers, concurrentRuns: timing.concurrentRuns, loadAvgStart: loadavg()[0],
    ...(process.env.RNNBENCH_SHARD ? { shard: JSON.parse(process.env.RNNBENCH_SHARD) as Record<string, unknown> } : {}),
  }
}

port.on('message', async (message: ToWorker) => {
  if (message.type !== 'run') return
  const { runId, config, timing } = message
  let environment: RunEnvironment | null = null
  try {
    environment = await environmentFor(config, timing)
    injectFault(config)
    const text = config.task === 'charlm' && config.textFile ? await readFile(config.textFile, 'utf8')
      : config.dataFile && DATA_FILE_TASKS.includes(config.task) ? await readDataFile(config.dataFile, 'dataFile') : undefined
    const figures = await runTraining(config, {
      onPoints: (points) => post({ type: 'points', runId, points }),
      onGradFlow: (snapshot) => post({ type: 'gradFlow', runId, snapshot }),
      onProgress: (p) => post({ type: 'progress', runId, ...p }),
      shouldStop: stopRequested,
    }, text)
    environment.loadAvgEnd = loadavg()[0]
    post({ type: 'done', runId, figures, environment })
  } catch (err) {
    post({ type: 'failed', runId, error: serializeError(err), environment })
  }
  // Told to stop: nothing more to run here; the runner ends this thread once it is idle.
  if (stopRequested()) post({ type: 'stopped', runId })
})
