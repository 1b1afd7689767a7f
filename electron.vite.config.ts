// One build for every process. The main side has two entries: the Electron app and the CLI, which
// share the engine; neither bundles its npm dependencies (native addons must load from node_modules).
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
const gitCommit = (() => {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return '' // not a git checkout (a tarball): recorded as unknown
  }
})()

export default defineConfig({
  main: {
    define: { __APP_VERSION__: JSON.stringify(version), __GIT_COMMIT__: JSON.stringify(gitCommit) },
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('src-main/electron/main.ts'),
          cli: resolve('src-main/cli/main.ts'),
          worker: resolve('src-main/workers/run-worker.ts'),
        },
        // The optional dependencies stay outside too: electron-vite leaves out `dependencies`
        // only, and these must load from node_modules when installed, and fail to load when not.
        external: ['webgpu', 'playwright-core', '@napi-rs/canvas'],
        // Shared chunks sit beside the entries, so new URL('./worker.js', import.meta.url) works
        // from whichever chunk the runner ends up in.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot be an ES module.
      rollupOptions: {
        input: { index: resolve('src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve('src-renderer/index.html') } },
    },
    plugins: [svelte()],
  },
})
