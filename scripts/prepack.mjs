// `npm pack` / `npm publish`: the package ships built (out/), so installing it needs no build
// tools, and carries the cpu-native addon prebuilt for the platform it was packed on
// (prebuilds/<platform>-<arch>/, N-API, so any Node or Electron of that platform loads it).
import { cpSync, existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
for (const f of ['out/main/cli.js', 'out/main/worker.js', 'out/report/report.js', 'out/renderer/index.html']) {
  if (!existsSync(join(root, f))) { process.stderr.write(`rnnbench prepack: ${f} is missing; run npm run build first\n`); process.exit(1) }
}
const built = join(root, 'native-bench', 'build', 'Release', 'rnnbench_native.node')
if (existsSync(built)) {
  const target = join(root, 'prebuilds', `${process.platform}-${process.arch}`)
  mkdirSync(target, { recursive: true })
  cpSync(built, join(target, 'rnnbench_native.node'))
  process.stderr.write(`rnnbench prepack: prebuilt cpu-native for ${process.platform}-${process.arch}\n`)
} else {
  process.stderr.write('rnnbench prepack: the cpu-native addon is not built here; installs will compile it from source\n')
}
