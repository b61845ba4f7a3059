import { defineConfig } from 'vitest/config';

// Unit tests: pure logic in Node; the panel's components (*.test.tsx) in happy-dom, a DOM for Node.
export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'node',
  },
});
