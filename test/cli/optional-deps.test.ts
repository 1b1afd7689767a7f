// rnnbench without its optional dependencies, as after `npm install --omit=optional`: webgpu (Dawn's
// Node bindings, about 130 MB) and playwright-core (which drives a browser for PDF and the
// Markdown report's charts) are hidden by a module hook (test/helpers/without-optional). The CPU
// backends, sweeps, serve and the CSV, JSON, HTML and Markdown exports all work, and what needs
// the missing packages says which and how to add them.

import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../helpers/cli'

const dir = mkdtempSync(join(tmpdir(), 'rnnbench-no-optional-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const HOOK = join(repoRoot, 'test', 'helpers', 'without-optional', 'register.mjs')
const bare = (args: string[]) => spawnSync(process.execPath, ['--import', HOOK, join(repoRoot, 'bin', 'rnnbench.mjs'), ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, RNNBENCH_CHROMIUM: '/usr/bin/chromium' } })
const db = join(dir, 'db.sqlite')

describe('without the optional dependencies', () => {
  it('declares them optional, and keeps chart.js out of what the CLI and the app need at run time', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'))
    expect(Object.keys(pkg.optionalDependencies).sort()).toEqual(['@napi-rs/canvas', 'playwright-core', 'webgpu'])
    for (const name of ['webgpu', 'playwright-core', '@napi-rs/canvas', 'chart.js', 'chartjs-plugin-zoom']) expect(pkg.dependencies[name], name).toBeUndefined()
    // the built main side loads them from node_modules (not a bundled copy), and never chart.js
    const main = ['cli.js', 'index.js', 'worker.js'].map((f) => readFileSync(join(repoRoot, 'out', 'main', f), 'utf8')).join('\n')
    expect(main).not.toMatch(/from "chart\.js"/)
    const chunks = readdirSync(join(repoRoot, 'out', 'main')).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(repoRoot, 'out', 'main', f), 'utf8')).join('\n')
    expect(chunks).toMatch(/import\("webgpu"\)/)
    expect(chunks).toMatch(/import\("playwright-core"\)/)
  })

  it('doctor says webgpu is not installed and how to add it; the CPU backends run', () => {
    const r = bare(['doctor'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/webgpu\s+unavailable\s+the npm package webgpu .* is not installed; add it with npm install webgpu/)
    expect(r.stdout).toMatch(/cpu-js\s+available/)
  })

  it('runs a sweep and exports it as CSV, JSON, HTML and Markdown (saying why its charts are missing); PDF says what to install', () => {
    const spec = join(dir, 'tiny.json')
    writeFileSync(spec, JSON.stringify({ settings: { task: 'adding', seqLen: 6, hiddenSize: 4, batchSize: 4 }, axes: { cell: ['lstm', 'gru'] }, budget: { steps: 10 } }))
    expect(bare(['sweep', spec, '--db', db]).status).toBe(0)
    for (const format of ['csv', 'json', 'html', 'md']) {
      const r = bare(['export', '--db', db, '--format', format, '-o', join(dir, `report.${format}`)])
      expect(r.status, `${format}: ${r.stderr}`).toBe(0)
    }
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('rnnbench-report-data')
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(/PNG charts beside this file could not be drawn: drawing them needs the optional npm package @napi-rs\/canvas \(npm install @napi-rs\/canvas\), or the npm package playwright-core, which is not installed \(npm install playwright-core\)/)
    const pdf = bare(['export', '--db', db, '--format', 'pdf', '-o', join(dir, 'report.pdf')])
    expect(pdf.status).toBe(2)
    expect(pdf.stderr).toMatch(/^rnnbench: format: PDF export and the Markdown report's charts need the npm package playwright-core, which is not installed \(npm install playwright-core\); export HTML instead\n$/)
  }, 120_000)

  it('draws the Markdown report\'s charts without a browser when @napi-rs/canvas is there', () => {
    mkdirSync(join(dir, 'canvas'))
    const out = join(dir, 'canvas', 'report.md')
    const r = spawnSync(process.execPath, ['--import', HOOK, join(repoRoot, 'bin', 'rnnbench.mjs'), 'export', '--db', db, '--format', 'md', '-o', out], {
      cwd: dir, encoding: 'utf8', env: { ...process.env, RNNBENCH_HIDE: 'playwright-core,webgpu', RNNBENCH_CHROMIUM: join(dir, 'no-browser') },
    })
    expect(r.status, r.stderr).toBe(0)
    const images = [...readFileSync(out, 'utf8').matchAll(/!\[[^\]]*\]\(([^)]+\.png)\)/g)].map((m) => m[1])
    expect(images.length).toBeGreaterThanOrEqual(4) // step time, memory, and the adding task's charts
    for (const image of images) {
      const png = readFileSync(join(dir, 'canvas', image))
      expect(png.subarray(1, 4).toString(), image).toBe('PNG')
      expect(png.readUInt32BE(16), image).toBe(1200) // drawn at the export's own size, not a screenshot
    }
  })

  it('serves the app', async () => {
    const child = spawn(process.execPath, ['--import', HOOK, join(repoRoot, 'bin', 'rnnbench.mjs'), 'serve', '--port', '0', '--db', db], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      const url = new URL(await new Promise<string>((resolve, reject) => { createInterface({ input: child.stdout! }).once('line', resolve); child.once('exit', (c) => reject(new Error(`serve exited ${c}`))) }))
      const res = await fetch(`${url.origin}/api/listSweeps`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Rnnbench-Token': url.searchParams.get('token')! }, body: '[]' })
      const body = await res.json() as { ok: boolean; value: unknown[] }
      expect(body.ok).toBe(true)
      expect(body.value).toHaveLength(1)
    } finally {
      child.kill('SIGINT')
    }
  })
})
