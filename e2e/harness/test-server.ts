// A test-only SSE server for the browser suites (transparency, fidelity, frames, hostile):
// deterministic content (no clocks, no dates: `sendDate` is off), on 127.0.0.1 at an ephemeral
// port, with a second server on another port (same handler) as a cross-origin peer. Cookies
// are per host, not per port, so a cookie the page sets on 127.0.0.1 reaches the peer too
// (same site, other origin).
//
// Endpoints (every one takes `key`, which names the request for /count, /closed and /kill, and
// CORS parameters: acao=star|origin, acac=1, expose=<header names>):
//   /blank                      an empty HTML page (where the probes run)
//   /page?html=HTML             that HTML as a page: pages a test writes (frames, hostile scripts)
//   /sse?...                    a generated event stream, see sseScript(); also chunk=N (written in
//                               N-byte pieces, 1 ms apart), end=close|hang (hang: open until the
//                               client leaves or /kill), ctype=<Content-Type>, xheader=<X-Custom>
//   /raw?b64=BYTES              those bytes (base64url) as an event stream; also chunk=N and end=hang as /sse
//   /tick?ms=100&n=600          `id: i` and `data: tick i` every ms up to i = n, then ends (end=hang:
//                               stays open); i counts on from the Last-Event-ID sent, if any
//   /lastid                     echoes the Last-Event-ID it got: `id: N+1`, `data: last=<header>`, then ends
//   /echo                       one event with what the request carried (method, body size, cookie, ...),
//                               then ends (end=hang: stays open)
//   /redirect?to=URL&code=302   a redirect
//   /status?code=500&ctype=...  that status, with an SSE body (none for 204/304)
//   /noheaders                  never answers (until the client goes away)
//   /json                       a JSON document (Content-Type application/json, or ctype)
//   /count?key=K                how many requests with key K arrived
//   /closed?key=K&ms=5000       waits (up to ms) until the response with key K is closed: "closed" or "open"
//   /kill?key=K                 destroys the socket of the (hanging) response with key K
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SseEvent {
  type: string;
  /** The lastEventId the event is dispatched with. */
  id: string;
  data: string;
}

/** What a /sse stream sends: its bytes, and what they mean. */
export interface SseScript {
  body: Buffer;
  events: SseEvent[];
  /** Comment texts (after the colon, one leading space removed), in order. */
  comments: string[];
  retries: number[];
  /** The unterminated last block ('' when the stream ends with a blank line). */
  discarded: string;
}

const FILL = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UTF8_FILL = 'é€😀中ß'; // 2, 3, 4, 3 and 2 bytes in UTF-8

/**
 * The stream of /sse for these query parameters:
 *   n=3            events
 *   types=a,b      event types, in turn ('' or 'message': no `event:` line)
 *   id=1           `id: <i>` on each event (1-based); id=every3: only on every third
 *   comments=1     a comment line before each event
 *   retry=MS       a `retry:` field at the start
 *   size=N         each event's data padded to N characters
 *   utf8=1         multi-byte characters in every event's data
 *   multiline=1    data in three `data:` lines
 *   crlf=1         CRLF line ends (cr=1: CR alone)
 *   tail=1         a last block with no blank line after it (EventSource discards it)
 *   bom=1          a UTF-8 BOM first
 */
