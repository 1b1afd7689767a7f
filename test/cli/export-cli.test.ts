// `rnnbench export` from the command line: every format, and clear answers where Chromium is not
// there (PDF fails with what to do instead; Markdown is written without its charts and says so).

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { rnnbench } from '../helpers/cli'

const dir = mkdtempSync(join(tmpdir(), 'rnnbench-export-'))
const db = join(dir, 'e.sqlite')
const noChromium = { RNNBENCH_CHROMIUM: '/nowhere/chromium' }

beforeAll(() => {
  const spec = join(dir, 'spec.json')
  writeFileSync(spec, JSON.stringify({ name: 'small', settings: { task: 'adding', seqLen: 5, hiddenSize: 4, batchSize: 4 }, axes: { cell: ['lstm', 'rnn_tanh'] }, repeats: 3, budget: { steps: 8 }, evalEvery: 4 }))
  expect(rnnbench(['sweep', spec, '--db', db]).code).toBe(0)
})

describe('rnnbench export', () => {
  it('writes a self-contained HTML report to a file or standard output', () => {
    const r = rnnbench(['export', '--db', db, '--format', 'html', '-o', '-'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^<!doctype html>/)
    expect(r.stdout).toContain('RNN (tanh) needs 3.47× less memory than LSTM') // 1,296 against 4,496 analytic bytes
    expect(r.stdout).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?https?:/)
  })

  it('without Chromium: PDF fails with exit 2 and what to do; Markdown still has its charts, drawn without a browser', () => {
    const pdf = rnnbench(['export', '--db', db, '--format', 'pdf', '-o', join(dir, 'r.pdf')], { env: noChromium })
    expect(pdf.code).toBe(2)
    expect(pdf.stderr.trim()).toBe("rnnbench: --format: PDF export needs Chrome, Chromium or Edge, and none was found (install one, such as Debian's chromium, or set RNNBENCH_CHROMIUM to its path); export HTML instead and print it from a browser")
    const md = rnnbench(['export', '--db', db, '--format', 'md', '-o', join(dir, 'plain.md')], { env: noChromium })
    expect(md.code).toBe(0)
    expect(readFileSync(join(dir, 'plain.md'), 'utf8')).not.toContain('could not be drawn')
    // @napi-rs/canvas draws them (with neither it nor a browser: test/cli/optional-deps.test.ts)
    expect(readdirSync(dir).filter((f) => f.startsWith('plain') && f.endsWith('.png')).length).toBeGreaterThanOrEqual(4)
  })

  it.each([
    [['--format', 'docx', '-o', 'x'], /^rnnbench: --format: must be one of html, md, csv, json, pdf; got "docx"$/],
    [['--format', 'pdf', '-o', '-'], /^rnnbench: --out: pdf is written to a file/],
    [['--format', 'html', '-o', 'x.html', '--matching', 'size'], /^rnnbench: --matching: must be one of hidden, params; got "size"$/],
    [['--format', 'html'], /^rnnbench: --out: say where to write the export/],
  ])('refuses %j with exit 2', (args, message) => {
    const r = rnnbench(['export', '--db', db, ...args])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toMatch(message)
  })
})
