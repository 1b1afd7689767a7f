// Builds the cpu-native addon (native-bench/) during `npm install`. A failed build must not fail
// the install: every other backend still works, and `rnnbench doctor` reports why this one does
// not, from native-bench/build/BUILD-ERROR.txt.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dir = join(root, 'native-bench')
const errorFile = join(dir, 'build', 'BUILD-ERROR.txt')

// npm tells its scripts where its node-gyp is; otherwise use the one npm ships with.
const candidates = [
  process.env.npm_config_node_gyp,
  join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].filter(Boolean)
const gyp = candidates.find((p) => existsSync(p))

function fail(reason, log = '') {
  mkdirSync(dirname(errorFile), { recursive: true })
  writeFileSync(errorFile, `${reason}\n\n${log}`)
  process.stderr.write(`rnnbench: the cpu-native backend was not built (${reason}); the other backends work. Details: ${errorFile}\n`)
  process.exit(0)
}

if (process.env.RNNBENCH_SKIP_NATIVE) fail('RNNBENCH_SKIP_NATIVE is set')
if (!gyp) fail('node-gyp was not found (it comes with npm)')
rmSync(errorFile, { force: true })
const args = [gyp, 'rebuild', '--release']
// Where Node's headers are: npm passes its `nodedir` setting to scripts; run by hand, ask npm;
// failing both, the headers installed beside this node (PREFIX/include/node), so that node-gyp
// never needs to download them (these machines have no internet).
const configured = process.env.npm_config_nodedir ?? spawnSync('npm', ['config', 'get', 'nodedir'], { encoding: 'utf8' }).stdout?.trim()
const beside = join(dirname(process.execPath), '..')
const nodedir = configured && configured !== 'undefined' && existsSync(configured) ? configured
  : existsSync(join(beside, 'include', 'node', 'node_api.h')) ? beside : null
if (nodedir) args.push(`--nodedir=${nodedir}`)
process.stderr.write('rnnbench: building the cpu-native addon (native-bench/, C++17)...\n')
const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', env: process.env })
if (r.status !== 0) {
  const log = `${r.stdout ?? ''}\n${r.stderr ?? ''}`
  const first = log.split('\n').find((l) => /error/i.test(l) && !/^gyp info/.test(l))?.trim() ?? `node-gyp exited with ${r.status}`
  fail(first.slice(0, 200), log)
}
process.stderr.write('rnnbench: cpu-native built.\n')
