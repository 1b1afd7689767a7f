// Run the built `rnnbench` command the way a user does (npm test builds it first, in pretest).

import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export const repoRoot = join(__dirname, '..', '..')
const bin = join(repoRoot, 'bin', 'rnnbench.mjs')

export interface CliResult { code: number; stdout: string; stderr: string }

/**
 * The CLI, run to its end. spawnSync blocks the test's event loop, so vitest's own timeout cannot
 * fire while it waits: this limit is the only one, a net for a hung command, set well past what a
 * busy machine takes (the quick preset beside torch took 66 s alone and over 120 s beside the rest
 * of the suite).
 */
const HUNG_COMMAND_MS = 300_000

export function rnnbench(args: string[], options: { input?: string; env?: Record<string, string> } = {}): CliResult {
  if (!existsSync(join(repoRoot, 'out', 'main', 'cli.js'))) throw new Error('the CLI is not built: run `npm run build` (npm test does it in pretest)')
  const r = spawnSync(process.execPath, [bin, ...args], {
    input: options.input ?? '', encoding: 'utf8', cwd: repoRoot, env: { ...process.env, ...options.env }, timeout: HUNG_COMMAND_MS,
  })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}
