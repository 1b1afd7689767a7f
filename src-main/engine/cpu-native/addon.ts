// Finding and loading the C++ addon built from native-bench/. Its typed surface is declared here;
// the implementation is native-bench/src/addon.cc.

import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface NativeAddon {
  cpuInfo(): { isa: string; hardwareThreads: number }
  createStack(cell: number, input: number, hidden: number, layers: number, bidirectional: boolean, dropout: number, threads: number): NativeHandle
  forward(h: NativeHandle, params: Float32Array, x: Float32Array, T: number, B: number, h0: Float32Array | null, c0: Float32Array | null,
    training: boolean, dropoutSeed: number, y: Float32Array, hn: Float32Array, cn: Float32Array | null): number
  backward(h: NativeHandle, params: Float32Array, grads: Float32Array, dy: Float32Array, dx: Float32Array, dh0: Float32Array,
    dc0: Float32Array | null, gradFlow: Float32Array | null): void
  /** Kernel ids of the stack's pool workers ([] for one thread, or off Linux). Absent from addons built before it. */
  threadIds?(h: NativeHandle): number[]
}
export type NativeHandle = { readonly __native: unique symbol }

const ADDON = join('native-bench', 'build', 'Release', 'rnnbench_native.node')

/** The checkout's root: the nearest folder above this module that has native-bench/ (source or built bundle). */
function repoRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'native-bench', 'binding.gyp'))) return dir
    dir = dirname(dir)
  }
  return null
}

export type AddonLoad = { addon: NativeAddon; path: string } | { addon: null; reason: string }

let cached: AddonLoad | null = null

export function loadAddon(): AddonLoad {
  if (cached) return cached
  const override = process.env.RNNBENCH_NATIVE_ADDON
  const root = repoRoot()
  // Built here (a checkout, or an install that compiled it), else the prebuilt copy an installed
  // package carries for this platform (prebuilds/<platform>-<arch>/, no compiler needed).
  const built = root ? join(root, ADDON) : null
  const prebuilt = root ? join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'rnnbench_native.node') : null
  const path = override ?? (built && !existsSync(built) && prebuilt && existsSync(prebuilt) ? prebuilt : built)
  if (!path) return (cached = { addon: null, reason: 'native-bench/ was not found next to rnnbench' })
  if (!existsSync(path)) {
    const errorFile = join(dirname(path), '..', 'BUILD-ERROR.txt')
    const why = existsSync(errorFile) ? readFileSync(errorFile, 'utf8').split('\n')[0] : 'it has not been built'
    return (cached = { addon: null, reason: `the C++ addon did not build (${why}); run \`npm run build:native\` to retry and see the compiler's output` })
  }
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon
    return (cached = { addon, path })
  } catch (err) {
    return (cached = { addon: null, reason: `the C++ addon at ${path} failed to load: ${(err as Error).message.split('\n')[0]}` })
  }
}
