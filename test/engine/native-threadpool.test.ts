// The native thread pool (native-bench/src/threadpool.h) under stress, outside the addon: millions
// of parallel regions on more threads than this machine has cores, so threads are preempted in the
// middle of regions and start late for them. Each index must run exactly once per region; a chunk
// lost or run twice shows as a wrong count, or as a caller spinning forever (the timeout).

import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const source = join(__dirname, '..', '..', 'native-bench', 'bench', 'pool_stress.cc')
const dir = mkdtempSync(join(tmpdir(), 'rnnbench-pool-'))
const binary = join(dir, 'pool_stress')
const compiler = process.env.CXX ?? 'g++'
const build = spawnSync(compiler, ['-O2', '-std=c++17', '-pthread', source, '-o', binary], { encoding: 'utf8' })
const cannotBuild = build.error ? `no C++ compiler (${compiler}: ${build.error.message})` : build.status !== 0 ? `${compiler} failed: ${build.stderr.trim().split('\n')[0]}` : null
if (cannotBuild) console.warn(`[rnnbench tests] thread-pool stress skipped: ${cannotBuild}`)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the native thread pool', () => {
  it.for([2, 3])('runs every chunk of 2,000,000 regions exactly once with %i threads', { timeout: 120_000 }, (threads, ctx) => {
    if (cannotBuild) return ctx.skip(cannotBuild)
    const run = spawnSync(binary, [String(threads), '2000000'], { encoding: 'utf8', timeout: 90_000 })
    expect(run.signal, 'killed by the timeout: a region never ended').toBeNull()
    expect(run.stdout.trim(), run.stderr).toBe('ok')
  })
})
