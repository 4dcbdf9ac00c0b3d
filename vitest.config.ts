import { defineConfig } from 'vitest/config';

// Unit and integration tests under plain Node. Browser e2e lives in e2e/ and runs with Playwright.
export default defineConfig({
  test: {
    include: ['{common,switch-core,printer,electron,renderer,scripts,test-support}/**/*.test.ts'],
    // PostgreSQL for the tests that ask (test-support/postgres-for-tests.ts): a scratch cluster started on first use.
    globalSetup: ['test-support/postgres-global-setup.ts'],
    // A temp folder per test file, removed after it (test-support/private-tmpdir.ts).
    setupFiles: ['test-support/private-tmpdir.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: integration tests start real servers; keep parallelism modest and predictable.
    maxWorkers: 2,
  },
});
