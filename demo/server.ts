// The demo server: one page per seed scenario and its SSE endpoint, and /all/ with all four
// at once, on 127.0.0.1.
// `npx tsx demo/server.ts [port]` runs it alone; tests and `npm start` call startDemoServer().
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { streams } from './streams';

const PAGES = fileURLToPath(new URL('./pages/', import.meta.url));
const FAVICON = fileURLToPath(new URL('../public/icons/icon-32.png', import.meta.url));
const POLYFILL = fileURLToPath(new URL('../node_modules/event-source-polyfill/src/eventsource.js', import.meta.url));

export interface DemoServer {
  /** Base URL, ending in a slash. */
  url: string;
  close(): Promise<void>;
}

/** `pageDirs`: more folders of pages to serve (the tests' own fixtures), after demo/pages. */
export async function startDemoServer(port = 0, pageDirs: string[] = []): Promise<DemoServer> {
  const dirs = [PAGES, ...pageDirs.map((d) => (d.endsWith('/') ? d : `${d}/`))];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const stream = streams[url.pathname];
    if (stream) return stream(req, res, url.searchParams);
    if (url.pathname === '/vendor/eventsource.js') {
      return void readFile(POLYFILL).then((js) => res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(js));
    }
    if (url.pathname === '/favicon.ico') {
      return void readFile(FAVICON).then((png) => res.writeHead(200, { 'Content-Type': 'image/png' }).end(png));
    }
    const page = url.pathname === '/' ? 'index' : url.pathname.replace(/^\/|\/$/g, '');
    if (!/^[\w-]+$/.test(page)) return void res.writeHead(404).end('not found');
    void findPage(dirs, page).then((html) =>
      html ? res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html) : res.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function findPage(dirs: string[], page: string): Promise<Buffer | undefined> {
  for (const dir of dirs) {
    const html = await readFile(`${dir}${page}.html`).catch(() => undefined);
    if (html) return html;
  }
  return undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const demo = await startDemoServer(Number(process.argv[2] ?? 8080));
  console.log(`Demo SSE server at ${demo.url}`);
}
