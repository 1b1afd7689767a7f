import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'vitest'
import { launchBrowser, overlaps, startServe } from './helpers/browser'
import { largeSweep } from './helpers/synthetic-sweep'

it('shots', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dbg-'))
  const db = join(dir, 'v.sqlite')
  largeSweep(db, 36, 60)
  const serve = await startServe(db)
  const browser = await launchBrowser()
  for (const [w, h, scheme] of (process.env.SIZES ?? '1440x900xlight').split(',').map((s) => s.split('x'))) {
    const p = await browser.newPage({ viewport: { width: Number(w), height: Number(h) }, colorScheme: scheme as 'light' })
    for (const hash of (process.env.HASHES ?? '#/compare/1').split(',')) {
      await p.goto(serve.url + hash)
      await p.waitForTimeout(1500)
      console.log(hash, w, scheme, JSON.stringify(await overlaps(p), null, 1))
      await p.screenshot({ path: `/tmp/dbg/${hash.replace(/\W+/g, '_')}-${w}-${scheme}.png`, fullPage: true })
    }
  }
  await browser.close(); await serve.stop()
}, 120000)
