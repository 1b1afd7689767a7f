// Worker thread entry: runs one training run per message and reports back. Owns no database: the
// main thread writes everything, so a crash here can lose at most the run in progress.

import { loadavg } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { probeBackend } from '../engine/backends'
import { APP_VERSION, GIT_COMMIT } from '../engine/build-info'
import { environmentInfo } from '../engine/environment'
import type { RunConfig } from '../engine/run-config'
import { runTraining } from '../engine/training'
import { readDataFile } from '../engine/data-file'
import { DATA_FILE_TASKS } from '../engine/tasks'
import { serializeError, type FromWorker, type RunContext, type RunEnvironment, type ToWorker } from './protocol'

const port = parentPort
if (!port) throw new Error('run-worker must be started as a worker thread')

/** What the runner gives each worker: the stop flag it raises to cancel. */
interface WorkerData { stop?: SharedArrayBuffer }

// Cancel is cooperative: the runner sets this flag and the run stops between steps, waits for its
// steps in flight, frees its buffers and ends, so that the thread is never torn down under a GPU
// map still pending (Dawn aborts the whole process then). Shared memory, because a CPU run never
// yields to the message queue between its steps.
const stopFlag = (workerData as WorkerData | null)?.stop ? new Int32Array((workerData as WorkerData).stop!) : null
const stopRequested = () => stopFlag !== null && Atomics.load(stopFlag, 0) === 1
const post = (message: FromWorker) => port.postMessage(message)

async function environmentFor(config: RunConfig, { timing, shard }: RunContext): Promise<RunEnvironment> {
  const probe = await probeBackend(config.backend)
  return {
    ...environmentInfo(APP_VERSION), gitCommit: GIT_COMMIT, backend: config.backend, device: probe.device ?? null, threads: config.threads,
    workers: timing.workers, concurrentRuns: timing.concurrentRuns, loadAvgStart: loadavg()[0],
    ...(shard ? { shard } : {}),
  }
}

port.on('message', async (message: ToWorker) => {
  if (message.type !== 'run') return
  const receivedAt = performance.now() // the run's start-up is counted from here
  const { runId, config, context } = message
  let environment: RunEnvironment | null = null
  try {
    environment = await environmentFor(config, context)
    const text = config.task === 'charlm' && config.textFile ? await readDataFile(config.textFile, 'textFile')
      : config.dataFile && DATA_FILE_TASKS.includes(config.task) ? await readDataFile(config.dataFile, 'dataFile') : undefined
    const figures = await runTraining(config, {
      onPoints: (points) => post({ type: 'points', runId, points }),
      onGradFlow: (snapshot) => post({ type: 'gradFlow', runId, snapshot }),
      onProgress: (p) => post({ type: 'progress', runId, ...p }),
      shouldStop: stopRequested,
    }, text, receivedAt)
    environment.loadAvgEnd = loadavg()[0]
    post({ type: 'done', runId, figures, environment })
  } catch (err) {
    post({ type: 'failed', runId, error: serializeError(err), environment })
  }
  // Told to stop: nothing more to run here; the runner ends this thread once it is idle.
  if (stopRequested()) post({ type: 'stopped', runId })
})
