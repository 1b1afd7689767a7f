// Headless Chromium for what only a browser can make: the PDF of the HTML report, and its charts
// as PNG files for the Markdown report. Found at $RNNBENCH_CHROMIUM or the usual places; where
// there is none, the caller says so and what to do instead.

import { existsSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { InputError } from '../engine/errors'

/** Where Chrome, Chromium or Edge live on each platform, in the order they are tried. */
export function chromiumCandidates(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r): r is string => Boolean(r))
    const win = (...parts: string[]) => roots.map((r) => [r, ...parts].join('\\'))
    return [...win('Google', 'Chrome', 'Application', 'chrome.exe'), ...win('Chromium', 'Application', 'chrome.exe'), ...win('Microsoft', 'Edge', 'Application', 'msedge.exe')]
  }
  if (platform === 'darwin') {
    return ['Google Chrome.app/Contents/MacOS/Google Chrome', 'Chromium.app/Contents/MacOS/Chromium', 'Microsoft Edge.app/Contents/MacOS/Microsoft Edge']
      .flatMap((app) => ['/Applications', `${env.HOME ?? ''}/Applications`].map((dir) => `${dir}/${app}`))
  }
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/opt/google/chrome/chrome', '/usr/bin/microsoft-edge', '/usr/bin/microsoft-edge-stable']
}

/** $RNNBENCH_CHROMIUM when set (and there), else the first browser found where this platform keeps them. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, exists: (p: string) => boolean = existsSync): string | null {
  if (env.RNNBENCH_CHROMIUM) return exists(env.RNNBENCH_CHROMIUM) ? env.RNNBENCH_CHROMIUM : null
  return chromiumCandidates(platform, env).find((p) => exists(p)) ?? null
}

const NO_CHROMIUM = 'needs Chrome, Chromium or Edge, and none was found (install one, such as Debian\'s chromium, or set RNNBENCH_CHROMIUM to its path)'

/**
 * No browser to print or draw with: the user can fix it (install one, or export HTML instead), so
 * it is an InputError on the export's format, the same in the CLI (exit 2) and the app.
 */
export class ChromiumMissing extends InputError {
  /** Why, without what it stopped: "needs Chrome, Chromium or Edge, and none was found (…)". */
  readonly reason = NO_CHROMIUM
  constructor(readonly what: string, field = 'format') {
    super(field, `${what} ${NO_CHROMIUM}; export HTML instead and print it from a browser`)
  }
}

/** playwright-core, which drives the browser, is an optional dependency and is not installed. */
export class PlaywrightMissing extends InputError {
  readonly reason = 'needs the npm package playwright-core, which is not installed (npm install playwright-core)'
  constructor(field = 'format') {
    super(field, 'PDF export and the Markdown report\'s charts need the npm package playwright-core, which is not installed (npm install playwright-core); export HTML instead')
  }
}

/** Opens the report in headless Chromium, waits for its charts, and hands the page to `use`. */
async function withReportPage<T>(html: string, use: (page: Page) => Promise<T>): Promise<T> {
  const executablePath = findChromium()
  if (!executablePath) throw new ChromiumMissing('this export')
  let chromium: typeof import('playwright-core').chromium
  try {
    ({ chromium } = await import('playwright-core'))
  } catch {
    // An optional dependency: the app works without it, but a browser cannot be driven.
    throw new PlaywrightMissing()
  }
  const browser = await chromium.launch({
    executablePath,
    // No network at all: the report must not need it, and these flags keep Chromium's own
    // background connections from being attempted.
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
    await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()))
    await page.setContent(html, { waitUntil: 'load' })
    await page.waitForFunction(() => (window as { rnnbenchReportReady?: boolean }).rnnbenchReportReady === true, undefined, { timeout: 60_000 })
    return await use(page)
  } finally {
    await browser.close()
  }
}

export function htmlToPdf(html: string): Promise<Buffer> {
  return withReportPage(html, (page) => page.pdf({ format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } }))
}

/** Every chart of the report as PNG, keyed by its data-chart and data-task: canvases as drawn, the SVG ones (parallel coordinates) as screenshots. */
export function chartsToPng(html: string): Promise<Array<{ chart: string; task?: string; png: Buffer }>> {
  return withReportPage(html, async (page) => {
    const out: Array<{ chart: string; task?: string; png: Buffer }> = []
    for (const element of await page.$$('[data-chart]')) {
      const chart = (await element.getAttribute('data-chart'))!
      const task = (await element.getAttribute('data-task')) ?? undefined
      const url = await element.evaluate((c) => (c instanceof HTMLCanvasElement ? c.toDataURL('image/png') : null))
      const png = url ? Buffer.from(url.slice(url.indexOf(',') + 1), 'base64') : await element.screenshot({ type: 'png' })
      out.push({ chart, task, png })
    }
    return out
  })
}
