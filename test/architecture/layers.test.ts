// The layers, as an order the suite enforces: every import in src-shared, src-main and
// src-renderer is read, and an import that goes up the order fails, naming both files.
//   shared < engine < model < store < reports < ipc < workers < app < serve | electron < cli
// - src-shared/ runs anywhere (renderer, main, workers, CLI): it imports only itself.
// - src-main/engine/ is the engine: plain TypeScript, the same in Electron, workers, the CLI and tests.
// - src-main/model/ holds the shapes the layers pass each other, and types only: no code.
// - src-main/reports/ are pure functions of loaded data: they never import the store (store/load.ts reads for them).
// - serve and electron are siblings: neither imports the other. Only src-main/electron and
//   src-main/preload import Electron.
// - src-renderer/ stands beside them: it imports values only from itself, src-shared, the IPC
//   contract (types and the channel list) and its npm packages; it may import types from the main
//   process's data shapes (erased when built).
// And no file imports itself through others: a circle between files anywhere fails, with the files named.

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

/** The order: a layer may import only from layers before it (and itself). Equal ranks are siblings. */
export const LAYER_ORDER: Record<string, number> = { shared: 0, engine: 1, model: 2, store: 3, reports: 4, ipc: 5, workers: 6, app: 7, serve: 8, electron: 8, cli: 9 }

/** Pairs the order alone would allow but the design forbids, each with why. */
const FORBIDDEN: Array<{ from: string; to: string; why: string }> = [
  { from: 'reports', to: 'store', why: 'reports are pure functions of loaded data; the store/load.ts step reads what they need' },
]

/** The rule's breaches among these imports, in words. */
export function violations(imports: Import[]): string[] {
  const out: string[] = []
  for (const i of imports) {
    const from = layerOf(i.from)
    if (i.spec === 'electron' && from !== 'electron') out.push(`${i.from} imports Electron; only src-main/electron and src-main/preload may`)
    if (!i.target) continue
    const to = layerOf(i.target)
    if (to === from || to === 'other') continue
    if (from === 'renderer') {
      // The IPC contract is the one main-process file the renderer reads values from: types and the channel list only.
      if (to !== 'shared' && !i.typeOnly && i.target !== 'src-main/ipc/contract') out.push(`${i.from} (renderer) imports a value from ${i.spec} (${to}); the renderer takes values from src-shared only`)
      continue
    }
    if (to === 'electron' && from !== 'electron') { out.push(`${i.from} (${from}) imports ${i.spec}, Electron's main process`); continue }
    if (to === 'renderer') { out.push(`${i.from} (${from}) imports ${i.spec} (renderer): nothing in the main process reads the UI`); continue }
    const a = LAYER_ORDER[from], b = LAYER_ORDER[to]
    if (a === undefined || b === undefined) continue
    if (b > a) out.push(`${i.from} (${from}) imports ${i.spec} (${to}), up the layer order`)
    else if (b === a) out.push(`${i.from} (${from}) imports ${i.spec} (${to}): siblings in the layer order import neither each other`)
    for (const f of FORBIDDEN) if (f.from === from && f.to === to) out.push(`${i.from} (${from}) imports ${i.spec} (${to}): ${f.why}`)
  }
  return out
}

/** The model layer is types only: its imports are type imports and it declares no values. */
export function modelBreaches(file: string, text: string): string[] {
  const out: string[] = []
  for (const i of importsOf(file, text)) if (!i.typeOnly) out.push(`${file} (model) imports a value from ${i.spec}; the model layer holds types only`)
  for (const m of text.matchAll(/^\s*(?:export\s+)?(?:const|let|var|function|class|enum)\s+(\w+)/gm)) out.push(`${file} (model) declares ${m[1]}, a value; the model layer holds types only`)
  return out
}

/**
 * Circles between files: the strongly connected components of the import graph (Tarjan) with
 * more than one file, or a file that imports itself. `targets` maps a file to the files it imports.
 */
