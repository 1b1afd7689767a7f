// Contrast, WCAG 2.x: every series colour reaches 3:1 against the chart panel in both schemes (chart
// marks), and the primary button's text, the muted text and the body text reach 4.5:1 against what
// they sit on (text), read from the colour variables App.svelte declares for each scheme. The
// browser test checks the same on the rendered page.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CELL_COLOURS, PALETTE, sequentialColour } from '../../src-renderer/src/charts/styles'
import { repoRoot } from '../helpers/cli'
import { contrast } from '../helpers/contrast'

/** The colour variables of one scheme's block in App.svelte. */
function schemeVariables(which: 'light' | 'dark'): Record<string, string> {
  const css = readFileSync(join(repoRoot, 'src-renderer/src/App.svelte'), 'utf8')
  const block = which === 'light' ? /:global\(:root\) \{([^}]*)\}/.exec(css)![1] : /:global\(:root\[data-theme='dark'\]\) \{([^}]*)\}/.exec(css)![1]
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b/g)].map((m) => [m[1], m[2]]))
}

describe('contrast in both schemes', () => {
  for (const scheme of ['light', 'dark'] as const) {
    const v = schemeVariables(scheme)
    it(`${scheme}: every series colour is at least 3:1 against the panel (${v.panel})`, () => {
      for (const c of [...PALETTE, ...Object.values(CELL_COLOURS)]) expect(contrast(c, v.panel), c).toBeGreaterThanOrEqual(3)
      for (let u = 0; u <= 1; u += 0.05) expect(contrast(sequentialColour(u, 1, scheme === 'dark'), v.panel), `ramp at ${u.toFixed(2)}`).toBeGreaterThanOrEqual(3)
    })
    it(`${scheme}: text is at least 4.5:1 (primary button, muted and body text)`, () => {
      expect(contrast(v['on-accent'], v.accent)).toBeGreaterThanOrEqual(4.5)
      expect(contrast('#ffffff', v['accent-strong'])).toBeGreaterThanOrEqual(4.5) // the significant badge
      expect(contrast(v.muted, v.panel)).toBeGreaterThanOrEqual(4.5)
      expect(contrast(v.text, v.panel)).toBeGreaterThanOrEqual(4.5)
      expect(contrast(v.bad, v.panel)).toBeGreaterThanOrEqual(4.5)
    })
  }
})
