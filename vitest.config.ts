import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Starts one throwaway redis-server for the whole run (or uses COLT_TEST_REDIS_URL).
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // At most 2 test files at once (CI machines have 2 cores). vitest 4 removed poolOptions/minWorkers.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
