// The HTTP side of a replay: routes requests to streams and carries out each attempt's plan
// (plan.ts) on a connection. Kept to sockets and timers; the decisions are in the plan.
import { createServer, validateHeaderName, validateHeaderValue, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { listingJson, listingText } from './listing';
import type { AttemptPlan, ReplayPlan, StreamPlan } from './plan';

export interface ReplayServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Connections served so far per stream (index: the stream's n - 1). */
  connections: number[];
  close(): Promise<void>;
}

export async function startReplayServer(plan: ReplayPlan, port = 0, host = '127.0.0.1'): Promise<ReplayServer> {
  const connections = plan.streams.map(() => 0);
  const byPath = new Map(plan.streams.filter((s) => s.path !== undefined).map((s) => [s.path!, s]));
  let url = '';

  const server = createServer((req, res) => {
    // Whatever a client sends (a fetch POST body) is read and ignored.
    req.resume();
    const cors = corsHeaders(req);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      return void res.writeHead(204, { ...cors, ...preflightHeaders(req) }).end();
    }
    const target = new URL(req.url ?? '/', 'http://replay');
    const numbered = /^\/streams\/(\d+)\/?$/.exec(target.pathname);
    const stream = numbered ? plan.streams[Number(numbered[1]) - 1] : byPath.get(target.pathname + target.search);
    if (stream) return serveStream(stream, res, cors);
    if (target.pathname === '/' || target.pathname === '/streams' || target.pathname === '/streams/') {
      const json = target.searchParams.has('json') || (req.headers.accept ?? '').includes('application/json');
      const body = json ? JSON.stringify(listingJson(plan, url, connections), null, 2) : listingText(plan, url).join('\n') + '\n';
      return void res.writeHead(200, { ...cors, 'content-type': json ? 'application/json' : 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(body);
    }
    res.writeHead(404, { ...cors, 'content-type': 'text/plain; charset=utf-8' }).end(`No captured stream at ${target.pathname}${target.search}; see ${url}/\n`);
  });

  function serveStream(stream: StreamPlan, res: ServerResponse, cors: Record<string, string>): void {
    const count = ++connections[stream.n - 1]!;
    const attempt = stream.attempts[count - 1];
    // Past the captured attempts: 204 No Content tells an EventSource to stop reconnecting.
    if (!attempt) return void res.writeHead(204, cors).end();
    playAttempt(attempt, res, cors);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Plays one attempt on a connection: its response, its records on time, its ending. */
function playAttempt(a: AttemptPlan, res: ServerResponse, cors: Record<string, string>): void {
  let timer: NodeJS.Timeout | undefined;
  res.on('close', () => clearTimeout(timer));
  const start = performance.now();
  const at = (ms: number, fn: () => void) => (timer = setTimeout(fn, Math.max(0, start + ms - performance.now())));
  const finish = () => {
    if (a.ending === 'end') res.end();
    else if (a.ending === 'destroy') {
      // A dropped connection: the socket ends without the body's last chunk, so a reader (and
      // an EventSource) sees a network error. Ended after what was written is flushed.
      const socket = res.socket;
      socket?.end(() => socket.destroy());
    }
    // 'hold': open until the client goes.
  };

  if (!a.response) {
    // The original got no response: fail the connection without one (or never answer).
    if (a.ending !== 'hold') at(a.endAt, () => res.socket?.destroy());
    return;
  }
  const { status, statusText, headers } = a.response;
  const raw: string[] = [];
  for (const [name, value] of [...headers, ...Object.entries(cors), ['access-control-expose-headers', headers.map(([k]) => k).join(', ') || '*']]) {
    if (validHeader(name!, value!)) raw.push(name!, value!);
  }
  res.writeHead(status, validStatusText(statusText) ? statusText : undefined, raw);
  res.flushHeaders();

  // Each due write on its time, measured from the start (no drift): one timer at a time.
  let i = 0;
  const pump = () => {
    const now = performance.now() - start;
    // Writes due together leave in one packet.
    res.cork();
    while (i < a.writes.length && a.writes[i]!.at <= now) res.write(a.writes[i++]!.text);
    res.uncork();
    if (i < a.writes.length) at(a.writes[i]!.at, pump);
    else at(a.endAt, finish);
  };
  pump();
}

/** CORS for any origin, with credentials: the replay is for a local app on any port. */
function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  return origin === undefined
    ? { 'access-control-allow-origin': '*' }
    : { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' };
}

/** Whatever the preflight asks for is allowed (methods, headers, a private network request). */
function preflightHeaders(req: IncomingMessage): Record<string, string> {
  const h: Record<string, string> = {
    'access-control-allow-methods': String(req.headers['access-control-request-method']),
    'access-control-max-age': '600',
  };
  const asked = req.headers['access-control-request-headers'];
  if (asked !== undefined) h['access-control-allow-headers'] = String(asked);
  if (req.headers['access-control-request-private-network'] === 'true') h['access-control-allow-private-network'] = 'true';
  return h;
}

/** Captured headers that Node would refuse are left out rather than failing the response. */
function validHeader(name: string, value: string): boolean {
  try {
    validateHeaderName(name);
    validateHeaderValue(name, value);
    return true;
  } catch {
    return false;
  }
}

const validStatusText = (text: string) => text !== '' && /^[\t\x20-\x7e\x80-\xff]*$/.test(text);
