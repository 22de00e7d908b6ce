import { defineConfig } from 'vitest/config';

// Runs after the main suite, against the histories it left in the test server's database.
export default defineConfig({
  test: {
    pool: 'forks',
    globalSetup: ['test/setup/existing-temporal-server.ts'],
    include: ['test/audit/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
