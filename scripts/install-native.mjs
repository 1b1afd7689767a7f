// The `install` step of an installed rnnbench package (npm pack / npm install rnnbench): use the
// cpu-native addon prebuilt for this platform when the package carries one and it loads; else
// compile it from native-bench/ (scripts/build-native.mjs, which never fails the install). In a
// checkout, `prepare` builds it: nothing to do here.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
if (existsSync(join(root, 'src-main'))) process.exit(0) // a checkout: `prepare` builds everything
const prebuilt = join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'rnnbench_native.node')
if (existsSync(prebuilt)) {
  try {
    createRequire(import.meta.url)(prebuilt)
    process.stderr.write(`rnnbench: cpu-native: using the addon prebuilt for ${process.platform}-${process.arch}\n`)
    process.exit(0)
  } catch (err) {
    process.stderr.write(`rnnbench: the prebuilt cpu-native addon does not load here (${err.message.split('\n')[0]}); building it from source\n`)
  }
}
await import('./build-native.mjs')
