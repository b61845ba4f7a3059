// The replay server (src/cli/replay/server.ts) and the command (src/cli/main.ts) in Node, over
// real sockets: routes, responses, CORS, endings, and the command line's errors. Timing is
// checked coarsely here; e2e/replay.test.ts measures it against a real browser's EventSource.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_COUNTERS, toCapture, type Capture } from '../src/shared/capture/capture';
import type { EventRecord, Stream } from '../src/shared/model';
import { toHar } from '../src/shared/capture/har';
import { run } from '../src/cli/main';
import { planReplay } from '../src/cli/replay/plan';
import { startReplayServer, type ReplayServer } from '../src/cli/replay/server';
import { stream, T0 } from './support/app-stream';

/** An EventSource that reconnected once; a fetch POST stream; an EventSource that got a 500. */
const streams: Stream[] = [
  stream({
    id: 'es',
    kind: 'eventsource',
    url: 'http://app.test/events?room=1',
    source: 'page-hook',
    listenedTypes: ['message', 'update'],
    attempts: [
      { n: 1, startedAt: T0, openedAt: T0 + 10, endedAt: T0 + 400, end: 'error', status: 200, headers: [['Content-Type', 'text/event-stream'], ['X-Custom', 'yes'], ['Content-Length', '999']] },
      { n: 2, startedAt: T0 + 700, openedAt: T0 + 710, endedAt: T0 + 800, end: 'closed' },
    ],
  }),
  stream({
    id: 'llm',
    kind: 'fetch',
    method: 'POST',
    url: 'http://app.test/v1/chat',
    source: 'response-body',
    listenedTypes: [],
    attempts: [{ n: 1, startedAt: T0, openedAt: T0 + 5, headersAt: T0 + 5, endedAt: T0 + 60, end: 'done', status: 200, statusText: 'OK', headers: [['content-type', 'text/event-stream']], discarded: 'data: cut' }],
  }),
  stream({
    id: 'broken',
    kind: 'eventsource',
    url: 'http://app.test/broken',
    source: 'page-hook',
    listenedTypes: ['message'],
    attempts: [{ n: 1, startedAt: T0, headersAt: T0 + 5, endedAt: T0 + 6, end: 'error', status: 500, statusText: 'Internal Server Error', contentType: 'text/html', headers: [['content-type', 'text/html']], failure: 'HTTP 500 text/html' }],
  }),
];

let seq = 1;
const rec = (streamId: string, attempt: number, time: number, over: Partial<EventRecord>): EventRecord => ({
  seq: seq++,
  kind: 'event',
  streamId,
  attempt,
  time,
  type: 'message',
  id: '',
  data: '',
  origin: 'http://app.test',
  size: 0,
  source: streamId === 'llm' ? 'response-body' : 'page-hook',
  ...over,
});
const events: EventRecord[] = [
  rec('es', 1, T0 + 10, { type: 'update', id: '1', data: 'one' }),
  rec('llm', 1, T0 + 10, { kind: 'comment', type: '', data: 'start' }),
  rec('llm', 1, T0 + 20, { data: '{"delta":"Hel"}', raw: 'data: {"delta":"Hel"}\r\n\r\n' }),
  rec('llm', 1, T0 + 40, { data: '{"delta":"lo"}', raw: 'data: {"delta":"lo"}\r\n\r\n' }),
  rec('es', 1, T0 + 260, { id: '2', data: 'two' }),
  rec('es', 2, T0 + 720, { id: '3', data: 'three' }),
];

const capture: Capture = toCapture(
  { streams, events, firstSeq: 1, pages: [{ n: 1, url: 'http://app.test/', startedAt: T0 }], counters: EMPTY_COUNTERS },
  { exportedAt: new Date(T0), tool: 'SSE Inspector test', userAgent: 'test', pageUrl: 'http://app.test/', scope: 'all', redacted: [] },
);

interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Body chunks with their arrival, ms after the response headers. */
  chunks: { at: number; text: string }[];
  /** How the body ended: 'end', 'error' (the connection dropped), or 'open' (we left). */
  ended: 'end' | 'error' | 'open';
}

