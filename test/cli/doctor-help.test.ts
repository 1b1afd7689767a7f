import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { rnnbench, repoRoot } from '../helpers/cli'

describe('rnnbench doctor', () => {
  it('prints no Vulkan or adapter chatter on stderr, whichever drivers are installed (Dawn writes it straight to stderr)', () => {
    const r = rnnbench(['doctor'])
    expect(r.code).toBe(0)
    // CI installs Mesa's drivers beside SwiftShader (.ci/run), as Debian's chromium does with its
    // recommended packages: lavapipe and the hardware drivers without their GPU each warn.
    expect(r.stderr).not.toMatch(/vulkan|vkCreateInstance|VK_ERROR|adapter|Loader Message/i)
  })

  it('reports every backend, available or with a reason', () => {
    const r = rnnbench(['doctor', '--json'])
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout)
    expect(report.backends.map((b: { backend: string }) => b.backend)).toEqual(['cpu-js', 'cpu-native', 'webgpu', 'torch-cpu', 'torch-cuda', 'torch-mps'])
    for (const b of report.backends) {
      if (b.available) expect(b.device).toBeTruthy()
      else expect(b.reason).toMatch(/^\S.{15,}$/) // a sentence, not a code
    }
    expect(report.backends[0].available).toBe(true)
    expect(report.environment.cores).toBeGreaterThan(0)
    expect(report.environment.node).toBe(process.versions.node)
    // how busy the machine is now, and whether runs here can tell the steps that lost the CPU
    expect(report.load.cores).toBe(report.environment.cores)
    expect(report.load.otherCores).toBeGreaterThanOrEqual(0)
    expect(report.load.warning === null).toBe(!report.load.busy)
    if (process.platform === 'linux') expect(report.timing).toMatchObject({ lostCpu: null })
    else expect(report.timing.lostCpu).toMatch(/^\S.{15,}$/)
  })

  it('prints a table a person can read', () => {
    const r = rnnbench(['doctor'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^cpu-js\s+available\s+\S/m)
    expect(r.stdout).toMatch(/^cpu-native\s+(available|unavailable)\s+\S/m)
    expect(r.stdout).toMatch(/^webgpu\s+(available|unavailable)\s+\S/m)
    expect(r.stdout).toMatch(/^load now: (quiet|busy) \(other work uses \d+\.\d of \d+ cores? now(, and some task waited for a CPU \d+% of the last 10 s)?\)/m)
    expect(r.stdout).toMatch(/^step timing: /m)
  })
})

describe('help', () => {
  it('lists the commands with --help and exits 0', () => {
    const r = rnnbench(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^\s+parity\s/m)
    expect(r.stdout).toMatch(/^\s+doctor\s/m)
  })

  it('shows usage on standard error and exits 2 without a command', () => {
    const r = rnnbench([])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/Usage: rnnbench COMMAND/)
  })

  it.each([['parity', '--help'], ['help', 'parity'], ['doctor', '-h']])('%s %s shows that command\'s usage', (a, b) => {
    const r = rnnbench([a, b])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(new RegExp(`^Usage: rnnbench ${a === 'help' ? b : a}`))
  })

  it('prints the version from package.json', async () => {
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default
    expect(rnnbench(['--version']).stdout.trim()).toBe(version)
  })
})

describe('npm start where the desktop app cannot open', () => {
  // These machines have no display and cannot download Electron: start must say so in one line
  // and point to `rnnbench serve`, never hang or print a stack.
  const start = (env: Record<string, string | undefined>) => {
    const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'start.mjs')], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 })
    return { code: r.status, lines: r.stderr.trim().split('\n') }
  }

  it('without a display', () => {
    const { code, lines } = start({ DISPLAY: '', WAYLAND_DISPLAY: '' })
    expect(code).toBe(1)
    expect(lines).toEqual([expect.stringMatching(/^rnnbench: the desktop app cannot open here: there is no display .*npx rnnbench serve/)])
  })

  it('without the Electron binary, where it cannot be downloaded', (ctx) => {
    if (existsSync(join(repoRoot, 'node_modules', 'electron', 'path.txt'))) return ctx.skip('the Electron binary is installed here')
    const { code, lines } = start({ DISPLAY: ':99', ELECTRON_GET_USE_PROXY: '', ELECTRON_MIRROR: 'http://127.0.0.1:9/' })
    expect(code).toBe(1)
    expect(lines.at(-1)).toMatch(/^rnnbench: the desktop app cannot open here: the Electron binary could not be downloaded .*npx rnnbench serve/)
  })
})
