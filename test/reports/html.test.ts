// The HTML report without a browser: user-typed strings escaped everywhere, the embedded data
// unable to close its element, the inlined script allowed by its exact hash and nothing else.

import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { expandSweep } from '../../src-main/engine/sweep/expand'
import { parseSweepSpec } from '../../src-main/engine/sweep/spec'
import { escapeHtml, jsonForScript, renderHtml } from '../../src-main/reports/html'
import { escapeMarkdown, renderMarkdown } from '../../src-main/reports/markdown'
import { buildReportData } from '../../src-main/reports/report-data'
import { Store } from '../../src-main/store/store'
import { loadSweep } from '../../src-main/store/load'

const EVIL = '</script><img src=x onerror=alert(1)>&"\''

function reportOf(name: string) {
  const store = new Store(':memory:')
  const spec = parseSweepSpec({ name: EVIL, settings: { task: 'adding' }, axes: { cell: ['lstm', 'gru'] }, budget: { steps: 5 } })
  const id = store.createSweep(name, spec, expandSweep(spec))
  return buildReportData(loadSweep(store, id, 'report'), { matching: 'hidden', appVersion: 'test', now: new Date(0) })
}

describe('the HTML report', () => {
  it('escapes what users typed, in text and in the embedded data', () => {
    const html = renderHtml(reportOf(EVIL), 'window.rnnbenchReportReady = true')
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;')
    // the only </script> closings are the two elements' own
    expect(html.match(/<\/script/gi)).toHaveLength(2)
    const data = html.match(/<script type="application\/json" id="rnnbench-report-data">([\s\S]*?)<\/script>/)![1]
    expect(JSON.parse(data).sweep.name).toBe(EVIL)
  })

  it('allows exactly its inlined script, by hash, and no network', () => {
    const script = 'const s = "</script>"; window.rnnbenchReportReady = true'
    const html = renderHtml(reportOf('x'), script)
    const inlined = html.match(/<script>([\s\S]*?)<\/script>/)![1]
    expect(inlined).toBe('const s = "<\\/script>"; window.rnnbenchReportReady = true')
    const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)![1]
    expect(csp).toContain(`script-src 'sha256-${createHash('sha256').update(inlined).digest('base64')}'`)
    expect(csp).toMatch(/^default-src 'none';/)
    expect(csp).not.toMatch(/https?:|connect-src/)
  })

  it('escapes helpers do what they say', () => {
    expect(escapeHtml('<a href="x">&</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;')
    expect(jsonForScript({ s: '</script>\u2028' })).toBe('{"s":"\\u003c/script>\\u2028"}')
    expect(escapeMarkdown('*bold* [link](x) <b>|')).toBe('\\*bold\\* \\[link\\](x) \\<b\\>\\|')
  })

  it('writes Markdown that says why it has no charts', () => {
    const md = renderMarkdown(reportOf(EVIL), { unavailable: 'no Chromium here' })
    expect(md.split('\n')[0]).toBe('# rnnbench report: \\</script\\>\\<img src=x onerror=alert(1)\\>&"\'')
    expect(md).toContain('PNG charts beside this file could not be drawn: no Chromium here.')
  })
})
