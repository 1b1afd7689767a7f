// The HTML report's chart script, built into one self-contained file (out/report/report.js) that
// the report inlines: Chart.js and the compare view's chart code, nothing fetched at run time.
import { resolve } from 'node:path'
import { defineConfig } from 'vite'

export default defineConfig({
  logLevel: 'warn',
  build: {
    outDir: 'out/report',
    emptyOutDir: true,
    lib: { entry: resolve('src-renderer/src/report/report.ts'), formats: ['iife'], name: 'rnnbenchReport', fileName: () => 'report.js' },
  },
})
