// The answer first, in Debian's Chromium against `rnnbench serve`, as a new user meets it: the
// scoreboard holds every task question's answer on the first 1024×768 screen, in both schemes, with
// each backend's timing caveat said once; the runs table filters by value (H=64, lr<0.01) and a
// reload restores its sort and filters; a bad run link says "not found"; the primary button and
// the series colours pass WCAG AA in both schemes; two sweeps compare as one with pairs from both;
// and the live chart has its lines drawn in every sample taken while a sweep runs.

import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserUnavailable, collectErrors, launchBrowser, SCREENSHOTS, startServe, type ServeProcess } from '../helpers/browser'
import { repoRoot } from '../helpers/cli'
import { contrast } from '../helpers/contrast'
import { Store } from '../../src-main/store/store'
import { loadSweep } from '../../src-main/store/load'
import { sweepVerdicts } from '../../src-main/reports/sweep-verdicts'
import { paretoChart, styling } from '../../src-renderer/src/compare/charts'
import { baselineText } from '../../src-renderer/src/compare/runs-table'
import type { FinishedRun } from '../../src-renderer/src/compare/analysis'

const unavailable = browserUnavailable()
const cli = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin', 'rnnbench.mjs'), ...args], { encoding: 'utf8', timeout: 290_000, maxBuffer: 64 << 20 })

/** Pixels of a canvas that are coloured (a series), not grey (axes, grid, text) or blank. */
function colouredPixels(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (canvas) => {
    const c = canvas as HTMLCanvasElement
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
    let n = 0
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 100 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) n++
    return n
  })
}
/** The text a reader can see: text nodes whose element is rendered (not inside a closed <details>, not display: none). */
const visibleText = (page: Page) => page.evaluate(() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
  let out = ''
  const shown = (e: Element) => {
    const closed = e.closest('details:not([open])')
    return e.checkVisibility() && (!closed || e.closest('summary')?.parentElement === closed)
  }
  for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.parentElement && shown(n.parentElement)) out += n.textContent
  return out
})
/** The next sample: at the page's next frame. */
const nextFrame = (page: Page) => page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => r())))

