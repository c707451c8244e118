import { defineConfig } from 'vitest/config';

// One run covers unit tests (pure logic, fakes allowed) and integration tests
// (real PostgreSQL 18 embedded, the system PostgreSQL 15, real Redis).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/testing-library.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