/** One request; `leaveAfter`: stop reading after that many ms (for a response that stays open). */
function get(url: string, { method = 'GET', headers = {}, leaveAfter = 3000 }: { method?: string; headers?: Record<string, string>; leaveAfter?: number } = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const start = performance.now();
      const got: Got = { status: res.statusCode!, headers: res.headers, chunks: [], ended: 'open' };
      let settled = false;
      const settle = (ended: Got['ended']) => {
        if (settled) return;
        settled = true;
        got.ended = ended;
        clearTimeout(timer);
        resolve(got);
      };
      const timer = setTimeout(() => {
        settle('open');
        res.destroy();
      }, leaveAfter);
      res.setEncoding('utf8');
      res.on('data', (text: string) => got.chunks.push({ at: performance.now() - start, text }));
      res.on('end', () => settle('end'));
      res.on('error', () => settle('error'));
      res.on('aborted', () => settle('error'));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? '{"prompt":"hi"}' : undefined);
  });
}
const text = (g: Got) => g.chunks.map((c) => c.text).join('');

describe('the replay server', () => {
  let server: ReplayServer;
  beforeAll(async () => {
    server = await startReplayServer(planReplay(capture, 1));
  });
  afterAll(() => server?.close());

  it('listens on 127.0.0.1 at a free port', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('replays attempt 1, then attempt 2, then answers 204; at /streams/N and at the original path', async () => {
    const first = await get(`${server.url}/streams/1`, { headers: { origin: 'http://localhost:3000' } });
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('text/event-stream');
    expect(first.headers['x-custom']).toBe('yes');
    expect(first.headers['content-length']).toBeUndefined();
    expect(first.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(first.headers['access-control-allow-credentials']).toBe('true');
    // The measured reconnect delay (700 - 400 ms) as retry, then the events with their ids.
    expect(text(first)).toBe('retry: 300\n\nevent: update\nid: 1\ndata: one\n\nid: 2\ndata: two\n\n');
    expect(first.ended).toBe('error');
    // "two" came 250 ms after "one": it is held back (the bounds are loose, for loaded machines;
    // e2e/replay.test.ts measures the timing).
    const two = first.chunks.find((c) => c.text.includes('two'))!;
    expect(two.at).toBeGreaterThanOrEqual(150);
    expect(two.at).toBeLessThan(2000);

    const second = await get(`${server.url}/events?room=1`, { leaveAfter: 300 });
    expect(second.status).toBe(200);
    expect(text(second)).toBe('id: 3\ndata: three\n\n');
    expect(second.ended).toBe('open'); // closed by the page: the server keeps it open

    const third = await get(`${server.url}/streams/1`);
    expect(third.status).toBe(204);
    expect(server.connections[0]).toBe(3);
  });

  it('replays a fetch POST body as it came on the wire, to its end', async () => {
    const got = await get(`${server.url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(got.status).toBe(200);
    expect(text(got)).toBe(': start\n\ndata: {"delta":"Hel"}\r\n\r\ndata: {"delta":"lo"}\r\n\r\ndata: cut');
    expect(got.ended).toBe('end');
  });

  it('replays a failed attempt as its HTTP error', async () => {
    const got = await get(`${server.url}/streams/3`);
    expect(got.status).toBe(500);
    expect(got.headers['content-type']).toBe('text/html');
    expect(got.ended).toBe('end');
  });

  it('answers CORS preflights for any method and headers', async () => {
    const got = await get(`${server.url}/v1/chat`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization', 'access-control-request-private-network': 'true' },
    });
    expect(got.status).toBe(204);
    expect(got.headers).toMatchObject({
      'access-control-allow-origin': 'http://127.0.0.1:5173',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type,authorization',
      'access-control-allow-private-network': 'true',
    });
  });

  it('lists its streams at / as text or JSON, and answers 404 elsewhere', async () => {
    const plain = text(await get(`${server.url}/`));
    expect(plain).toContain(`#2 fetch POST http://app.test/v1/chat — 1 attempt, 2 events → ${server.url}/streams/2 (also ${server.url}/v1/chat)`);
    const json = JSON.parse(text(await get(`${server.url}/?json`)));
    expect(json.streams.map((s: { n: number; attempts: number }) => [s.n, s.attempts])).toEqual([
      [1, 2],
      [2, 1],
      [3, 1],
    ]);
    expect((await get(`${server.url}/events?room=2`)).status).toBe(404);
    expect((await get(`${server.url}/streams/9`)).status).toBe(404);
  });
});

describe('the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sse-replay-test-'));
  const file = join(dir, 'capture.sse-capture.json');
  writeFileSync(file, JSON.stringify(capture));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let stop = new AbortController();
  afterEach(() => stop.abort());

  /** Runs the command; resolves once it exits or has printed its last line. */
  function start(argv: string[]) {
    stop = new AbortController();
    const out: string[] = [];
    const err: string[] = [];
    const exit = run(argv, { out: (l) => out.push(l), err: (l) => err.push(l), stop: stop.signal });
    const ready = Promise.race([exit, new Promise<void>((resolve) => {
      const poll = setInterval(() => out.some((l) => l.includes('Ctrl-C')) && (clearInterval(poll), resolve()), 5);
      void exit.finally(() => clearInterval(poll));
    })]);
    return { out, err, exit, ready };
  }

  it('serves the file, prints one line per stream with its URL, and stops cleanly', async () => {
    const cli = start(['replay', file, '--speed', '2']);
    await cli.ready;
    expect(cli.out[0]).toBe(`Replaying ${file} (page http://app.test/, 2023-11-14T22:13:20.000Z) at 2× speed:`);
    const lines = cli.out.filter((l) => l.startsWith('#'));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^#1 eventsource GET http:\/\/app\.test\/events\?room=1 — 2 attempts, 3 events → (http:\/\/127\.0\.0\.1:\d+)\/streams\/1 \(also \1\/events\?room=1\)$/);
    const url = /→ (\S+)/.exec(lines[1]!)![1]!;
    const got = await get(url, { method: 'POST' });
    expect(text(got)).toContain('{"delta":"lo"}');
    stop.abort();
    expect(await cli.exit).toBe(0);
    expect(cli.out).toContain('Any web page open on this machine can read these streams while the replay runs (CORS is open to every origin).');
    expect(cli.out.at(-1)).toBe('Stopped.');
    await expect(get(url)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('replays a HAR exported by the panel the same way', async () => {
    const har = join(dir, 'capture.har');
    writeFileSync(har, JSON.stringify(toHar(capture)));
    const cli = start(['replay', har]);
    await cli.ready;
    expect(cli.out[0]).toBe(`Replaying ${har} at original timing:`);
    const lines = cli.out.filter((l) => l.startsWith('#'));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^#1 eventsource GET http:\/\/app\.test\/events\?room=1 — 2 attempts, 3 events → /);
    const got = await get(/→ (\S+)/.exec(lines[1]!)![1]!, { method: 'POST' });
    expect(text(got)).toContain('{"delta":"lo"}');
  });

  it.each([
    [['replay'], /which capture file/],
    [['replay', file, '--sped', '2'], /unknown option --sped/],
    [['replay', file, '--speed', 'fast'], /--speed must be a number above 0/],
    [['replay', file, '--speed', '-1'], /--speed must be a number above 0/],
    [['replay', file, '--port', '70000'], /--port must be a port number/],
    [['replay', file, '--port'], /--port needs a value/],
    [['replay', file, file], /one capture file at a time/],
    [['replay', join(dir, 'missing.json')], /cannot read .*missing\.json: no such file/],
    [['rewind', file], /unknown command rewind/],
  ])('%j: says what is wrong, exit 1', async (argv, message) => {
    const cli = start(argv);
    expect(await cli.exit).toBe(1);
    expect(cli.err[0]).toMatch(message);
    expect(cli.err.join('\n')).not.toMatch(/\n\s+at /); // no stack
  });

  it('a file that is no capture: the reader says why, exit 1', async () => {
    const bad = join(dir, 'bad.sse-capture.json');
    writeFileSync(bad, '{"format": "sse-inspector-capture", "vers');
    const cli = start(['replay', bad]);
    expect(await cli.exit).toBe(1);
    expect(cli.err).toEqual([expect.stringMatching(/^sse-inspector: Cannot open .*bad\.sse-capture\.json: it is not valid JSON/)]);
  });

  it('a port in use: says so, exit 1', async () => {
    const other = await startReplayServer(planReplay(capture));
    try {
      const cli = start(['replay', file, '--port', other.url.split(':')[2]!]);
      expect(await cli.exit).toBe(1);
      expect(cli.err[0]).toMatch(/port \d+ is in use/);
    } finally {
      await other.close();
    }
  });

  it('--help prints the usage, exit 0', async () => {
    const cli = start(['replay', '--help']);
    expect(await cli.exit).toBe(0);
    expect(cli.out[0]).toMatch(/^Usage: sse-inspector replay FILE/);
  });
});