describe('the answer first (rnnbench serve in Chromium)', () => {
  if (unavailable) {
    console.warn(`[rnnbench tests] browser tests skipped: ${unavailable}`)
    it(`is skipped here: ${unavailable}`, (ctx) => ctx.skip(unavailable))
    return
  }

  let dir: string, db: string, serve: ServeProcess, browser: Browser
  const spec = (name: string, body: object) => { const f = join(dir, `${name}.json`); writeFileSync(f, JSON.stringify({ name, strategy: 'grid', seed: 1, ...body })); return f }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rnnbench-answer-'))
    db = join(dir, 'answer.sqlite')
    // #1: the quick preset, with more workers than cores so that its step times carry a caveat.
    const quick = cli(['sweep', '--preset', 'quick', '--db', db, '--workers', '3', '--oversubscribe'])
    expect(quick.status, quick.stderr).toBe(0)
    // #2: sentiment, built as the user built it (cells × sizes × learning rates, one repeat).
    const sentiment = cli(['sweep', spec('sentiment', { repeats: 1, settings: { task: 'sentiment', backend: 'cpu-native' }, axes: { cell: ['lstm', 'gru', 'rnn_tanh'], hiddenSize: [16, 64], lr: [0.003, 0.03] }, budget: { steps: 120 } }), '--db', db])
    expect(sentiment.status, sentiment.stderr).toBe(0)
    // #3 and #4: the same design run for LSTM on one day and for GRU on another.
    for (const cell of ['lstm', 'gru']) {
      const r = cli(['sweep', spec(`sentiment ${cell}`, { repeats: 3, settings: { task: 'sentiment', backend: 'cpu-native', cell }, axes: { hiddenSize: [16, 32] }, budget: { steps: 40 } }), '--db', db])
      expect(r.status, r.stderr).toBe(0)
    }
    serve = await startServe(db, ['--workers', '2'])
    browser = await launchBrowser()
  }, 600_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  async function open(route: string, viewport = { width: 1024, height: 768 }, colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport, colorScheme })
    const errors = collectErrors(page)
    await page.goto(serve.url.replace(/#.*$/, '') + route)
    return { page, errors }
  }

  it('holds every task question\'s answer on the first 1024×768 screen, light and dark, with each backend\'s caveat once', async () => {
    const verdicts = JSON.parse(cli(['verdicts', '--db', db, '--sweep', '1', '--json']).stdout) as { questions: Array<{ id: string; task: string | null; caveats: Record<string, string> | null; verdicts: Array<{ sentence: string; caveat: string | null }> }> }
    const taskQuestions = verdicts.questions.filter((q) => q.task !== null)
    expect(taskQuestions.length).toBeGreaterThanOrEqual(4) // adding and airline, at equal steps and in equal time
    for (const scheme of ['light', 'dark'] as const) {
      for (const viewport of [{ width: 1024, height: 768 }, { width: 1440, height: 900 }]) {
        const { page, errors } = await open('#/compare/1', viewport, scheme)
        await page.getByTestId('score-row').first().waitFor()
        const rows = await page.getByTestId('score-row').evaluateAll((els) => els.map((e) => ({ key: e.getAttribute('data-key')!, bottom: e.getBoundingClientRect().bottom, answer: e.querySelector('[data-testid=score-answer]')!.textContent!.trim() })))
        // one row per task question (per backend where the question is answered per engine), every one on the first screen
        for (const q of taskQuestions) {
          const mine = rows.filter((r) => r.key === q.id || r.key.startsWith(`${q.id}|`))
          expect(mine.length, q.id).toBeGreaterThan(0)
          for (const r of mine) {
            expect(r.bottom, `${r.key} at ${viewport.width}×${viewport.height}`).toBeLessThanOrEqual(viewport.height)
            expect(r.answer).not.toBe('')
          }
        }
        // the timing caveat: said once per backend on the page, never in every sentence
        const speed = verdicts.questions.find((q) => q.id === 'step-time')!
        const caveats = Object.entries(speed.caveats ?? {})
        expect(caveats.map(([b]) => b).sort()).toEqual(['cpu-js', 'cpu-native']) // each timed beside more runs than cores
        // (two backends' caveats may read alike: each is looked for under its own backend's name)
        const count = (text: string) => caveats.map(([b, c]) => text.split(`${b}): ${c}.`).length - 1)
        expect(count(await visibleText(page)), 'on the first view').toEqual([1, 1])
        // and the full sentences, opened, say it once per backend too, never in each sentence
        await page.locator('[data-testid=verdict-sentences] > summary').click()
        const panel = await page.getByTestId('verdict-panel').innerText()
        expect(count(panel), 'in the full sentences').toEqual([1, 1])
        for (const v of speed.verdicts.filter((x) => x.caveat)) expect(panel).not.toContain(`Caveat: ${v.caveat}`)
        await page.screenshot({ path: join(SCREENSHOTS, `compare-quick-${viewport.width}-${scheme}.png`) })
        expect(errors).toEqual([])
        await page.close()
      }
    }
  }, 300_000)

  it('filters the runs table by H=64 and lr<0.01, and a reload restores the sort and the filters', async () => {
    const runs = JSON.parse(cli(['runs', '--db', db, '--sweep', '2', '--json']).stdout) as Array<{ index: number; config: { hiddenSize: number; lr: number } }>
    const { page, errors } = await open('#/runs/2', { width: 1440, height: 900 })
    const table = page.getByTestId('compare-table')
    await table.locator('tbody tr').first().waitFor()
    const shownNumbers = async () => (await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-run'))))).sort((a, b) => a - b)
    const expected = (keep: (c: { hiddenSize: number; lr: number }) => boolean) => runs.filter((r) => keep(r.config)).map((r) => r.index + 1).sort((a, b) => a - b)
    expect(await shownNumbers()).toEqual(expected(() => true))
    await page.getByTestId('runs-search').fill('H=64')
    expect(await shownNumbers()).toEqual(expected((c) => c.hiddenSize === 64))
    await page.getByTestId('runs-search').fill('lr<0.01')
    expect(await shownNumbers()).toEqual(expected((c) => c.lr < 0.01))
    await page.getByTestId('runs-search').fill('H=64 lr<0.01')
    expect(await shownNumbers()).toEqual(expected((c) => c.hiddenSize === 64 && c.lr < 0.01))
    // sort by step time, slowest first
    await page.getByTestId('sort-stepMs').click()
    await page.getByTestId('sort-stepMs').click()
    const order = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run')))
    await page.screenshot({ path: join(SCREENSHOTS, 'runs-table-1440-light.png') })
    await page.reload()
    await table.locator('tbody tr').first().waitFor()
    expect(await page.getByTestId('runs-search').inputValue()).toBe('H=64 lr<0.01')
    expect(await page.locator('th[aria-sort=descending]').textContent()).toContain('ms/step')
    expect(await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run')))).toEqual(order)
    // a term it cannot read says so, in one line
    await page.getByTestId('runs-search').fill('Q=3')
    expect(await page.getByTestId('runs-search-error').textContent()).toMatch(/"Q=3": no column "Q"/)
    expect(errors).toEqual([])
    await page.close()
  })

  it('agrees on which runs beat the baseline, run by run, in the verdicts, the Pareto front and the runs table (the quick preset and a sentiment sweep)', () => {
    const store = new Store(db)
    try {
      for (const sweepId of [1, 2]) {
        const loaded = loadSweep(store, sweepId, 'verdicts')
        const report = sweepVerdicts(loaded, 'hidden')
        const runs = loaded.runs.filter((r) => r.figures) as unknown as FinishedRun[]
        for (const task of new Set(runs.map((r) => r.config.task))) {
          const ofTask = runs.filter((r) => r.config.task === task)
          const q = report.questions.find((x) => x.id === `metric-${task}`)!
          const judged = new Set(q.verdicts.flatMap((v) => v.baseline!.flatMap((b) => [...b.trivial.beatRunIds])))
          const inPairs = new Set(q.verdicts.flatMap((v) => v.baseline!.flatMap((b) => [...b.trivial.judgedRunIds])))
          expect(inPairs.size).toBeGreaterThan(0)
          const front = new Set(paretoChart(ofTask, 'time', styling(ofTask, 'cell'))!.learned.map((r) => r.id))
          const table = new Set(ofTask.filter((r) => baselineText(r, 'trivial').startsWith('yes')).map((r) => r.id))
          // every run the verdicts judged: beaten in the verdicts exactly when the front and the table say so
          for (const id of inPairs) expect([front.has(id), table.has(id)], `sweep ${sweepId}, ${task}, run ${id}`).toEqual([judged.has(id), judged.has(id)])
          expect(front).toEqual(table)
        }
      }
    } finally {
      store.close()
    }
  })

  it('says "not found" for a bad run link instead of opening another view', async () => {
    const { page, errors } = await open('#/run/99/5')
    expect(await page.getByTestId('not-found').textContent()).toMatch(/^Run 5 of sweep #99 not found: there is no sweep #99/)
    await page.goto(serve.url.replace(/#.*$/, '') + '#/run/2/999')
    expect(await page.getByTestId('run-missing').textContent()).toMatch(/^Run 999 of sweep #2 not found: the sweep has 12 runs/)
    expect(errors).toEqual([])
    await page.close()
  })

  it('passes WCAG AA in both schemes: the primary button at 4.5:1, the series colours at 3:1', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { page, errors } = await open('#/compare/2', { width: 1440, height: 900 }, scheme)
      await page.getByTestId('legend-step-time').waitFor()
      const series = await page.locator('[data-testid^=legend-] svg line').evaluateAll((lines) => lines.map((l) => getComputedStyle(l).stroke))
      const panel = await page.getByTestId('chart-step-time').evaluate((e) => getComputedStyle(e).backgroundColor)
      expect(series.length).toBeGreaterThan(2)
      for (const c of series) expect(contrast(c, panel), `${c} on ${panel} (${scheme})`).toBeGreaterThanOrEqual(3)
      await page.getByTestId('nav-builder').click()
      const button = await page.getByTestId('start').evaluate((b) => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor])
      expect(contrast(button[0], button[1]), `primary button ${button.join(' on ')} (${scheme})`).toBeGreaterThanOrEqual(4.5)
      expect(errors).toEqual([])
      await page.close()
    }
  })

  it('compares two sweeps in one view, with verdicts over pairs that join them', async () => {
    const { page, errors } = await open('#/history', { width: 1440, height: 900 })
    await page.getByTestId('pick-3').check()
    await page.getByTestId('pick-4').check()
    await page.getByTestId('compare-picked').click()
    expect(await page.getByTestId('scoreboard-sweeps').textContent()).toBe('Runs of sweeps #3 and #4, compared as one.')
    expect(page.url()).toContain('#/compare/3,4')
    const speed = page.locator('[data-testid=score-row][data-key=step-time]')
    await speed.getByTestId('score-comparison').first().click()
    const pairs = page.getByTestId('score-pair')
    // 2 sizes × 3 seeds, less the pairs a busy machine left too contended to judge (said by the verdict)
    const joined = JSON.parse(cli(['verdicts', '--db', db, '--sweep', '3,4', '--json']).stdout) as { questions: Array<{ id: string; verdicts: Array<{ pairs: number; contention: { leftOut: number } }> }> }
    const [first] = joined.questions.find((q) => q.id === 'step-time')!.verdicts
    expect(first.pairs + first.contention.leftOut).toBe(6)
    expect(await pairs.count()).toBe(first.pairs)
    for (const t of await page.getByTestId('pair-sweeps').allTextContents()) expect(['#4 · #3', '#3 · #4']).toContain(t.trim())
    if (first.pairs) expect(await page.getByTestId('score-detail').textContent()).toMatch(new RegExp(`Pairs by sweep: ${first.pairs} of (GRU|LSTM) from sweep #\\d against (LSTM|GRU) from #\\d\\.`))
    await page.screenshot({ path: join(SCREENSHOTS, 'compare-two-sweeps-1440-light.png'), fullPage: false })
    // the same in the CLI
    const both = JSON.parse(cli(['verdicts', '--db', db, '--sweep', '3,4', '--json']).stdout) as { sweeps: number[] }
    expect(both.sweeps).toEqual([3, 4])
    expect(errors).toEqual([])
    await page.close()
  })

  it('draws the live chart\'s lines in every sample taken while a sweep runs', async () => {
    const { page, errors } = await open('#/history', { width: 1024, height: 768 })
    await page.getByTestId('history').waitFor()
    // Started as the builder starts one, through the app's own API.
    const live = { name: 'live sample', strategy: 'grid', repeats: 2, seed: 1, settings: { task: 'adding', seqLen: 30, backend: 'cpu-js' }, axes: { cell: ['lstm', 'gru', 'rnn_tanh'] }, budget: { steps: 200 } }
    const started = await page.evaluate(async (s) => {
      const res = await fetch('/api/startSweep', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Rnnbench-Token': sessionStorage.getItem('rnnbench-token') ?? '' }, body: JSON.stringify([s, null]) })
      return (await res.json()) as { ok: boolean; value: { sweepId: number } }
    }, live)
    expect(started.ok).toBe(true)
    await page.evaluate((id) => { location.hash = `#/live/${id}` }, started.value.sweepId)
    const canvas = '[data-testid=canvas-live-loss]'
    await page.locator(canvas).waitFor({ state: 'attached' }) // hidden until the first run reports
    // The sweep's counts as the server knows them (not as the page shows them: a page that missed
    // the end would keep this loop going until the test's limit, saying nothing).
    const call = (channel: string, args: unknown[]) => page.evaluate(async ([c, a]) => {
      const res = await fetch(`/api/${c}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Rnnbench-Token': sessionStorage.getItem('rnnbench-token') ?? '' }, body: JSON.stringify(a) })
      return res.json()
    }, [channel, args] as const)
    const counts = async () => ((await call('getSweep', [started.value.sweepId])) as { value: { sweep: { counts: { running: number; pending: number } } } }).value.sweep.counts
    const running = async () => { const c = await counts(); return c.running + c.pending > 0 }
    // From the first line drawn to the sweep's end, every frame sampled has its lines. Sampling
    // stops at the end or after ENOUGH samples, whichever is first (then the sweep is cancelled):
    // on a machine busy enough to slow the sweep tenfold, its length is not what is tested.
    const ENOUGH = 300
    while ((await colouredPixels(page, canvas)) === 0 && (await running())) await nextFrame(page)
    const samples: number[] = []
    while (samples.length < ENOUGH && (await running())) {
      samples.push(await colouredPixels(page, canvas))
      if (samples.length === 40) await page.screenshot({ path: join(SCREENSHOTS, 'live-running-1024-light.png') })
      await nextFrame(page)
    }
    console.log(`[rnnbench e2e] live chart: ${samples.length} samples while the sweep ran, ${samples.filter((n) => n === 0).length} blank; counts then ${JSON.stringify(await counts())}`)
    expect(samples.length).toBeGreaterThanOrEqual(20)
    expect(samples.filter((n) => n === 0)).toEqual([])
    if (await running()) {
      expect(await call('cancelSweep', [started.value.sweepId])).toMatchObject({ ok: true })
      await expect.poll(async () => (await counts()).running).toBe(0)
    }
    // And the page says no run is running, once the server does.
    await expect.poll(() => page.getByTestId('live-counts').textContent()).toMatch(/ 0 running · /)
    expect(errors).toEqual([])
    await page.close()
  }, 600_000) // a sweep's own pace on a machine the rest of the suite shares
})
