// The views as an ML engineer uses them, in Debian's Chromium against `rnnbench serve`, on a
// 36-run sweep written straight into the database: one run number in the live view, the compare
// table, the run's page and the report; sorting, searching, brushing and ticking runs; a run's
// page by deep link; a sweep the CLI runs appearing without a reload; and every view at 1440×900
// and 1024×700, light and dark, with no element overlapping another (checked from bounding boxes)
// and a screenshot of each.

import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserUnavailable, collectErrors, launchBrowser, overlaps, paintedPixels, SCREENSHOTS, startServe, type ServeProcess } from '../helpers/browser'
import { repoRoot, rnnbench } from '../helpers/cli'
import { largeSweep } from '../helpers/synthetic-sweep'

const unavailable = browserUnavailable()
const RUNS = 36

describe('the views in a browser', () => {
  if (unavailable) {
    console.warn(`[rnnbench tests] browser tests skipped: ${unavailable}`)
    it(`is skipped here: ${unavailable}`, (ctx) => ctx.skip(unavailable))
    return
  }

  let dir: string, db: string, serve: ServeProcess, browser: Browser, page: Page, errors: string[]

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rnnbench-views-'))
    db = join(dir, 'views.sqlite')
    largeSweep(db, RUNS, 60, 'synthetic test data: 36 runs')
    serve = await startServe(db)
    browser = await launchBrowser()
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true })
    errors = collectErrors(page)
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const rowOf = (n: number) => page.locator(`[data-testid=compare-table] tbody tr[data-run="${n}"]`)

  it('numbers a run once: the live view, the compare table, its page and the report agree', async () => {
    const n = 17
    await page.goto(`${serve.url}#/live/1`)
    const live = page.locator('[data-testid=live-runs] tbody tr').nth(n - 1)
    await live.waitFor()
    const liveCells = await live.locator('td').allTextContents()
    expect(liveCells[0].trim()).toBe(String(n))
    const settings = liveCells[1] // "cell=gru hiddenSize=64 seqLen=50"
    const [cell, H, T] = ['cell', 'hiddenSize', 'seqLen'].map((k) => new RegExp(`${k}=(\\S+)`).exec(settings)![1])

    await page.goto(`${serve.url}#/compare/1`)
    await rowOf(n).waitFor()
    const compareCells = await rowOf(n).locator('td').allTextContents()
    expect(compareCells.slice(1, 3)).toEqual([String(n), cell])
    expect(compareCells).toContain(H)
    expect(compareCells).toContain(T)

    await rowOf(n).getByTestId(`open-run-${n}`).click()
    await page.getByTestId('run-title').waitFor()
    expect(await page.getByTestId('run-title').textContent()).toBe(`Run ${n} of sweep #1: ${cell} on cpu-js, H=${H}, seed 1`)

    const report = rnnbench(['export', '--db', db, '--format', 'html', '-o', '-'])
    expect(report.code, report.stderr).toBe(0)
    const rows = [...report.stdout.matchAll(/<tr><td>(\d+)<\/td>(.*?)<\/tr>/g)].filter((m) => m[1] === String(n))
    expect(rows.length).toBeGreaterThan(0)
    expect(rows[0][2]).toContain(`<td>${cell}</td>`)
    expect(errors).toEqual([])
  })

  it('sorts and searches the runs table, ticks runs to compare side by side', async () => {
    await page.goto(`${serve.url}#/compare/1`)
    await rowOf(1).waitFor()
    const column = async (key: string) => {
      const headers = await page.locator('[data-testid=compare-table] thead th').allTextContents()
      const i = headers.findIndex((h) => h.replace(/[▲▼]/g, '').trim() === key)
      return (await page.locator(`[data-testid=compare-table] tbody tr td:nth-child(${i + 1})`).allTextContents()).map((t) => t.trim())
    }
    await page.getByTestId('sort-stepMs').click()
    const up = (await column('ms/step')).map(Number)
    expect(up).toEqual([...up].sort((a, b) => a - b))
    expect(await page.locator('th[aria-sort=ascending]').textContent()).toContain('ms/step')
    await page.getByTestId('sort-stepMs').click()
    const down = (await column('ms/step')).map(Number)
    expect(down).toEqual([...up].sort((a, b) => b - a))
    await page.getByTestId('sort-hiddenSize').click()
    const sizes = (await column('hiddenSize')).map(Number)
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b))

    await page.getByTestId('runs-search').fill('lstm seqLen=50')
    await expect.poll(() => page.getByTestId('runs-count').textContent()).toMatch(/^\d+ of 36 runs$/)
    const cells = await column('cell')
    expect(cells.length).toBeGreaterThan(0)
    expect(new Set(cells)).toEqual(new Set(['lstm']))
    expect(new Set(await column('seqLen'))).toEqual(new Set(['50']))
    await page.getByTestId('runs-search').fill('')

    await page.getByTestId('tick-2').check()
    await page.getByTestId('tick-5').check()
    const side = page.getByTestId('side-by-side')
    await side.waitFor()
    expect(await side.locator('thead th').allTextContents()).toEqual(['', 'run 2', 'run 5'])
    expect(await side.locator('tr.differs th').count()).toBeGreaterThan(0)
    await side.getByRole('button', { name: 'untick all' }).click()
    expect(await side.count()).toBe(0)
    expect(errors).toEqual([])
  })

  it('toggles a series from a legend that stays at any number of series, zooms by dragging and resets', async () => {
    await page.goto(`${serve.url}#/compare/1`)
    const legend = page.getByTestId('legend-step-time')
    await legend.waitFor()
    expect(await legend.getByRole('button').allTextContents()).toEqual(['lstm · cpu-js', 'gru · cpu-js', 'rnn_tanh · cpu-js'])
    await page.waitForTimeout(300)
    const before = await paintedPixels(page, '[data-testid=canvas-step-time]')
    await legend.getByRole('button', { name: 'lstm · cpu-js' }).click()
    expect(await legend.getByRole('button', { name: 'lstm · cpu-js' }).getAttribute('aria-pressed')).toBe('false')
    await expect.poll(() => paintedPixels(page, '[data-testid=canvas-step-time]')).toBeLessThan(before)
    // the live loss of 36 runs: a legend of what colour and dash mean, and how many runs are drawn
    await page.goto(`${serve.url}#/live/1`)
    const liveLegend = page.getByTestId('legend-live-loss')
    await expect.poll(() => liveLegend.textContent()).toContain(`${RUNS} of ${RUNS} runs drawn`)
    expect(await liveLegend.locator('li svg').count()).toBeGreaterThanOrEqual(3)
    // drag a box on the convergence chart to zoom in; reset
    await page.goto(`${serve.url}#/compare/1`)
    const canvas = page.getByTestId('canvas-convergence')
    await canvas.waitFor()
    await page.waitForTimeout(300)
    await canvas.scrollIntoViewIfNeeded()
    const box = (await canvas.boundingBox())!
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.6, { steps: 5 })
    await page.mouse.up()
    await page.getByTestId('reset-zoom-convergence').click()
    expect(await page.getByTestId('reset-zoom-convergence').count()).toBe(0)
    expect(errors).toEqual([])
  })

  it('filters the runs by a range brushed on a parallel axis, with a tick label on every axis', async () => {
    await page.goto(`${serve.url}#/compare/1`)
    const svg = page.getByTestId('parallel-svg')
    await svg.waitFor()
    expect(await svg.locator('polyline').count()).toBe(RUNS)
    const hidden = page.getByTestId('axis-hiddenSize')
    expect(await hidden.locator('text').allTextContents()).toEqual(['hiddenSize', '8', '16', '32', '64', '128'])
    expect(await page.getByTestId('axis-cell').locator('text').allTextContents()).toEqual(['cell', 'lstm', 'gru', 'rnn_tanh'])
    // drag along the hidden-size axis over its top half: 32 (the middle, log scale) up to 128
    await page.getByTestId('brush-area-hiddenSize').scrollIntoViewIfNeeded()
    const area = await page.getByTestId('brush-area-hiddenSize').boundingBox()
    const x = area!.x + area!.width / 2
    await page.mouse.move(x, area!.y + 2)
    await page.mouse.down()
    await page.mouse.move(x, area!.y + area!.height * 0.45, { steps: 5 })
    await page.mouse.up()
    await page.getByTestId('brush-hiddenSize').waitFor()
    const count = await page.getByTestId('runs-count').textContent()
    const shown = Number(/^(\d+) of (\d+)/.exec(count!)![1])
    expect(shown).toBeGreaterThan(0)
    expect(shown).toBeLessThan(RUNS)
    expect(await page.getByTestId('brushed').textContent()).toContain(`${shown} of ${RUNS} runs in the ranges on hiddenSize`)
    const headers = await page.locator('[data-testid=compare-table] thead th').allTextContents()
    const i = headers.findIndex((h) => h.trim() === 'hiddenSize')
    const sizes = (await page.locator(`[data-testid=compare-table] tbody tr td:nth-child(${i + 1})`).allTextContents()).map(Number)
    expect(sizes.every((h) => h >= 32)).toBe(true)
    expect(await svg.locator('polyline.faded').count()).toBe(RUNS - shown)
    await page.getByTestId('clear-brushes').click()
    await expect.poll(() => page.getByTestId('runs-count').textContent()).toBe(`${RUNS} of ${RUNS} runs`)
    expect(errors).toEqual([])
  })

  it('opens a run\'s page by deep link: every setting, its curves, gradient flow and figures', async () => {
    const other = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    const otherErrors = collectErrors(other)
    await other.goto(`${serve.url}#/run/1/5`)
    await other.getByTestId('run-title').waitFor()
    expect(await other.getByTestId('run-title').textContent()).toMatch(/^Run 5 of sweep #1: /)
    const settings = await other.getByTestId('run-settings').locator('th').allTextContents()
    for (const k of ['task', 'cell', 'backend', 'hiddenSize', 'seqLen', 'lr', 'seed', 'steps']) expect(settings, k).toContain(k)
    expect(await other.getByTestId('run-figures').textContent()).toContain('parameters')
    for (const id of ['run-loss', 'run-metric']) {
      await other.getByTestId(`canvas-${id}`).waitFor()
      await expect.poll(() => paintedPixels(other, `[data-testid=canvas-${id}]`), { message: id }).toBeGreaterThan(2000)
    }
    await other.getByTestId('run-gradflow').locator('canvas').waitFor()
    await other.getByTestId('run-next').click()
    await expect.poll(() => new URL(other.url()).hash).toBe('#/run/1/6')
    await expect.poll(() => other.getByTestId('run-title').textContent()).toMatch(/^Run 6 of sweep #1: /)
    await other.goto(`${serve.url}#/run/1/99`)
    await other.getByTestId('run-missing').waitFor()
    expect(await other.getByTestId('run-missing').textContent()).toContain('Run 99 of sweep #1 not found: the sweep has 36 runs.')
    expect(otherErrors).toEqual([])
    await other.close()
  })

  it('shows a sweep the CLI runs, live, without a reload, and will not start another meanwhile', async () => {
    await page.goto(`${serve.url}#/history`)
    await page.getByTestId('sweep-1').waitFor()
    const spec = join(dir, 'cli.json')
    writeFileSync(spec, JSON.stringify({ name: 'from the CLI', workers: 1, settings: { task: 'adding', seqLen: 8, hiddenSize: 8, batchSize: 8 }, axes: { cell: ['lstm', 'gru'] }, budget: { steps: 0, seconds: 4 } }))
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'rnnbench.mjs'), 'sweep', spec, '--db', db], { cwd: repoRoot, stdio: 'ignore' })
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    await page.getByTestId('sweep-2').waitFor() // no reload
    expect(await page.getByTestId('sweep-2').textContent()).toContain('from the CLI')
    await expect.poll(() => page.getByTestId('sweep-2').textContent()).toContain('running in')
    await page.getByTestId('running-dot').waitFor()
    await page.getByTestId('nav-builder').click()
    await page.getByTestId('start-blocked').waitFor()
    expect(await page.getByTestId('start-blocked').textContent()).toMatch(/^Sweep #2 is running in .*one sweep at a time keeps timings honest\.$/)
    expect(await page.getByTestId('start').isDisabled()).toBe(true)
    await page.getByTestId('nav-history').click()
    await page.getByRole('row', { name: /from the CLI/ }).getByRole('button', { name: 'runs' }).click()
    await page.getByTestId('live-elsewhere').waitFor()
    expect(await exited).toBe(0)
    await expect.poll(() => page.getByTestId('live-counts').textContent()).toMatch(/^\s*2 done/)
    await expect.poll(() => page.getByTestId('live-elsewhere').count()).toBe(0)
    await page.getByTestId('nav-builder').click()
    await expect.poll(() => page.getByTestId('start').isDisabled()).toBe(false)
    expect(errors).toEqual([])
  }, 90_000)

  for (const scheme of ['light', 'dark'] as const) {
    it(`lays every view out without overlap at 1440×900 and 1024×700, ${scheme}, and screenshots each`, async () => {
      const views: Array<[string, string, string]> = [
        ['builder', '#/builder', 'plan-runs'], ['live', '#/live/1', 'live-runs'], ['compare', '#/compare/1', 'parallel-svg'],
        ['history', '#/history', 'history'], ['run', '#/run/1/5', 'canvas-run-loss'],
      ]
      for (const [width, height] of [[1440, 900], [1024, 700]]) {
        const p = await browser.newPage({ viewport: { width, height }, colorScheme: scheme })
        const pErrors = collectErrors(p)
        for (const [view, hash, ready] of views) {
          await p.goto(`${serve.url}${hash}`)
          await p.getByTestId(ready).first().waitFor()
          await p.waitForTimeout(400) // charts draw a task after the view
          expect(await overlaps(p), `${view} at ${width}×${height}, ${scheme}`).toEqual([])
          await p.screenshot({ path: join(SCREENSHOTS, `${view}-${scheme}-${width}.png`), fullPage: true })
        }
        expect(pErrors).toEqual([])
        await p.close()
      }
    }, 120_000)
  }
})
