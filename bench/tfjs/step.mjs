#!/usr/bin/env node
// One training step of a TensorFlow.js recurrent layer, timed as `rnnbench bench` times one: the
// forward over the whole sequence and the full backward (weight gradients and dx) from an upstream
// gradient dy, no optimizer, after warm-up steps; one process per backend (tfjs backends are global).
//
//   node bench/tfjs/step.mjs wasm|cpu CELL H I B T REPEATS [WARMUP=2]   → one JSON line
//
// tfjs-layers' cells are Keras's: the LSTM is PyTorch's; its GRU puts the reset gate before the
// recurrent product (Keras reset_after=false), the same FLOPs as PyTorch's to within one product's
// elementwise work. Both run in one thread: tfjs-cpu is plain JavaScript, and tfjs-wasm is told 1.
import * as tf from '@tensorflow/tfjs' // core, layers and the cpu backend, with the chained ops layers needs
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm'

const [backend, cell, H, I, B, T, repeats] = [process.argv[2], process.argv[3], ...process.argv.slice(4, 9).map(Number)]
if (!['wasm', 'cpu'].includes(backend) || !['lstm', 'gru', 'rnn_tanh'].includes(cell) || ![H, I, B, T, repeats].every((n) => n > 0)) {
  console.error('usage: node bench/tfjs/step.mjs wasm|cpu lstm|gru|rnn_tanh H I B T REPEATS')
  process.exit(2)
}
if (backend === 'wasm') setThreadsCount(1)
await tf.setBackend(backend)
await tf.ready()

const options = { units: H, returnSequences: true, inputShape: [T, I] }
const layer = cell === 'lstm' ? tf.layers.lstm(options) : cell === 'gru' ? tf.layers.gru(options) : tf.layers.simpleRNN({ ...options, activation: 'tanh' })
const x = tf.variable(tf.randomNormal([B, T, I]))   // a variable, so that dx is computed too
const dy = tf.div(tf.randomNormal([B, T, H]), Math.sqrt(T * B))
layer.apply(x) // builds the weights

function step() {
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x), dy)))
  const all = Object.values(grads)
  all[0].dataSync() // every op of the cpu and wasm backends has run by now; this makes sure
  tf.dispose([value, ...all])
}

const WARMUP = process.argv[9] === undefined ? 2 : Number(process.argv[9])
const times = []
for (let r = 0; r < WARMUP + repeats; r++) {
  const t0 = performance.now()
  step()
  if (r >= WARMUP) times.push(performance.now() - t0)
}
times.sort((a, b) => a - b)
const median = times.length % 2 ? times[(times.length - 1) / 2] : (times[times.length / 2 - 1] + times[times.length / 2]) / 2
console.log(JSON.stringify({ engine: `tfjs-${backend}`, cell, hidden: H, input: I, batch: B, seq: T, ms_median: median, ms_min: times[0], version: tf.version.tfjs }))
