import { defineConfig } from 'vitest/config';

/**
 * Three projects, one run (`npm test`, or one of them with `--project`):
 * - unit: pure logic with fakes, and the renderer's components in jsdom. No global setup, so it needs neither
 *   PostgreSQL nor Redis (`npm run test:unit`; a file that needs a server belongs in test/integration/).
 * - integration: real servers (the embedded PostgreSQL 18 the global setup starts, the system PostgreSQL 15 and
 *   Redis it checks).
 * - e2e: the console in a browser and in Electron, against stacks the tests start; it checks the system services and
 *   reads the PostgreSQL 15 URL, and starts no PostgreSQL 18 of its own.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Forks, two at a time: the integration tests start servers, and the CI machine has two cores.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/support/testing-library.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], globalSetup: ['test/support/global-setup.ts'] },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: ['test/support/global-setup-system-services.ts'] },
      },
    ],
  },
});