export function sseScript(q: URLSearchParams): SseScript {
  const n = Number(q.get('n') ?? 3);
  const types = (q.get('types') ?? '').split(',');
  const eol = q.get('crlf') === '1' ? '\r\n' : q.get('cr') === '1' ? '\r' : '\n';
  const size = Number(q.get('size') ?? 0);
  const idMode = q.get('id');
  const parts: string[] = [];
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  if (q.get('bom') === '1') parts.push('\uFEFF');
  if (q.has('retry')) {
    const ms = Number(q.get('retry'));
    parts.push(`retry: ${ms}${eol}`);
    retries.push(ms);
  }
  let lastId = '';
  for (let i = 1; i <= n; i++) {
    const type = types[(i - 1) % types.length] ?? '';
    let data = `e${i}`;
    if (q.get('utf8') === '1') data += ` ${UTF8_FILL.repeat(1 + (i % 3))}`;
    if (size > data.length) {
      const pad = size - data.length - 1;
      data += ` ${FILL.repeat(Math.ceil(pad / FILL.length)).slice(0, pad)}`;
    }
    let block = '';
    if (q.get('comments') === '1') {
      const text = `c${i}`;
      block += `: ${text}${eol}`;
      comments.push(text);
    }
    if (type !== '' && type !== 'message') block += `event: ${type}${eol}`;
    if (idMode === '1' || (idMode === 'every3' && i % 3 === 0)) {
      lastId = String(i);
      block += `id: ${lastId}${eol}`;
    }
    if (q.get('multiline') === '1') {
      const lines = [data, `line2 of ${i}`, ''];
      block += lines.map((l) => `data: ${l}${eol}`).join('');
      data = lines.join('\n');
    } else {
      block += `data: ${data}${eol}`;
    }
    parts.push(block + eol);
    events.push({ type: type === '' ? 'message' : type, id: lastId, data });
  }
  let discarded = '';
  if (q.get('tail') === '1') {
    discarded = `data: tail never dispatched${eol}`;
    parts.push(discarded);
  }
  return { body: Buffer.from(parts.join(''), 'utf8'), events, comments, retries, discarded };
}

export interface TestServer {
  /** http://127.0.0.1:PORT — the pages' origin. */
  origin: string;
  /** http://127.0.0.1:OTHER — another origin, same site (cookies reach it). */
  peer: string;
  /** Requests seen per key. */
  count(key: string): number;
  close(): Promise<void>;
}

interface KeyState {
  count: number;
  open: ServerResponse | undefined;
  closed: boolean;
  waiters: (() => void)[];
}

const SSE = 'text/event-stream';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes `body` as /sse and /raw do: chunk=N (N-byte pieces, 1 ms apart) and end=close|hang. */
async function writeBody(res: ServerResponse, body: Buffer, q: URLSearchParams): Promise<void> {
  const chunk = Number(q.get('chunk') ?? 0);
  if (chunk > 0) {
    // Small writes, each on its own tick: the client gets the body in many pieces,
    // cut inside lines, inside CRLF and inside multi-byte characters.
    for (let i = 0; i < body.length && !res.destroyed; i += chunk) {
      res.write(body.subarray(i, i + chunk));
      await sleep(1);
    }
  } else {
    // In pieces of 64 KiB, so a large body does not sit in one buffer.
    for (let i = 0; i < body.length; i += 65536) res.write(body.subarray(i, i + 65536));
  }
  // 'hang': stay open until the client leaves or /kill.
  if ((q.get('end') ?? 'close') === 'close') res.end();
}

