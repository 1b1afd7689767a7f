import { describe, expect, it } from 'vitest'
import { rnnbench } from '../helpers/cli'

describe('rnnbench doctor', () => {
  it('reports every backend, available or with a reason', () => {
    const r = rnnbench(['doctor', '--json'])
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout)
    expect(report.backends.map((b: { backend: string }) => b.backend)).toEqual(['cpu-js', 'cpu-native', 'webgpu'])
    for (const b of report.backends) {
      if (b.available) expect(b.device).toBeTruthy()
      else expect(b.reason).toMatch(/\w{10,}/)
    }
    expect(report.backends[0].available).toBe(true)
    expect(report.environment.cores).toBeGreaterThan(0)
    expect(report.environment.node).toBe(process.versions.node)
  })

  it('prints a table a person can read', () => {
    const r = rnnbench(['doctor'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^cpu-js\s+available\s+\S/m)
    expect(r.stdout).toMatch(/^cpu-native\s+(available|unavailable)\s+\S/m)
    expect(r.stdout).toMatch(/^webgpu\s+(available|unavailable)\s+\S/m)
  })
})

describe('help', () => {
  it('lists the commands with --help and exits 0', () => {
    const r = rnnbench(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^\s+parity\s/m)
    expect(r.stdout).toMatch(/^\s+doctor\s/m)
  })

  it('shows usage and exits 2 without a command', () => {
    const r = rnnbench([])
    expect(r.code).toBe(2)
    expect(r.stdout).toMatch(/Usage: rnnbench COMMAND/)
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