export function circles(targets: Map<string, string[]>): string[][] {
  let next = 0
  const index = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>(), out: string[][] = []
  const visit = (v: string) => {
    index.set(v, next); low.set(v, next); next++
    stack.push(v); on.add(v)
    for (const w of targets.get(v) ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)) }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = []
      let w: string
      do { w = stack.pop()!; on.delete(w); component.push(w) } while (w !== v)
      if (component.length > 1 || (targets.get(v) ?? []).includes(v)) out.push(component.sort())
    }
  }
  for (const v of [...targets.keys()].sort()) if (!index.has(v)) visit(v)
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

/** The source file an import's target names (extension left out, or a folder's index), if it is one of ours. */
function resolveSource(target: string, known: Set<string>): string | null {
  for (const candidate of [target, `${target}.ts`, `${target}.svelte`, `${target}/index.ts`]) if (known.has(candidate)) return candidate
  return null
}

describe('the layers', () => {
  const files = ['src-shared', 'src-main', 'src-renderer'].flatMap(sources)
  const texts = new Map(files.map((f) => [f, readFileSync(join(repoRoot, f), 'utf8')]))
  const imports = files.flatMap((f) => importsOf(relative(repoRoot, join(repoRoot, f)), texts.get(f)!))

  it('reads the imports of every source file', () => {
    expect(files.length).toBeGreaterThan(100)
    expect(imports.length).toBeGreaterThan(500)
  })

  it('are kept: no import goes up the order, or between siblings', () => {
    expect(violations(imports)).toEqual([])
  })

  it('keep the model layer to types', () => {
    const model = files.filter((f) => f.startsWith('src-main/model/'))
    expect(model.length).toBeGreaterThanOrEqual(3)
    expect(model.flatMap((f) => modelBreaches(f, texts.get(f)!))).toEqual([])
  })

  it('have no circle between files', () => {
    const known = new Set(files)
    const graph = new Map<string, string[]>()
    for (const i of imports) {
      if (!i.target) continue
      const to = resolveSource(i.target, known)
      if (to) graph.set(i.from, [...(graph.get(i.from) ?? []), to])
    }
    expect(circles(graph).map((c) => c.join(' -> '))).toEqual([])
  })

  it('would catch a circle, and name its files', () => {
    const g = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']], ['e.ts', ['e.ts']]])
    expect(circles(g)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['e.ts']])
    expect(circles(new Map([['a.ts', ['b.ts']], ['b.ts', []]]))).toEqual([])
  })

  it('would catch a model file that holds code', () => {
    expect(modelBreaches('src-main/model/x.ts', "export const A = 1\nexport type B = number")).toHaveLength(1)
    expect(modelBreaches('src-main/model/x.ts', "import { z } from 'zod'\nexport type B = number")).toHaveLength(1)
    expect(modelBreaches('src-main/model/x.ts', "import type { Z } from '../engine/z'\nexport interface B { f(): number }")).toEqual([])
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
    // Up the order, at every step of it; siblings; and the reports' own rule.
    expect(probe('src-main/store/store.ts', "import type { VerdictReport } from '../reports/verdicts'")).toHaveLength(1)
    expect(probe('src-main/reports/questions.ts', "import type { SeriesColumns } from '../ipc/contract'")).toHaveLength(1)
    expect(probe('src-main/model/runs.ts', "import type { Store } from '../store/store'")).toHaveLength(1)
    expect(probe('src-main/workers/pool.ts', "import { planSweep } from '../app/planning'")).toHaveLength(1)
    expect(probe('src-main/serve/server.ts', "import { x } from '../electron/main'")).toHaveLength(1)
    expect(probe('src-main/serve/server.ts', "import { serveDoc } from '../cli/commands/serve'")).toHaveLength(1)
    expect(probe('src-main/cli/main.ts', "import { x } from '../electron/main'")).toHaveLength(1)
    expect(probe('src-main/reports/export.ts', "import type { Store } from '../store/store'")).toHaveLength(1)
    expect(probe('src-main/cli/main.ts', "import { serve } from '../serve/server'")).toEqual([])
    expect(probe('src-main/app/service.ts', "import type { VerdictReport } from '../model/verdicts'")).toEqual([])
  })
})
