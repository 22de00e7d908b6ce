import { defineConfig } from 'vitest/config';

// One Temporal dev server for the whole run (started in globalSetup); each test file runs in its
// own forked process, because the worker's native bridge does not share a process well.
export default defineConfig({
  test: {
    pool: 'forks',
    globalSetup: ['test/setup/fresh-temporal-server.ts'],
    setupFiles: ['test/setup/quiet-runtime.ts', 'test/setup/require-typescript.ts'],
    include: ['test/**/*.test.ts'],
    exclude: ['test/audit/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 900_000,
    maxWorkers: 2,
  },
});