export async function startTestServer(): Promise<TestServer> {
  const keys = new Map<string, KeyState>();
  const stateOf = (key: string): KeyState => {
    let s = keys.get(key);
    if (!s) keys.set(key, (s = { count: 0, open: undefined, closed: false, waiters: [] }));
    return s;
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    res.sendDate = false;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const q = url.searchParams;
    const cors: Record<string, string> = {};
    const acao = q.get('acao');
    if (acao === 'star') cors['Access-Control-Allow-Origin'] = '*';
    if (acao === 'origin') cors['Access-Control-Allow-Origin'] = req.headers.origin ?? 'null';
    if (q.get('acac') === '1') cors['Access-Control-Allow-Credentials'] = 'true';
    if (q.has('expose')) cors['Access-Control-Expose-Headers'] = q.get('expose')!;
    const key = q.get('key');
    if (key !== null && !['/count', '/closed', '/kill'].includes(url.pathname)) {
      const s = stateOf(key);
      s.count++;
      s.open = res;
      s.closed = false;
      res.on('close', () => {
        s.closed = true;
        if (s.open === res) s.open = undefined;
        for (const w of s.waiters.splice(0)) w();
      });
    }
    const sseHead = (status = 200, extra: Record<string, string> = {}) =>
      res.writeHead(status, { 'Content-Type': q.get('ctype') ?? SSE, 'Cache-Control': 'no-cache', ...cors, ...extra });

    switch (url.pathname) {
      case '/blank':
        return void res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><title>probe</title><body></body>');
      case '/page':
        return void res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(q.get('html') ?? '');
      case '/favicon.ico':
        return void res.writeHead(404).end();
      case '/sse':
        sseHead(200, q.has('xheader') ? { 'X-Custom': q.get('xheader')! } : {});
        return void writeBody(res, sseScript(q).body, q);
      case '/raw':
        sseHead();
        return void writeBody(res, Buffer.from(q.get('b64') ?? '', 'base64url'), q);
      case '/tick': {
        sseHead();
        const n = Number(q.get('n') ?? 600);
        let i = Number(req.headers['last-event-id'] ?? 0) || 0;
        const timer = setInterval(() => {
          if (++i > n) {
            clearInterval(timer);
            if (q.get('end') !== 'hang') res.end();
            return;
          }
          res.write(`id: ${i}\ndata: tick ${i}\n\n`);
        }, Number(q.get('ms') ?? 100));
        res.on('close', () => clearInterval(timer));
        return;
      }
      case '/lastid': {
        const last = req.headers['last-event-id'];
        const n = Number(last ?? 0) || 0;
        sseHead();
        return void res.end(`retry: ${Number(q.get('retry') ?? 10)}\nid: ${n + 1}\ndata: last=${last ?? '(none)'}\n\n`);
      }
      case '/echo': {
        let bytes = 0;
        req.on('data', (c: Buffer) => (bytes += c.length));
        req.on('end', () => {
          const facts = {
            method: req.method,
            bytes,
            contentType: req.headers['content-type'] ?? null,
            lastEventId: req.headers['last-event-id'] ?? null,
            cookie: req.headers.cookie ?? null,
            origin: req.headers.origin ?? null,
            accept: req.headers.accept ?? null,
          };
          sseHead();
          res.write(`data: ${JSON.stringify(facts)}\n\n`);
          if (q.get('end') === 'hang') return;
          res.end();
        });
        return;
      }
      case '/redirect':
        return void res.writeHead(Number(q.get('code') ?? 302), { Location: q.get('to') ?? '/blank', ...cors }).end();
      case '/status': {
        const code = Number(q.get('code') ?? 500);
        sseHead(code);
        return void res.end(code === 204 || code === 304 ? undefined : 'data: x\n\n');
      }
      case '/noheaders':
        return; // never answers
      case '/json':
        return void res.writeHead(200, { 'Content-Type': q.get('ctype') ?? 'application/json', ...cors }).end('{"a":[1,2,3],"b":"x"}');
      case '/count':
        return void res.writeHead(200, { 'Content-Type': 'text/plain', ...cors }).end(String(keys.get(q.get('key') ?? '')?.count ?? 0));
      case '/closed': {
        const s = stateOf(q.get('key') ?? '');
        let answered = false;
        const answer = () => {
          if (answered || res.headersSent) return;
          answered = true;
          res.writeHead(200, { 'Content-Type': 'text/plain', ...cors }).end(s.closed ? 'closed' : 'open');
        };
        if (s.closed) return void answer();
        setTimeout(answer, Number(q.get('ms') ?? 5000));
        s.waiters.push(answer);
        return;
      }
      case '/kill': {
        const s = keys.get(q.get('key') ?? '');
        const victim = s?.open;
        victim?.socket?.destroy();
        return void res.writeHead(200, { 'Content-Type': 'text/plain', ...cors }).end(victim ? 'killed' : 'none');
      }
      default:
        return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  };

  const servers: Server[] = [];
  const listen = async (): Promise<string> => {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const close = () =>
    Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.closeAllConnections();
            s.close(() => resolve());
          }),
      ),
    ).then(() => undefined);
  try {
    const origin = await listen();
    const peer = await listen();
    return { origin, peer, count: (key) => keys.get(key)?.count ?? 0, close };
  } catch (e) {
    await close();
    throw e;
  }
}
