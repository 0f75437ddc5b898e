import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['app/**/*.test.ts', 'renderer/**/*.test.ts', 'models/**/*.test.ts', 'native/**/*.test.ts', 'build/**/*.test.ts', 'server/**/*.test.ts'],
    // Native modules (better-sqlite3, onnxruntime-node) are safest in forked processes, one file each.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
