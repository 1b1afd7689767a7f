// End-to-end tests drive Debian's Chromium through playwright-core against `rnnbench serve`, as a
// user would. Where Chromium is missing the tests are skipped with the reason printed.

import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { chromium, type Browser, type Page } from 'playwright-core'
import { repoRoot } from './cli'

export const CHROMIUM = process.env.RNNBENCH_CHROMIUM ?? '/usr/bin/chromium'

/** Why the browser tests cannot run here, or null when they can. */
export function browserUnavailable(): string | null {
  return existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set RNNBENCH_CHROMIUM)`
}

/** Screenshots go to test-artifacts/screenshots, or where RNNBENCH_SCREENSHOTS says (docs/screenshots to refresh the docs). */
export const SCREENSHOTS = process.env.RNNBENCH_SCREENSHOTS ?? join(repoRoot, 'test-artifacts', 'screenshots')

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  // The flags this machine's closed network needs (no background connections), headless, as root.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  // Every wait on a page waits for its event, however long a busy machine takes: playwright's
  // own 30 s limit on each wait failed CI while the rest of the suite held both cores. The test's
  // own timeout is what ends a wait for something that never comes.
  const newPage = browser.newPage.bind(browser)
  browser.newPage = async (...args) => {
    const page = await newPage(...args)
    page.setDefaultTimeout(0)
    page.setDefaultNavigationTimeout(0)
    return page
  }
  return browser
}

/** Console errors and uncaught exceptions of a page, collected for the test to assert on. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`) })
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`))
  return errors
}

export interface ServeProcess { url: string; child: ChildProcess; stop(): Promise<void> }

/** `rnnbench serve --port 0` on a database; resolves with the URL it prints. */
export async function startServe(db: string, extra: string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'rnnbench.mjs'), 'serve', '--port', '0', '--db', db, ...extra], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (d) => { stderr += String(d) })
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve)
    child.once('exit', (code) => reject(new Error(`rnnbench serve exited with ${code}: ${stderr}`)))
  })
  return {
    url, child,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGINT')
    }),
  }
}

/** Number of painted (non-transparent, non-white) pixels of a canvas: a chart that drew something. */
export function paintedPixels(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (canvas) => {
    const c = canvas as HTMLCanvasElement
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
    let n = 0
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && (data[i] < 250 || data[i + 1] < 250 || data[i + 2] < 250)) n++
    return n
  })
}

/**
 * Pairs of visible elements whose boxes overlap, neither inside the other: what "no element
 * overlaps another" means, checked from bounding boxes. Boxes are clipped by the scrolling or
 * clipping containers they sit in (a scrolled-away legend entry is not on screen); a pair must
 * overlap by more than 1 px both ways to count. Also reports a page wider than the window.
 */
export function overlaps(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const SELECTOR = 'button, input, select, textarea, label, h1, h2, h3, p, legend, canvas, svg, th, td, a, .panel, fieldset, nav, footer, table'
    type Box = { el: Element; l: number; t: number; r: number; b: number }
    const name = (el: Element) => `${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''} "${(el.textContent ?? '').trim().slice(0, 30)}"`
    const boxes: Box[] = []
    for (const el of document.querySelectorAll(SELECTOR)) {
      if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue
      // A closed <details> keeps its content laid out but not drawn: not on screen.
      const closed = el.closest('details:not([open])')
      if (closed && !el.closest('summary')) continue
      const style = getComputedStyle(el)
      if (style.visibility === 'hidden' || style.display === 'none') continue
      const rect = el.getBoundingClientRect()
      let box = { l: rect.left + scrollX, t: rect.top + scrollY, r: rect.right + scrollX, b: rect.bottom + scrollY }
      for (let p = el.parentElement; p; p = p.parentElement) {
        const ps = getComputedStyle(p)
        if (/(auto|scroll|hidden|clip)/.test(ps.overflowX + ps.overflowY)) {
          const pr = p.getBoundingClientRect()
          box = { l: Math.max(box.l, pr.left + scrollX), t: Math.max(box.t, pr.top + scrollY), r: Math.min(box.r, pr.right + scrollX), b: Math.min(box.b, pr.bottom + scrollY) }
        }
      }
      if (box.r - box.l < 1 || box.b - box.t < 1) continue
      boxes.push({ el, ...box })
    }
    const found: string[] = []
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j]
        if (a.el.contains(b.el) || b.el.contains(a.el)) continue
        const w = Math.min(a.r, b.r) - Math.max(a.l, b.l), h = Math.min(a.b, b.b) - Math.max(a.t, b.t)
        if (w > 1 && h > 1) found.push(`${name(a.el)} overlaps ${name(b.el)} by ${Math.round(w)}×${Math.round(h)} px`)
      }
    }
    if (document.documentElement.scrollWidth > innerWidth + 1) found.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${innerWidth} px window`)
    return found.slice(0, 20)
  })
}
