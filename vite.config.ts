import { crx } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { manifest, type Browser } from './manifest.config';

// `vite build --mode chrome` → dist/chrome, `--mode firefox` → dist/firefox.
export default defineConfig(({ mode }) => {
  const browser: Browser = mode === 'firefox' ? 'firefox' : 'chrome';
  return {
    plugins: [
      preact(),
      crx({
        manifest: manifest(browser),
        browser,
        // Built as self-contained synchronous files: crxjs's async loader would land the
        // MAIN-world patch after the page's first inline script.
        contentScripts: { standaloneFiles: ['src/content/page-hook.ts', 'src/content/bridge.ts'] },
      }),
    ],
    build: {
      outDir: `dist/${browser}`,
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      // The panel page is opened by devtools.ts, not named in the manifest.
      rollupOptions: { input: { panel: 'src/devtools/panel/panel.html' } },
    },
    server: { port: 0 },
  };
});
