import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    // The machines are 2 cores; parallel files fight over them and the CLI tests spawn processes.
    maxWorkers: 2,
  },
})
