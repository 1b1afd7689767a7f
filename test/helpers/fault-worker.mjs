// A worker for the runner's own tests: the production worker (out/main/worker.js) with faults in
// front of it, so that the shipped worker holds no fault path. workerData.fault "crash:SEED" ends
// the thread (exit 70) and "throw:SEED" fails the run, for runs with that seed; every other
// message goes through to the real worker untouched.

import { parentPort, workerData } from 'node:worker_threads'

const [kind, seed] = String(workerData?.fault ?? '').split(':')
const on = parentPort.on.bind(parentPort)
parentPort.on = (event, listener) => on(event, event !== 'message' ? listener : (message) => {
  if (message?.type === 'run' && message.config.seed === Number(seed)) {
    if (kind === 'crash') process.exit(70)
    if (kind === 'throw') {
      parentPort.postMessage({ type: 'failed', runId: message.runId, error: { name: 'Error', message: `injected fault for seed ${seed}` }, environment: null })
      return
    }
  }
  return listener(message)
})

await import(new URL('../../out/main/worker.js', import.meta.url).href)
