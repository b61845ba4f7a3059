import { defineConfig } from 'vitest/config';

// Unit tests: pure logic, no browser.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], environment: 'node' },
});
