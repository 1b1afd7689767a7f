// The HTML report of a quick sweep, opened from disk in Chromium as a recipient would: offline,
// no console error, no request leaving the file, the charts drawn, the verdicts, tables and
// reproduction data there, and a sweep name that is HTML shown as text. PDF and Markdown from the
// CLI, with Chromium.

import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserUnavailable, collectErrors, launchBrowser, paintedPixels, SCREENSHOTS } from '../helpers/browser'
import { repoRoot } from '../helpers/cli'

const NAME = '<img src=x onerror=alert(1)>'
const unavailable = browserUnavailable()
const cli = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin', 'rnnbench.mjs'), ...args], { encoding: 'utf8', timeout: 290_000 })

describe('the HTML report in a browser', () => {
  if (unavailable) {
    it(`is skipped here: ${unavailable}`, (ctx) => ctx.skip(unavailable))
    return
  }
  let dir: string, db: string, browser: Browser

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rnnbench-report-'))
    db = join(dir, 'r.sqlite')
    const sweep = cli(['sweep', '--preset', 'quick', '--name', NAME, '--db', db])
    expect(sweep.status, sweep.stderr).toBe(0)
    browser = await launchBrowser()
  }, 300_000)
  afterAll(async () => {
    await browser?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('opens offline with every chart drawn, no console error, no request, and the name as text', async () => {
    const file = join(dir, 'report.html')
    const r = cli(['export', '--db', db, '--format', 'html', '-o', file])
    expect(r.status, r.stderr).toBe(0)
    const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } })
    const errors = collectErrors(page)
    const requests: string[] = []
    page.on('request', (req) => { if (!req.url().startsWith('file:') && !req.url().startsWith('data:')) requests.push(req.url()) })
    let dialogs = 0
    page.on('dialog', (d) => { dialogs++; void d.dismiss() })
    await page.goto(pathToFileURL(file).href)
    await page.waitForFunction(() => (window as { rnnbenchReportReady?: boolean }).rnnbenchReportReady === true)

    expect(await page.locator('h1 .name').textContent()).toBe(NAME)
    expect(await page.title()).toBe(`rnnbench report: ${NAME}`)
    expect(await page.locator('img').count()).toBe(0)
    // the charts: speed and memory, and three per task (adding, airline) on canvases
    const charts = await page.locator('canvas[data-chart]').count()
    expect(charts).toBe(2 + 3 * 2)
    for (let i = 0; i < charts; i++) expect(await paintedPixels(page, `canvas[data-chart] >> nth=${i}`), `chart ${i}`).toBeGreaterThan(2000)
    // and per task the parallel coordinates in SVG: a line per run, tick labels on every axis, the cell's among them
    expect(await page.locator('div.parallel[data-chart=parallel] svg').count()).toBe(2)
    const parallel = page.locator('div.parallel[data-task=adding] svg')
    expect(await parallel.locator('polyline').count()).toBe(24)
    const labels = await parallel.locator('text').allTextContents()
    for (const label of ['cell', 'lstm', 'gru', 'rnn_tanh', 'hiddenSize', '16', '64', 'best mse']) expect(labels, label).toContain(label)
    expect(await page.locator('canvas[data-gradflow]').count()).toBe(6) // one per cell and task
    // verdicts with numbers, the tables, the runs, the machine and the reproduction data
    const text = await page.locator('body').innerText()
    // the step-time verdict for GRU and LSTM on cpu-native over its 8 matched pairs, whatever this machine's load made of it
    expect(text).toMatch(/On cpu-native: ((GRU|LSTM) trains \d\.\d\d× faster per step than (LSTM|GRU) at equal hidden size \(Hodges–Lehmann estimate, [\d.]+% CI [\d.]+–[\d.]+×; 8 matched pairs in 4 configurations, \d of 8 favour (GRU|LSTM); exact Wilcoxon signed-rank test, p = 0\.\d+ after Holm over the \d+ comparisons of \d+ questions?|No significant difference in step time between (GRU|LSTM) and (GRU|LSTM) at equal hidden size: factor [\d.]+× \(Hodges–Lehmann estimate, |Timed under contention: \d+% of the timed steps of these runs lost the CPU; step time not judged for (GRU|LSTM) against (LSTM|GRU) at equal hidden size\. \d of 8 matched pairs ha)/) // the last: a suite that keeps both cores busy
    expect(text).toMatch(/GRU needs \d\.\d\d–\d\.\d\d× less memory than LSTM at equal hidden size, exactly/)
    expect(text).toMatch(/Too few matched pairs to tell .* apart on (adding|airline) (MSE|RMSE) at equal hidden size/)
    expect(text).toMatch(/[Aa]gainst the baseline \(predict the mean target .*; a run beats it below its bar, MSE [\d.–]+, from a paired bootstrap of its errors against the baseline's on the same 512 validation sequences, one-sided p ≤ 0\.05\): (GRU|LSTM|RNN \(tanh\)) \d of 4 runs/)
    expect(await page.locator('section:has(h2:text("Every run")) tbody tr').count()).toBe(48)
    expect(text).toContain('"name": "quick"') // the spec, to reproduce it
    expect(text).toContain('rnnbench sweep spec.json')
    expect(text).toMatch(/git commit [0-9a-f]{40}/)
    expect(text).toMatch(/seeds 1, 2\./)
    await page.screenshot({ path: join(SCREENSHOTS, 'report.png'), fullPage: false })
    // the page never scrolls sideways, even at 1024 px: the per-run table wraps in its own box
    for (const width of [1300, 1024]) {
      await page.setViewportSize({ width, height: 900 })
      // (Chart.js resizes its canvases a frame after the window)
      await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), { message: `at ${width} px` }).toBeLessThanOrEqual(width)
    }
    // settings every run shares are said once, not repeated in a column per run
    expect(text).toMatch(/Every run has numLayers 1, bidirectional false/)
    expect(requests).toEqual([])
    expect(dialogs).toBe(0)
    expect(errors).toEqual([])
    await page.close()
  })

  it('exports CSV and JSON with every run, a PDF, and Markdown with its charts beside it', () => {
    const csv = join(dir, 'runs.csv'), json = join(dir, 'all.json'), pdf = join(dir, 'report.pdf'), md = join(dir, 'report.md')
    for (const [format, out] of [['csv', csv], ['json', json], ['pdf', pdf], ['md', md]]) {
      const r = cli(['export', '--db', db, '--format', format, '-o', out])
      expect(r.status, `${format}: ${r.stderr}`).toBe(0)
    }
    expect(readFileSync(csv, 'utf8').trim().split('\n')).toHaveLength(49)
    expect(JSON.parse(readFileSync(json, 'utf8')).runs).toHaveLength(48)
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-')
    const text = readFileSync(md, 'utf8')
    expect(text).toContain('# rnnbench report: \\<img src=x onerror=alert(1)\\>')
    const images = [...text.matchAll(/!\[[^\]]*\]\(([^)]+\.png)\)/g)].map((m) => m[1])
    expect(images).toHaveLength(10)
    for (const image of images) expect(readFileSync(join(dir, image)).subarray(1, 4).toString(), image).toBe('PNG')
    expect(existsSync(join(dir, 'report-step-time.png'))).toBe(true)
  })
})
