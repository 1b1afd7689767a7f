// The report's charts drawn to PNG in Node (out/report/png.js, from src-renderer/src/report/png.ts),
// for the Markdown export without a browser: Chart.js and the chart code bundled in; the canvas
// comes from the caller (@napi-rs/canvas, an optional dependency).
import { resolve } from 'node:path'
import { defineConfig } from 'vite'

export default defineConfig({
  logLevel: 'warn',
  build: {
    outDir: 'out/report',
    emptyOutDir: false, // report.js, built just before, stays
    target: 'node20',
    lib: { entry: resolve('src-renderer/src/report/png.ts'), formats: ['es'], fileName: () => 'png.js' },
  },
})
