// Backend `cpu-js`: the TypeScript reference. Runs anywhere Node or a browser runs.

import os from 'node:os'
import type { Backend, BackendProbe, ModelOptions, ModelRunner } from '../backend'
import { Rng } from '../rng'
import { StackModel, type StackEngine } from '../stack-model'
import type { ModelConfig } from '../types'
import type { FloatArray } from '../../../src-shared/gemm'
import { arrayFor, RecurrentStack } from './stack'

export const cpuJsBackend: Backend = {
  name: 'cpu-js',
  async probe(): Promise<BackendProbe> {
    return { backend: 'cpu-js', available: true, device: `${os.cpus()[0]?.model?.trim() ?? 'unknown CPU'} (TypeScript reference, 1 thread)` }
  },
  async createModel(config: ModelConfig, options: ModelOptions = {}): Promise<ModelRunner> {
    const precision = options.precision ?? 'f32'
    return new StackModel(config, arrayFor(precision), (params, grads) => jsEngine(new RecurrentStack(config.network, params, grads, 0, precision)))
  },
}

function jsEngine(stack: RecurrentStack): StackEngine {
  return {
    forward: (input, training, dropoutSeed) =>
      stack.forward({ ...input, training, rng: dropoutSeed === undefined ? undefined : new Rng(dropoutSeed) }),
    backward: (dy: FloatArray, gradFlow) => stack.backward(dy, gradFlow),
    get hn() { return stack.hn },
    get cn() { return stack.cn },
    get dx() { return stack.dx },
    get dh0() { return stack.dh0 },
    get dc0() { return stack.dc0 },
    get savedBytes() { return stack.savedBytes },
    dispose() {},
  }
}
