import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // expect.poll waits for something the code does in the background; on a loaded 2-core runner one second
    // (the default) is sometimes not enough for a journal commit, and a slow pass is not a failure.
    expect: { poll: { timeout: 5_000 } },
  },
});
