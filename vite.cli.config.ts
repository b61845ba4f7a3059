import { chmodSync } from 'node:fs';
import { defineConfig } from 'vite';

// The command line (`sse-inspector replay …`): one self-contained ES module for Node, with
// everything it imports bundled in, so it runs from dist/ without node_modules.
// `vite build --config vite.cli.config.ts` → dist/cli/sse-inspector.js
export default defineConfig({
  build: {
    ssr: 'src/cli/sse-inspector.ts',
    outDir: 'dist/cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: {
      output: { entryFileNames: 'sse-inspector.js', format: 'es', banner: '#!/usr/bin/env node' },
    },
  },
  publicDir: false,
  // Bundle dependencies too (an SSR build leaves them external by default).
  ssr: { noExternal: true, target: 'node' },
  plugins: [
    {
      // npm runs a package's "bin" as a program: it must be executable.
      name: 'executable',
      writeBundle(options) {
        chmodSync(`${options.dir}/sse-inspector.js`, 0o755);
      },
    },
  ],
});
