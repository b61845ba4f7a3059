// The benchmarks' server, on 127.0.0.1 at an ephemeral port:
//   /blank                 an empty page that loads /bench.js (bench/page.js)
//   /fire?n=N              N small events (`id: i`, `data: {"n":i}`) as fast as the socket takes
//                          them, from a body made once per N; then the response stays open
//                          (an EventSource would reconnect) until the client goes away
//   /paced?n=N&rate=R      N events at R a second (ids 1..N), each one's data its send time (epoch ms)
//   /idle                  a page with no SSE at all: text, a table, a form, a few scripts
//   /sink                  takes a request's body, answers once it has it all (uploads)
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BenchServer {
  origin: string;
  close(): Promise<void>;
}

const PAGE_JS = readFileSync(new URL('./page.js', import.meta.url), 'utf8');
const BLANK = '<!doctype html><meta charset="utf-8"><title>bench</title><script src="/bench.js"></script>';

/** One firehose event, as written on the wire (the page and the panel expect this shape). */
export const fireEvent = (i: number) => `id: ${i}\ndata: {"n":${i}}\n\n`;

const bodies = new Map<number, Buffer>();
function fireBody(n: number): Buffer {
  let body = bodies.get(n);
  if (!body) {
    const parts: string[] = [];
    for (let i = 1; i <= n; i++) parts.push(fireEvent(i));
    bodies.set(n, (body = Buffer.from(parts.join(''))));
  }
  return body;
}

/** The idle page: ordinary content, some layout and a little script, no stream. */
function idlePage(): string {
  const rows = Array.from({ length: 400 }, (_, i) => `<tr><td>${i}</td><td>item ${i}</td><td>${(i * 7.31).toFixed(2)}</td><td><a href="#r${i}">open</a></td></tr>`).join('');
  const paras = Array.from({ length: 60 }, (_, i) => `<p>Paragraph ${i}: lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.</p>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>idle</title>
<style>body{font:14px sans-serif}td{padding:2px 6px}.x{color:#333}</style>
<script>window.boot = performance.now(); const s = []; for (let i = 0; i < 2000; i++) s.push({ i, v: Math.sqrt(i) });</script>
</head><body><h1>No SSE here</h1>${paras}<form><input name="q"><select>${Array.from({ length: 50 }, (_, i) => `<option>${i}</option>`).join('')}</select><button>go</button></form>
<table>${rows}</table>
<script>document.querySelectorAll('td').forEach((td, i) => { if (i % 4 === 0) td.className = 'x'; }); fetch('/json').then((r) => r.json());</script>
</body></html>`;
}

function write(res: ServerResponse, body: Buffer): void {
  const PIECE = 64 * 1024;
  let at = 0;
  const more = () => {
    while (at < body.length) {
      const ok = res.write(body.subarray(at, at + PIECE));
      at += PIECE;
      if (!ok) return void res.once('drain', more);
    }
  };
  more();
}

function paced(res: ServerResponse, n: number, rate: number): void {
  const start = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.min(n, Math.floor(((performance.now() - start) * rate) / 1000));
    if (due <= sent) return;
    let text = '';
    const at = performance.timeOrigin + performance.now();
    for (; sent < due; sent++) text += `id: ${sent + 1}\ndata: ${at.toFixed(3)}\n\n`;
    res.write(text);
    if (sent >= n) clearInterval(timer);
  }, 2);
  res.on('close', () => clearInterval(timer));
}

export async function startBenchServer(): Promise<BenchServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const q = url.searchParams;
    const sse = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' };
    switch (url.pathname) {
      case '/blank':
        return void res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(BLANK);
      case '/bench.js':
        return void res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' }).end(PAGE_JS);
      case '/idle':
        return void res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(idlePage());
      case '/json':
        return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
      case '/sink':
        req.resume();
        return void req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}'));
      case '/fire':
        res.writeHead(200, sse);
        return write(res, fireBody(Number(q.get('n') ?? 1000)));
      case '/paced':
        res.writeHead(200, sse);
        return paced(res, Number(q.get('n') ?? 1000), Number(q.get('rate') ?? 1000));
      case '/favicon.ico':
        return void res.writeHead(204).end();
      default:
        return void res.writeHead(404).end('not found');
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
