// A small SSE server for tests that need time to pass: on 127.0.0.1, an ephemeral port.
//   /stream?n=N&every=MS   N events MS ms apart (odd ones `message`, even ones `tick`), each with
//                          `id: <i>` and JSON data; then `event: done`, and the response ends
//                          (&retry=MS: first a `retry:` field, so an EventSource reconnects soon)
//   anything else          an empty HTML page
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Ticker {
  url: string;
  close(): Promise<void>;
}

export function startTicker(): Promise<Ticker> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname !== '/stream') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>ticker</title>');
      return;
    }
    const n = Number(url.searchParams.get('n'));
    const every = Number(url.searchParams.get('every'));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    if (url.searchParams.has('retry')) res.write(`retry: ${Number(url.searchParams.get('retry'))}\n\n`);
    let i = 0;
    const timer = setInterval(() => {
      i++;
      if (i > n) {
        clearInterval(timer);
        res.end('event: done\ndata: end\n\n');
        return;
      }
      res.write(`${i % 2 ? '' : 'event: tick\n'}id: ${i}\ndata: {"i":${i},"pad":"${'x'.repeat(i % 50)}"}\n\n`);
    }, every);
    req.on('close', () => clearInterval(timer));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => {
          server.closeAllConnections();
          return new Promise((r) => server.close(() => r()));
        },
      });
    }),
  );
}

