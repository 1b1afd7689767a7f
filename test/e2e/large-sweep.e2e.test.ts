// A sweep of 1,000 runs with 500 points each in the compare view: every chart draws, filters still
// answer, and the page is never left without a frame for long. The times are printed (they are
// recorded in docs/PERFORMANCE.md, not asserted: these machines are shared and noisy).

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserUnavailable, collectErrors, launchBrowser, paintedPixels, SCREENSHOTS, startServe, type ServeProcess } from '../helpers/browser'
import { largeSweep } from '../helpers/synthetic-sweep'

const RUNS = 1000, POINTS = 500
const unavailable = browserUnavailable()

describe('a sweep of 1,000 runs with 500 points each', () => {
  if (unavailable) {
    it(`is skipped here: ${unavailable}`, (ctx) => ctx.skip(unavailable))
    return
  }
  let dir: string, serve: ServeProcess, browser: Browser

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rnnbench-large-'))
    largeSweep(join(dir, 'large.sqlite'), RUNS, POINTS)
    serve = await startServe(join(dir, 'large.sqlite'))
    browser = await launchBrowser()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('draws every chart and still answers a filter, without a console error', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    const errors = collectErrors(page)
    // The longest stretch the main thread was busy, from the browser's own long-task records.
    await page.addInitScript(() => {
      const w = window as unknown as { longest: number }
      w.longest = 0
      new PerformanceObserver((list) => { for (const e of list.getEntries()) w.longest = Math.max(w.longest, e.duration) }).observe({ type: 'longtask', buffered: true })
    })
    const start = Date.now()
    await page.goto(serve.url)
    for (const id of ['step-time', 'memory', 'convergence', 'pareto']) {
      await page.getByTestId(`canvas-${id}`).waitFor()
      expect(await paintedPixels(page, `[data-testid=canvas-${id}]`), id).toBeGreaterThan(2000)
    }
    await expect.poll(() => page.locator('[data-testid=parallel-svg] polyline').count()).toBe(RUNS)
    await page.getByTestId('heatmap-rnn_tanh').waitFor()
    const drawnMs = Date.now() - start
    // the loss bands at any count: every configuration's band is drawn, none refused
    await page.getByTestId('canvas-loss-bands').waitFor()
    await expect.poll(() => paintedPixels(page, '[data-testid=canvas-loss-bands]')).toBeGreaterThan(2000)
    expect(await page.getByText('The first 300 of 1000').count()).toBe(1)

    const filterStart = Date.now()
    await page.getByTestId('filter-cell').getByLabel('lstm').uncheck()
    await expect.poll(() => page.getByText('666 finished runs shown').count()).toBe(1) // 334 of the 1,000 are LSTMs
    const filterMs = Date.now() - filterStart
    const longest = await page.evaluate(() => (window as unknown as { longest: number }).longest)
    console.log(`[rnnbench e2e] ${RUNS} runs × ${POINTS} points: every chart drawn ${drawnMs} ms after navigation; a filter redraws in ${filterMs} ms; longest main-thread task ${Math.round(longest)} ms`)
    await page.screenshot({ path: join(SCREENSHOTS, 'compare-1000-runs.png') })
    expect(errors).toEqual([])
    await page.close()
  }, 180_000)
})
