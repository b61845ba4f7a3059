import { defineConfig } from 'vitest/config';

// Browser tests: the built extension (npm run build) in real Chromium and Firefox ESR.
// One file at a time: the machines have two cores.
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
