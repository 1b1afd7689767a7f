// The app as a user meets it, in Debian's Chromium against `rnnbench serve`: the quick preset's
// sweep in the compare view with every chart drawn, exports, a sweep built and started in the UI
// and followed live to its end, and a page without the token refused. Screenshots of every view
// are saved (test-artifacts/screenshots; RNNBENCH_SCREENSHOTS=docs/screenshots refreshes the docs).

import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserUnavailable, collectErrors, launchBrowser, paintedPixels, SCREENSHOTS, startServe, type ServeProcess } from '../helpers/browser'
import { repoRoot } from '../helpers/cli'

const CHARTS = ['step-time', 'memory', 'convergence', 'pareto', 'loss-bands'] as const
const unavailable = browserUnavailable()

describe('the app in a browser (rnnbench serve)', () => {
  if (unavailable) {
    console.warn(`[rnnbench tests] browser tests skipped: ${unavailable}`)
    it(`is skipped here: ${unavailable}`, (ctx) => ctx.skip(unavailable))
    return
  }

  let dir: string, db: string, serve: ServeProcess, browser: Browser, page: Page, errors: string[]

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rnnbench-e2e-'))
    db = join(dir, 'app.sqlite')
    // What the user does first: the quick preset, from the CLI.
    const sweep = spawnSync(process.execPath, [join(repoRoot, 'bin', 'rnnbench.mjs'), 'sweep', '--preset', 'quick', '--db', db], { encoding: 'utf8', timeout: 290_000 })
    expect(sweep.status, sweep.stderr).toBe(0)
    serve = await startServe(db, ['--workers', '2'])
    browser = await launchBrowser()
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true })
    errors = collectErrors(page)
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('opens on the latest sweep and draws every chart of the compare view, with no console error', async () => {
    await page.goto(serve.url)
    await page.getByTestId('compare-title').waitFor()
    expect(await page.getByTestId('compare-title').textContent()).toContain('quick')
    for (const id of CHARTS) {
      await page.getByTestId(`canvas-${id}`).waitFor()
      // a drawn chart paints thousands of pixels; axes alone would be far fewer
      expect(await paintedPixels(page, `[data-testid=canvas-${id}]`), id).toBeGreaterThan(2000)
    }
    // parallel coordinates in SVG: a line per run of the task shown
    expect(await page.locator('[data-testid=parallel-svg] polyline').count()).toBe(24)
    // one gradient-flow heatmap per cell, on one colour scale
    for (const cell of ['lstm', 'gru', 'rnn_tanh']) {
      await page.getByTestId(`heatmap-${cell}`).waitFor()
      expect(await paintedPixels(page, `[data-testid=heatmap-${cell}] canvas`), cell).toBeGreaterThan(5000)
    }
    expect(await page.getByTestId('pareto-front').textContent()).toMatch(/front: #\d+/)
    // which settings matter, per cell: the quick preset varies the backend and the hidden size
    const sensitivity = page.getByTestId('sensitivity')
    expect((await sensitivity.locator('thead th').allTextContents()).slice(1).sort()).toEqual(['gru (8 runs)', 'lstm (8 runs)', 'rnn_tanh (8 runs)'])
    expect(await sensitivity.locator('tbody td:first-child').allTextContents()).toEqual(['backend', 'hiddenSize'])
    expect(await sensitivity.locator('td.share').count()).toBe(6)
    // the quick preset runs two tasks: the metric charts follow the chosen one
    await page.getByTestId('compare-task').selectOption('airline')
    expect(await page.getByTestId('chart-convergence').textContent()).toContain('rmse')
    await page.getByTestId('compare-task').selectOption('adding')
    await page.screenshot({ path: join(SCREENSHOTS, 'compare.png'), fullPage: true })
    expect(errors).toEqual([])
  })

  it('opens with the verdict panel: the same sentences as `rnnbench verdicts` and the HTML report, and a click shows the runs compared', async () => {
    // the scoreboard comes first; the full sentences open beneath it
    await page.getByTestId('score-row').first().waitFor()
    await page.locator('[data-testid=verdict-sentences] > summary').click()
    const panel = page.getByTestId('verdict-panel')
    await panel.getByTestId('verdict').first().waitFor()
    const shown = (await panel.getByTestId('verdict').locator('.sentence').allTextContents()).map((t) => t.trim())
    // the CLI, on the same database
    const cli = spawnSync(process.execPath, [join(repoRoot, 'bin', 'rnnbench.mjs'), 'verdicts', '--db', db, '--json'], { encoding: 'utf8' })
    expect(cli.status, cli.stderr).toBe(0)
    const questions = (JSON.parse(cli.stdout) as { questions: Array<{ id: string; verdicts: Array<{ sentence: string; runIds: number[]; caveat: string | null }> }> }).questions
    const fromCli = questions.flatMap((q) => q.verdicts)
    // the same sentences, the timing caveat said once per backend beneath them instead of in each
    expect(shown).toEqual(fromCli.map((v) => (v.caveat ? v.sentence.replace(` Caveat: ${v.caveat}.`, '') : v.sentence)))
    // a step-time verdict for GRU and LSTM, whatever this machine's load made of it
    // (one per backend: the quick preset runs cpu-js and cpu-native, and speed is each engine's own)
    expect(shown.some((t) => /^On cpu-native: ((GRU|LSTM) trains \d\.\d\d× faster per step than (LSTM|GRU) at equal hidden size \(Hodges–Lehmann estimate, [\d.]+% CI|No significant difference in step time between (GRU|LSTM) and (GRU|LSTM)|Timed under contention: \d+% of the timed steps of these runs lost the CPU; step time not judged for (GRU|LSTM) against (LSTM|GRU))/.test(t))).toBe(true) // the last: a suite that keeps both cores busy
    expect(shown.some((t) => /exactly/.test(t))).toBe(true) // memory and parameters, stated exactly
    expect(shown.filter((t) => /exactly/.test(t)).every((t) => !/p [=<]/.test(t))).toBe(true)
    // the HTML report, exported from the same database
    const report = spawnSync(process.execPath, [join(repoRoot, 'bin', 'rnnbench.mjs'), 'export', '--db', db, '--format', 'html', '-o', '-'], { encoding: 'utf8', maxBuffer: 64 << 20 })
    expect(report.status, report.stderr).toBe(0)
    const inReport = [...report.stdout.matchAll(/<ul class="verdicts">(.*?)<\/ul>/gs)].flatMap((m) => [...m[1].matchAll(/<li class="[\w-]+">(.*?)<\/li>/g)].map((li) => li[1]))
    const unescape = (t: string) => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    expect(inReport.map(unescape)).toEqual(fromCli.map((v) => v.sentence))
    // a click: the runs table shows exactly the runs that verdict compares
    // (one with runs: on a machine the suite keeps busy, a backend's may be too contended to compare any)
    const first = questions.find((q) => q.id === 'step-time')!.verdicts.find((v) => v.runIds.length)!
    await panel.getByTestId('verdict').filter({ hasText: first.sentence.split(' Caveat: ')[0] }).click()
    await page.getByTestId('verdict-runs').waitFor()
    // the table numbers runs by their position in the sweep, as the live view and the report do
    const runs = JSON.parse(spawnSync(process.execPath, [join(repoRoot, 'bin', 'rnnbench.mjs'), 'runs', '--db', db, '--json'], { encoding: 'utf8' }).stdout) as Array<{ id: number; index: number }>
    const position = new Map(runs.map((r) => [r.id, r.index + 1]))
    const shownRuns = (await page.getByTestId('compare-table').locator('tbody tr td:nth-child(2)').allTextContents()).map(Number).sort((a, b) => a - b)
    expect(shownRuns).toEqual(first.runIds.map((id) => position.get(id)!).sort((a, b) => a - b))
    await page.getByTestId('verdict-runs').getByRole('button', { name: 'Show every run' }).click()
    expect(await page.getByTestId('compare-table').locator('tbody tr').count()).toBe(48)
    await panel.screenshot({ path: join(SCREENSHOTS, 'verdicts.png') })
    expect(errors).toEqual([])
  })

  it('filters and recolours by any setting', async () => {
    const rows = () => page.getByTestId('compare-table').locator('tbody tr').count()
    const all = await rows()
    await page.getByTestId('filter-cell').getByLabel('rnn_tanh').uncheck()
    expect(await rows()).toBe(all - all / 3)
    await page.getByTestId('color-by').selectOption('hiddenSize')
    expect(await page.getByTestId('chart-pareto').textContent()).not.toContain('rnn_tanh')
    await page.getByTestId('filter-cell').getByLabel('rnn_tanh').check()
    expect(await rows()).toBe(all)
    expect(errors).toEqual([])
  })

  it('exports a chart as PNG, and the sweep as CSV, JSON and its spec', async () => {
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('chart-pareto').getByRole('button', { name: 'PNG' }).click()])
    expect(png.suggestedFilename()).toBe('rnnbench-pareto.png')
    expect(readFileSync((await png.path())!).subarray(1, 4).toString()).toBe('PNG')

    await page.getByTestId('nav-history').click()
    await page.getByTestId('history').waitFor()
    await page.screenshot({ path: join(SCREENSHOTS, 'history.png'), fullPage: true })
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv-1').click()])
    const lines = readFileSync((await csv.path())!, 'utf8').trim().split('\n')
    expect(lines[0]).toContain('config.cell')
    expect(lines).toHaveLength(1 + 48)
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json-1').click()])
    expect(JSON.parse(readFileSync((await json.path())!, 'utf8')).runs).toHaveLength(48)
    const [spec] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-spec-1').click()])
    expect(JSON.parse(readFileSync((await spec.path())!, 'utf8')).name).toBe('quick')
    // the report, from the history and from the compare view (at equal parameter count), and its PDF
    const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-html-1').click()])
    expect(report.suggestedFilename()).toBe('rnnbench-sweep-1-quick.html')
    expect(readFileSync((await report.path())!, 'utf8')).toContain('<title>rnnbench report: quick</title>')
    await page.getByTestId('open-1').click()
    await page.getByTestId('matching').selectOption('params')
    const [byParams] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report-html').click()])
    expect(readFileSync((await byParams.path())!, 'utf8')).toContain('Cells compared at about equal parameter count')
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report-pdf').click()])
    expect(pdf.suggestedFilename()).toBe('rnnbench-sweep-1-quick.pdf')
    expect(readFileSync((await pdf.path())!).subarray(0, 5).toString()).toBe('%PDF-')
    expect(errors).toEqual([])
  })

  it('re-runs a sweep through the builder, filled with its spec, and asks before starting one of over 1,000 runs', async () => {
    await page.getByTestId('nav-history').click()
    await page.getByTestId('rerun-1').click()
    await page.getByTestId('builder').waitFor()
    expect(new URL(page.url()).hash).toBe('#/builder')
    expect(await page.getByTestId('field-name').inputValue()).toBe('quick (again)')
    expect(await page.getByTestId('field-hiddenSize').inputValue()).toBe('16, 64')
    expect(await page.getByTestId('task-airline').isChecked()).toBe(true)
    await expect.poll(() => page.getByTestId('plan-runs').textContent().catch(() => '')).toBe('48 runs')
    // nothing started yet: the user may edit it first
    await page.getByTestId('field-lr').fill('0.001, 0.002, 0.003, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2')
    await page.getByTestId('field-hiddenSize').fill(Array.from({ length: 30 }, (_, i) => 8 + i).join(', '))
    await expect.poll(() => page.getByTestId('plan-runs').textContent().catch(() => '')).toMatch(/^\d,?\d{3} runs$/)
    const runs = Number((await page.getByTestId('plan-runs').textContent())!.replace(/\D/g, ''))
    expect(runs).toBeGreaterThan(1000)
    let asked = ''
    page.once('dialog', (d) => { asked = d.message(); void d.dismiss() })
    await page.getByTestId('start').click()
    await expect.poll(() => asked).toMatch(new RegExp(`^This sweep has ${runs.toLocaleString('en-US')} runs and takes about .+ here\\. Start it\\?$`))
    await page.getByTestId('nav-history').click()
    expect(await page.locator('[data-testid=history] tbody tr').count()).toBe(1) // declined: nothing started
    await page.getByTestId('nav-builder').click()
    expect(await page.getByTestId('field-lr').inputValue()).toContain('0.2') // the edits are kept across views
    await page.getByTestId('field-lr').fill('0.01')
    expect(errors).toEqual([])
  })

  it('builds a sweep, checks it as it is typed, starts it and follows it live to its end', async () => {
    await page.getByTestId('nav-builder').click()
    await page.getByTestId('field-name').fill('from the UI')
    await page.getByTestId('task-airline').uncheck()
    await page.getByTestId('cell-rnn_tanh').uncheck()
    if (await page.getByTestId('backend-cpu-native').isChecked()) await page.getByTestId('backend-cpu-native').uncheck()
    await page.getByTestId('field-steps').fill('0')
    await page.getByTestId('field-seconds').fill('3')
    await page.getByTestId('field-repeats').fill('1')
    // inline validation: the field is named, and the sweep cannot start
    await page.getByTestId('field-hiddenSize').fill('8, 1x')
    await expect.poll(() => page.getByTestId('plan-error').textContent()).toContain('Hidden size: "1x" is not a whole number')
    expect(await page.getByTestId('start').isDisabled()).toBe(true)
    await page.getByTestId('field-hiddenSize').fill('8')
    await expect.poll(() => page.getByTestId('plan-runs').textContent().catch(() => '')).toBe('2 runs')
    expect(await page.getByTestId('plan-time').textContent()).toMatch(/\ds/)
    await page.screenshot({ path: join(SCREENSHOTS, 'builder.png'), fullPage: true })

    await page.getByTestId('start').click()
    await page.getByTestId('live-title').waitFor()
    expect(await page.getByTestId('live-title').textContent()).toContain('from the UI')
    // live: runs in progress with progress bars, and their loss curves as they arrive
    await page.locator('[data-testid=live-runs] tr[data-status=running]').first().waitFor()
    await page.getByTestId('canvas-live-loss').waitFor()
    await page.screenshot({ path: join(SCREENSHOTS, 'live.png'), fullPage: true })
    await expect.poll(() => page.getByTestId('live-counts').textContent()).toMatch(/^\s*2 done/)
    await page.getByTestId('to-compare').click()
    await page.getByTestId('canvas-convergence').waitFor()
    expect(await paintedPixels(page, '[data-testid=canvas-convergence]')).toBeGreaterThan(2000)
    expect(errors).toEqual([])
  }, 120_000)

  it('keeps its place in the address (deep links, back and forward), and follows the system\'s dark scheme', async () => {
    const other = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' })
    const otherErrors = collectErrors(other)
    await other.goto(`${serve.url}#/history`)
    await other.getByTestId('history').waitFor()
    expect(new URL(other.url()).hash).toBe('#/history')
    expect(new URL(other.url()).search).toBe('') // the token is taken out of the address
    await other.getByTestId('open-1').click()
    await other.getByTestId('compare-title').waitFor()
    expect(new URL(other.url()).hash).toBe('#/compare/1')
    await other.goBack()
    await other.getByTestId('history').waitFor()
    await other.goForward()
    await other.getByTestId('compare-title').waitFor()
    // dark: the page and its panels take the dark colours
    const colours = await other.evaluate(() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.querySelector('[data-testid=verdict-panel]')!).backgroundColor])
    expect(colours).toEqual(['rgb(18, 22, 28)', 'rgb(27, 33, 41)'])
    await other.getByTestId('canvas-step-time').waitFor()
    await other.waitForTimeout(500)
    await other.screenshot({ path: join(SCREENSHOTS, 'compare-dark.png'), fullPage: false })
    expect(otherErrors).toEqual([])
    await other.close()
  })

  it('refuses a page opened without the token', async () => {
    const other = await browser.newPage()
    const response = await other.goto(new URL(serve.url).origin + '/')
    expect(response!.status()).toBe(401)
    expect(await other.textContent('body')).toContain('open the URL that `rnnbench serve` printed')
    await other.close()
  })
})
