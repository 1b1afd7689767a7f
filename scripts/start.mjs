// `npm start`: open the desktop app. Electron fetches its binary on first launch; where that cannot
// happen (an offline machine) or there is no display, say so in one line and point to `rnnbench serve`,
// which shows the same app in a browser.
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const fail = (why) => {
  process.stderr.write(`rnnbench: the desktop app cannot open here: ${why}. The same app runs in a browser: npx rnnbench serve (then open the URL it prints)\n`)
  process.exit(1)
}

if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  fail('there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)')
}

// The binary is present once node_modules/electron/path.txt names a file under dist/.
const electronDir = dirname(require.resolve('electron/package.json'))
const binaryPresent = () => {
  const pathFile = join(electronDir, 'path.txt')
  return existsSync(pathFile) && existsSync(join(electronDir, 'dist', readFileSync(pathFile, 'utf8')))
}
if (!binaryPresent()) {
  process.stderr.write('rnnbench: downloading the Electron binary (first launch only)...\n')
  const install = spawnSync(process.execPath, [join(electronDir, 'install.js')], { encoding: 'utf8' })
  if (install.status !== 0 || !binaryPresent()) {
    const reason = `${install.stderr ?? ''}`.split('\n').find((l) => /error|fail/i.test(l))?.trim() ?? 'the download failed'
    fail(`the Electron binary could not be downloaded (${reason.slice(0, 160)})`)
  }
}
// better-sqlite3 is compiled against Node's ABI, which Electron's differs from; fetch its prebuilt
// binary for this Electron once, beside the build, leaving Node's copy for the CLI and the tests.
const electronVersion = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version
const nativeDir = join(process.cwd(), 'out', 'electron-native')
const stamp = join(nativeDir, 'electron-version.txt')
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== electronVersion) {
  process.stderr.write(`rnnbench: fetching better-sqlite3 for Electron ${electronVersion} (first launch only)...\n`)
  const work = join(nativeDir, 'better-sqlite3')
  rmSync(work, { recursive: true, force: true })
  cpSync(dirname(require.resolve('better-sqlite3/package.json')), work, { recursive: true, filter: (src) => !src.includes(`${join('build', '')}`) })
  const fetch = spawnSync(process.execPath, [require.resolve('prebuild-install/bin.js'), '--runtime', 'electron', '--target', electronVersion, '--arch', process.arch, '--platform', process.platform], { cwd: work, encoding: 'utf8' })
  const built = join(work, 'build', 'Release', 'better_sqlite3.node')
  if (fetch.status !== 0 || !existsSync(built)) {
    const reason = `${fetch.stderr ?? ''}`.split('\n').find((l) => /error|fail|ERR/i.test(l))?.trim() ?? 'the download failed'
    fail(`better-sqlite3 for Electron ${electronVersion} could not be fetched (${reason.slice(0, 160)})`)
  }
  cpSync(built, join(nativeDir, 'better_sqlite3.node'))
  writeFileSync(stamp, electronVersion)
}

const child = spawn(process.execPath, [require.resolve('electron-vite/bin/electron-vite.js'), 'preview'], { stdio: 'inherit' })
child.on('exit', (code) => process.exit(code ?? 1))
