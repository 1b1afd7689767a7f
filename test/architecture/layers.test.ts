// The layers, as a rule the suite enforces: every import in src-shared, src-main and src-renderer
// is read and checked against where its file may run.
// - src-shared/ runs anywhere (renderer, main, workers, CLI): it imports only itself.
// - src-main/engine/ is the engine: it imports no store, app, IPC, serve, CLI, workers, reports,
//   Electron or renderer code, so the same code runs in Electron, workers, the CLI and tests.
// - src-renderer/ imports values only from itself, src-shared, the IPC contract (types and the
//   channel list) and its npm packages; it may import types from the main process's data shapes
//   (erased when built).
// - Only src-main/electron and src-main/preload import Electron, and nothing else imports them.
// - The store, the IPC layer and the reports never reach up into the app, serve, CLI or workers.

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../helpers/cli'

interface Import { from: string; spec: string; target: string | null; typeOnly: boolean }

/** Every import of a TypeScript or Svelte source, with its resolved target (null for a package). */
export function importsOf(file: string, text: string): Import[] {
  const out: Import[] = []
  const statement = /(?:^|\n)\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g
  for (const m of text.matchAll(statement)) {
    const spec = m[4] ?? m[5] ?? m[6]
    const clause = m[3] ?? ''
    const inlineTypes = /^\{[^}]*\}$/.test(clause.trim()) && clause.replace(/[{}\s]/g, '').split(',').filter(Boolean).every((s) => s.startsWith('type'))
    const dynamicType = m[6] !== undefined && /typeof\s*$/.test(text.slice(Math.max(0, (m.index ?? 0) - 10), m.index ?? 0))
    out.push({ from: file, spec, target: spec.startsWith('.') ? normalize(join(dirname(file), spec)) : null, typeOnly: Boolean(m[2]) || inlineTypes || dynamicType })
  }
  return out
}

/** Which layer a repository path belongs to. */
export function layerOf(path: string): string {
  if (path.startsWith('src-shared/')) return 'shared'
  if (path.startsWith('src-renderer/')) return 'renderer'
  const m = /^src-main\/([^/]+)\//.exec(path)
  if (!m) return 'other'
  return m[1] === 'preload' ? 'electron' : m[1]
}

const UP = ['app', 'serve', 'cli', 'workers', 'electron', 'renderer']
const FORBIDDEN: Record<string, string[]> = {
  shared: ['engine', 'store', 'reports', 'ipc', ...UP],
  engine: ['store', 'reports', 'ipc', ...UP],
  store: UP,
  ipc: UP,
  reports: UP,
}

/** The rule's breaches among these imports, in words. */
export function violations(imports: Import[]): string[] {
  const out: string[] = []
  for (const i of imports) {
    const from = layerOf(i.from)
    if (i.spec === 'electron' && from !== 'electron') out.push(`${i.from} imports Electron; only src-main/electron and src-main/preload may`)
    if (!i.target) continue
    const to = layerOf(i.target)
    if (to === from || to === 'other') continue
    if ((FORBIDDEN[from] ?? []).includes(to)) out.push(`${i.from} (${from}) imports ${i.spec} (${to})`)
    // The IPC contract is the one main-process file the renderer reads values from: types and the channel list only.
    if (from === 'renderer' && to !== 'shared' && !i.typeOnly && i.target !== 'src-main/ipc/contract') out.push(`${i.from} (renderer) imports a value from ${i.spec} (${to}); the renderer takes values from src-shared only`)
    if (to === 'electron' && from !== 'electron') out.push(`${i.from} (${from}) imports ${i.spec}, Electron's main process`)
  }
  return out
}

function sources(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(join(repoRoot, dir))) {
    const path = join(dir, name)
    if (statSync(join(repoRoot, path)).isDirectory()) out.push(...sources(path))
    else if (/\.(ts|svelte)$/.test(name)) out.push(path)
  }
  return out
}

describe('the layers', () => {
  const files = ['src-shared', 'src-main', 'src-renderer'].flatMap(sources)
  const imports = files.flatMap((f) => importsOf(relative(repoRoot, join(repoRoot, f)), readFileSync(join(repoRoot, f), 'utf8')))

  it('reads the imports of every source file', () => {
    expect(files.length).toBeGreaterThan(100)
    expect(imports.length).toBeGreaterThan(500)
  })

  it('are kept: no import crosses a layer the wrong way', () => {
    expect(violations(imports)).toEqual([])
  })

  it('would catch a breach of each kind', () => {
    const probe = (from: string, text: string) => violations(importsOf(from, text))
    expect(probe('src-main/engine/training.ts', "import { Store } from '../store/store'")).toHaveLength(1)
    expect(probe('src-main/engine/training.ts', "import type { Store } from '../store/store'")).toHaveLength(1)
    expect(probe('src-renderer/src/api.ts', "import { planSweep } from '../../src-main/app/planning'")).toHaveLength(1)
    expect(probe('src-renderer/src/api.ts', "import type { SweepSpec } from '../../src-main/engine/sweep/spec'")).toEqual([])
    expect(probe('src-renderer/src/api.ts', "import { type SweepSpec, parseSweepSpec } from '../../src-main/engine/sweep/spec'")).toHaveLength(1)
    expect(probe('src-main/serve/server.ts', "import { CONTENT_SECURITY_POLICY } from '../electron/security'")).toHaveLength(1)
    expect(probe('src-main/reports/html.ts', "import { app } from 'electron'")).toHaveLength(1)
    expect(probe('src-shared/format.ts', "import type { RunFigures } from '../src-main/engine/training'")).toHaveLength(1)
    expect(probe('src-main/ipc/dispatch.ts', "import type { Handlers } from '../app/service'")).toHaveLength(1)
  })
})
