// Backend `cpu-native`: the recurrent stack in C++ (native-bench/), on the model's own Float32Arrays
// (no copies); the head, losses and optimizer are the shared reference code (StackModel).

import os from 'node:os'
import type { Backend, BackendProbe, ModelOptions, ModelRunner } from '../backend'
import type { FloatArray } from '../../../src-shared/gemm'
import { InputError } from '../errors'
import { directions, networkLayout } from '../layout'
import { StackModel, type StackEngine } from '../stack-model'
import { CELL_KINDS, type ModelConfig, type NetworkConfig } from '../types'
import { loadAddon, type NativeAddon } from './addon'

export const cpuNativeBackend: Backend = {
  name: 'cpu-native',
  async probe(): Promise<BackendProbe> {
    const load = loadAddon()
    if (!load.addon) return { backend: 'cpu-native', available: false, reason: load.reason }
    const info = load.addon.cpuInfo()
    return {
      backend: 'cpu-native', available: true,
      device: `${os.cpus()[0]?.model?.trim() ?? 'unknown CPU'} (C++ ${info.isa} kernels, up to ${info.hardwareThreads} threads)`,
      details: { isa: info.isa, hardwareThreads: info.hardwareThreads, addon: load.path },
    }
  },
  async createModel(config: ModelConfig, options: ModelOptions = {}): Promise<ModelRunner> {
    const load = loadAddon()
    if (!load.addon) throw new InputError('backend', `cpu-native is not available here: ${load.reason}`)
    if (options.precision === 'f64') throw new Error('cpu-native computes in float32 only')
    const addon = load.addon
    return new StackModel(config, Float32Array, (params, grads) => nativeEngine(addon, config.network, params as Float32Array, grads as Float32Array, options.threads ?? 1))
  },
}

function nativeEngine(addon: NativeAddon, net: NetworkConfig, params: Float32Array, grads: Float32Array, threads: number): StackEngine {
  const handle = addon.createStack(CELL_KINDS.indexOf(net.cell), net.inputSize, net.hiddenSize, net.numLayers, net.bidirectional, net.dropout, threads)
  const stackSize = networkLayout(net).total
  // The stack's parameters are the first stackSize floats of the model's buffers (PyTorch order).
  const stackParams = params.subarray(0, stackSize), stackGrads = grads.subarray(0, stackSize)
  const D = directions(net), H = net.hiddenSize, lstm = net.cell === 'lstm'
  let shape = { T: 0, B: 0 }
  let y = new Float32Array(0), hn = y, cn = y, dx = y, dh0 = y, dc0 = y
  let savedBytes = 0
  // The addon keeps pointers to x and h0 from forward to backward (it reads them again there):
  // what it was given must outlive the pair. `kept` holds it until the next forward: the caller's
  // Float32Array, or the Float32Array copy of any other array (a temporary nothing else holds).
  let kept: { x: Float32Array; h0: Float32Array | null; c0: Float32Array | null } | null = null
  const f32 = (a: FloatArray | null | undefined) => (a == null ? null : a instanceof Float32Array ? a : Float32Array.from(a))
  return {
    forward(input, training, dropoutSeed) {
      if (input.T !== shape.T || input.B !== shape.B) {
        const { T, B } = input, S = net.numLayers * D * B * H
        shape = { T, B }
        y = new Float32Array(T * B * D * H); hn = new Float32Array(S); cn = new Float32Array(lstm ? S : 0)
        dx = new Float32Array(T * B * net.inputSize); dh0 = new Float32Array(S); dc0 = new Float32Array(lstm ? S : 0)
      }
      kept = { x: f32(input.x)!, h0: f32(input.h0), c0: lstm ? f32(input.c0) : null }
      savedBytes = addon.forward(handle, stackParams, kept.x, input.T, input.B, kept.h0, kept.c0, training, dropoutSeed ?? 0, y, hn, lstm ? cn : null)
      return y
    },
    backward(dy, gradFlow) {
      if (!kept) throw new Error('backward() called before forward()')
      addon.backward(handle, stackParams, stackGrads, f32(dy)!, dx, dh0, lstm ? dc0 : null, gradFlow ?? null)
    },
    get hn() { return hn }, get cn() { return cn }, get dx() { return dx }, get dh0() { return dh0 }, get dc0() { return dc0 },
    get savedBytes() { return savedBytes },
    helperThreads() {
      if (threads <= 1 || process.platform !== 'linux') return []
      const ids = addon.threadIds?.(handle)
      return ids && ids.length === threads - 1 ? ids : { unknown: 'this build of the C++ addon does not name its pool\'s threads; run `npm run build:native`' }
    },
    dispose() {},
  }
}
