// Packaging the desktop app (electron-builder.json, `npm run dist`), checked as far as a machine
// without the Electron binary allows: the configuration passes electron-builder's own validator
// and names the targets people install from, the icon comes in the usual sizes, every built file
// the app needs is packed, the cpu-native addon is N-API (it loads in Electron as built, while
// better-sqlite3 is rebuilt for Electron by electron-builder), and `npm run dist` refuses in one
// line where the binary cannot be had.

import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../helpers/cli'

const config = JSON.parse(readFileSync(join(repoRoot, 'electron-builder.json'), 'utf8'))
const require = createRequire(import.meta.url)

/** A PNG's width and height, from its IHDR chunk. */
const pngSize = (file: string) => { const b = readFileSync(file); return [b.readUInt32BE(16), b.readUInt32BE(20)] }
/** electron-builder's file patterns, as globs: ** any path, * within one folder, ! excludes. */
const packed = (file: string) => {
  const test = (p: string) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '.*')}$`).test(file)
  return config.files.some((p: string) => !p.startsWith('!') && test(p)) && !config.files.some((p: string) => p.startsWith('!') && test(p.slice(1)))
}

describe('packaging the desktop app', () => {
  it('has a configuration electron-builder accepts, with the targets people install from', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config')
    const { DebugLogger } = require('builder-util')
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
    await expect(validateConfiguration({ ...config, nsiss: {} }, new DebugLogger(false))).rejects.toThrow(/unknown property 'nsiss'/)
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.mac.target).toEqual(['dmg'])
    expect(config.win.target).toEqual(['nsis'])
    expect(config.npmRebuild).toBe(true)
    expect(config.asarUnpack).toEqual(['**/*.node'])
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'))
    expect(pkg.scripts.dist).toBe('node scripts/dist.mjs')
    expect(pkg.main).toBe('out/main/index.js')
  })

  it('has an icon at 1024 px and in the sizes Linux desktops ask for', () => {
    expect(pngSize(join(repoRoot, config.icon))).toEqual([1024, 1024])
    for (const n of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) expect(pngSize(join(repoRoot, config.linux.icon, `${n}x${n}.png`))).toEqual([n, n])
  })

  it('packs every built file the app needs, and no source or test', () => {
    const needed = ['out/main/index.js', 'out/main/worker.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/report/report.js', 'native-bench/binding.gyp', 'package.json']
    for (const file of needed) {
      expect(existsSync(join(repoRoot, file)), `${file} is built`).toBe(true)
      expect(packed(file), file).toBe(true)
    }
    expect(packed('native-bench/build/Release/rnnbench_native.node')).toBe(true)
    for (const file of ['src-main/electron/main.ts', 'test/electron/packaging.test.ts', 'node_modules/webgpu/package.json', 'out/main/index.js.map']) expect(packed(file), file).toBe(false)
  })

  it('needs no rebuild for the cpu-native addon: it imports only N-API from its host', (ctx) => {
    const addon = join(repoRoot, 'native-bench', 'build', 'Release', 'rnnbench_native.node')
    if (!existsSync(addon)) { console.warn('[rnnbench tests] N-API check skipped: the addon is not built'); return ctx.skip() }
    const nm = spawnSync('nm', ['-D', '--undefined-only', addon], { encoding: 'utf8' })
    if (nm.status !== 0) { console.warn('[rnnbench tests] N-API check skipped: no nm here (binutils)'); return ctx.skip() }
    const symbols = nm.stdout.split('\n').map((l) => l.trim().split(/\s+/).at(-1)!).filter(Boolean)
    expect(symbols.filter((s) => s.startsWith('napi_')).length).toBeGreaterThan(5)
    // No V8 or Node C++ API: those tie an addon to one runtime's ABI (better-sqlite3 uses them, so electron-builder rebuilds it)
    expect(symbols.filter((s) => /^_ZN(2v8|4node)/.test(s))).toEqual([])
  })

  it('`npm run dist` says in one line why it cannot package where the Electron binary cannot be had', () => {
    const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'dist.mjs')], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, RNNBENCH_ELECTRON_DIR: join(repoRoot, 'no-electron-here') } })
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/^rnnbench dist: cannot package the desktop app here: the Electron binary is not in .*no-electron-here[/\\]dist and could not be downloaded .*\n$/)
  })
})
