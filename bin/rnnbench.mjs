#!/usr/bin/env node
// The `rnnbench` command: runs the CLI bundle that `npm install` builds (electron-vite build).
import { existsSync } from 'node:fs'

const entry = new URL('../out/main/cli.js', import.meta.url)
if (!existsSync(entry)) {
  process.stderr.write('rnnbench: the CLI is not built yet; run `npm install` (or `npm run build`) in the rnnbench checkout\n')
  process.exit(1)
}
await import(entry.href)
