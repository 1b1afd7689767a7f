import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // A poll waits on its condition for as long as the test may run: the test's own limit is the
    // only wall-clock bound, so a busy machine makes a wait longer, not a failure.
    expect: { poll: { timeout: 3_600_000, interval: 50 } },
    // The machines are 2 cores; parallel files fight over them and the CLI tests spawn processes.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['test/**/*.test.ts'], exclude: ['test/components/**'], environment: 'node' },
      },
      {
        // Svelte components in a simulated DOM: Svelte's browser build (its server build renders
        // strings and never runs effects), with the app's state classes compiled by the plugin.
        extends: true,
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: { name: 'components', include: ['test/components/**/*.test.ts'], environment: 'happy-dom' },
      },
    ],
  },
})
