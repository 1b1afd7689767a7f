// docs/SWEEP-SPEC.md's tables of settings and tasks are generated from the registries
// (src-shared/settings.ts, src-shared/tasks.ts): this test regenerates them and compares them with
// the committed file, so a setting or task added, or a range or default changed, fails here until
// the docs say the same. To regenerate: RNNBENCH_UPDATE_DOCS=1 npx vitest run test/docs/spec-tables.test.ts

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { settingsTableMarkdown, SETTING_NAMES } from '../../src-shared/settings'
import { tasksTableMarkdown, TASKS } from '../../src-shared/tasks'
import { repoRoot } from '../helpers/cli'

const DOC = join(repoRoot, 'docs/SWEEP-SPEC.md')

/** The text between a block's markers, or null where the markers are missing. */
export function generatedBlock(doc: string, name: string): string | null {
  const m = new RegExp(`<!-- ${name}: generated[^>]*-->\\n([\\s\\S]*?)\\n<!-- end of ${name} -->`).exec(doc)
  return m ? m[1] : null
}

function replaceBlock(doc: string, name: string, body: string): string {
  return doc.replace(new RegExp(`(<!-- ${name}: generated[^>]*-->\\n)[\\s\\S]*?(\\n<!-- end of ${name} -->)`), (_, open, close) => `${open}${body}${close}`)
}

const BLOCKS = { 'settings table': settingsTableMarkdown, 'tasks table': tasksTableMarkdown }

describe('docs/SWEEP-SPEC.md, generated from the registries', () => {
  if (process.env.RNNBENCH_UPDATE_DOCS) {
    let doc = readFileSync(DOC, 'utf8')
    for (const [name, make] of Object.entries(BLOCKS)) doc = replaceBlock(doc, name, make())
    writeFileSync(DOC, doc)
  }
  const doc = readFileSync(DOC, 'utf8')

  it.each(Object.keys(BLOCKS))('has the %s the registry generates (regenerate with RNNBENCH_UPDATE_DOCS=1)', (name) => {
    const committed = generatedBlock(doc, name)
    expect(committed, `docs/SWEEP-SPEC.md lacks the markers of the ${name}`).not.toBeNull()
    expect(committed).toBe(BLOCKS[name as keyof typeof BLOCKS]())
  })

  it('names every setting and every task once, so a new one cannot be left out', () => {
    const settings = generatedBlock(doc, 'settings table') ?? ''
    for (const k of SETTING_NAMES) expect(settings.split('\n').filter((l) => l.startsWith(`| \`${k}\` |`)), k).toHaveLength(1)
    const tasks = generatedBlock(doc, 'tasks table') ?? ''
    for (const t of Object.keys(TASKS)) expect(tasks.split('\n').filter((l) => l.startsWith(`| \`${t}\` |`)), t).toHaveLength(1)
  })

  it('would catch a table that drifted from the registry', () => {
    const drifted = replaceBlock(doc, 'settings table', settingsTableMarkdown().replace('from 1 to 16', 'from 1 to 32'))
    expect(generatedBlock(drifted, 'settings table')).not.toBe(settingsTableMarkdown())
  })
})
