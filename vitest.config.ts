import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Interop tests start real daemons on loopback: keep file-level parallelism modest on 2 cores.
    maxWorkers: 2,
  },
});
