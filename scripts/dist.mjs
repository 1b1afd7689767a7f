// `npm run dist`: the desktop app packaged for this platform by electron-builder (Linux AppImage and
// deb, macOS dmg, Windows nsis; electron-builder.json), into dist/. It needs the Electron binary
// (electron-builder packs it); where it is not there and cannot be fetched, as on an offline
// machine, say so in one line and exit 1 rather than fail deep inside electron-builder.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const fail = (why) => {
  process.stderr.write(`rnnbench dist: cannot package the desktop app here: ${why}\n`)
  process.exit(1)
}

const electronDir = process.env.RNNBENCH_ELECTRON_DIR ?? dirname(require.resolve('electron/package.json'))
const pathFile = join(electronDir, 'path.txt')
const present = existsSync(pathFile) && existsSync(join(electronDir, 'dist', readFileSync(pathFile, 'utf8')))
if (!present) {
  const install = process.env.RNNBENCH_ELECTRON_DIR ? { status: 1 } : spawnSync(process.execPath, [join(electronDir, 'install.js')], { encoding: 'utf8' })
  if (install.status !== 0 || !(existsSync(pathFile) && existsSync(join(electronDir, 'dist', readFileSync(pathFile, 'utf8'))))) {
    fail(`the Electron binary is not in ${join(electronDir, 'dist')} and could not be downloaded (no access to its release server); run \`npm run dist\` where it can be`)
  }
}
const platform = { linux: '--linux', darwin: '--mac', win32: '--win' }[process.platform]
if (!platform) fail(`electron-builder has no target for ${process.platform}`)
const run = (args) => spawnSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', args, { stdio: 'inherit' }).status ?? 1
if (run(['electron-vite', 'build']) !== 0) process.exit(1)
process.exit(run(['electron-builder', platform, '--config', 'electron-builder.json', '--publish', 'never']))
