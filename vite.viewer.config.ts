import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';

// The viewer (src/viewer) as one self-contained HTML file, dist/viewer/sse-inspector-viewer.html:
// script and styles inline, so it opens from a local file (a browser will not load a module
// script beside a file:// page) and from any static host.
export default defineConfig({
  plugins: [preact(), inline()],
  root: 'src/viewer',
  base: './',
  build: {
    outDir: '../../dist/viewer',
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    assetsInlineLimit: Number.MAX_SAFE_INTEGER,
    modulePreload: { polyfill: false },
    rollupOptions: { input: 'src/viewer/viewer.html' },
  },
});

/** Puts the bundle's script and CSS into the HTML page and drops the separate files. */
function inline(): Plugin {
  return {
    name: 'sse-inspector:inline',
    enforce: 'post',
    generateBundle(_, bundle) {
      const page = Object.values(bundle).find((f) => f.fileName.endsWith('.html'));
      if (!page || page.type !== 'asset') throw new Error('viewer: no HTML page in the bundle');
      let html = String(page.source);
      for (const [name, file] of Object.entries(bundle)) {
        if (file.type === 'chunk') {
          // `</script` inside the code would end the inline script early.
          const code = file.code.replace(/<\/script/gi, '<\\/script');
          html = html.replace(new RegExp(`<script type="module" crossorigin src="[^"]*${escape(name)}"></script>`), () => `<script type="module">${code}</script>`);
        } else if (name.endsWith('.css')) {
          html = html.replace(new RegExp(`<link rel="stylesheet" crossorigin href="[^"]*${escape(name)}">`), () => `<style>${String(file.source)}</style>`);
        } else continue;
        delete bundle[name];
      }
      if (/<script[^>]+src=|<link rel="stylesheet"/.test(html)) throw new Error('viewer: a script or style was not inlined');
      page.fileName = 'sse-inspector-viewer.html';
      page.source = html;
    },
  };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
