// The replay command end to end: streams captured by the extension in real Chromium, exported
// as a capture file, served by the built CLI (dist/cli/sse-inspector.js, a child process), and
// received by a real EventSource (and fetch) in Chromium: the same events in the same order,
// with the same timing (scaled by --speed), and a reconnect loop replayed as as many
// connections as were captured.
//
// Timing: each replayed event's offset from the previous one must be within TOLERANCE_MS of the
// captured offset divided by the speed (captured offsets: the records' arrival times in the
// page): within an attempt, and across each reconnect (so the reconnect delays the replay
// reproduces are checked too). Offsets from one event to the next, not from the first event:
// a late timer on a loaded machine then costs one offset, instead of every later one.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Frame } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launch, type Launched } from '../scripts/launch';
import { toCapture, type Capture } from '../src/shared/capture/capture';
import { readCapture } from '../src/shared/capture/read';
import type { EventRecord, PageInfo, Stream } from '../src/shared/model';
import type { Counters } from '../src/shared/protocol';
import { Pages, waitFor } from './harness/pages';
import { openWithPanel } from './harness/panel';

const CLI = resolve(process.env.SSE_DIST ?? 'dist', 'cli/sse-inspector.js');
const TOLERANCE_MS = 75;

/** The loop's attempts, and each one's events: at these ms after the response starts. */
const ATTEMPTS = 4;
const OFFSETS = [0, 90, 330];
/** How long after its last event the server closes each loop response. */
const CLOSE_AFTER_MS = 120;
/** The reconnect delay the server asks for (the page hook cannot see it: the replay measures it). */
const RETRY_MS = 300;
/** The fetch stream's body: written in these pieces, these ms after the response starts. */
const BODY: [number, string][] = [
  [0, ': hello\n\nretry: 200\n\n'],
  [40, 'event: delta\nid: a\ndata: {"text":"Hel"}\n\n'],
  [250, ': keep-alive\nevent: delta\ndata: {"text":"lo"}\r\n\r\n'],
  [260, 'data: two\ndata: lines\n\nevent: end\ndata: [DONE]\n\ndata: never dispatched'],
];

/**
 * The origin the page runs on:
 *   /loop   an event stream that sends three events (irregularly spaced), then closes: an
 *           EventSource reconnects (after RETRY_MS), attempt after attempt
 *   /body   the BODY stream, for a fetch() POST
 *   else    an empty page
 */
function startOrigin(): Promise<{ url: string; server: Server }> {
  let connection = 0;
  const server = createServer((req, res) => {
    req.resume();
    const timers: NodeJS.Timeout[] = [];
    res.on('close', () => timers.forEach(clearTimeout));
    const later = (ms: number, fn: () => void) => timers.push(setTimeout(fn, ms));
    if (req.url === '/loop') {
      const k = ++connection;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(`retry: ${RETRY_MS}\n\n`);
      OFFSETS.forEach((ms, i) => {
        const block =
          i === 0 ? `id: ${k}\ndata: attempt ${k} begins\n\n` : i === 1 ? `event: update\ndata: {"attempt":${k},"n":${i}}\n\n` : `id: ${k}-end\ndata: line one\ndata: line two\n\n`;
        later(ms, () => res.write(block));
      });
      later(OFFSETS.at(-1)! + CLOSE_AFTER_MS, () => res.end());
    } else if (req.url === '/body') {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'x-model': 'test' });
      for (const [ms, text] of BODY) later(ms, () => res.write(text));
      later(BODY.at(-1)![0] + 20, () => res.end());
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>replay</title>');
    }
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })));
}

/** What the capture page runs: the loop in an EventSource (closed after its last event), the body in a fetch POST. */
const CAPTURE_SCRIPT = `
  window.got = { loop: [], body: null };
  const es = new EventSource('/loop');
  const keep = (e) => {
    got.loop.push([e.type, e.lastEventId, e.data]);
    if (got.loop.length === ${ATTEMPTS * OFFSETS.length}) es.close();
  };
  es.onmessage = keep;
  es.addEventListener('update', keep);
  fetch('/body', { method: 'POST', body: '{"prompt":"hi"}' }).then((r) => r.text()).then((t) => (got.body = t));
`;

/** What the panel holds (its store), as a capture file. */
async function captureOf(panel: Frame, pageUrl: string): Promise<Capture> {
  const log = await panel.evaluate(() => {
    const store = (globalThis as any).sseInspectorStore;
    return { streams: [...store.streams.values()], events: store.events, pages: store.pages, counters: store.counters } as {
      streams: Stream[];
      events: EventRecord[];
      pages: PageInfo[];
      counters: Counters;
    };
  });
  return toCapture(
    { ...log, firstSeq: log.events[0]?.seq ?? 0 },
    { exportedAt: new Date(), tool: 'SSE Inspector e2e', userAgent: 'Chromium', pageUrl, scope: 'all', redacted: [] },
  );
}

interface Cli {
  child: ChildProcess;
  /** What it printed so far. */
  lines: string[];
  /** Resolves once it has printed its streams. */
  ready: Promise<void>;
  exited: Promise<number | null>;
}

/** The built CLI, replaying `file`, as a child process. */
function startReplay(file: string, args: string[]): Cli {
  const child = spawn(process.execPath, [CLI, 'replay', file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (line.includes('Ctrl-C')) resolve();
    });
    void exited.then((code) => reject(new Error(`the CLI exited (${code}): ${stderr}`)));
  });
  return { child, lines, ready, exited };
}

/** The replay URL printed for the stream whose original URL is `url`. */
function replayUrlOf(lines: string[], url: string): string {
  const line = lines.find((l) => l.includes(` ${url} — `));
  if (!line) throw new Error(`no line for ${url} in:\n${lines.join('\n')}`);
  return /→ (\S+)/.exec(line)![1]!;
}

/** What the replaying page runs: an EventSource on `url`, keeping each event and when it came. */
const REPLAY_SCRIPT = (url: string) => `
  window.rep = { events: [], opens: 0, errors: 0 };
  window.replayed = new EventSource(${JSON.stringify(url)});
  const keep = (e) => rep.events.push([e.type, e.lastEventId, e.data, performance.now()]);
  replayed.onmessage = keep;
  replayed.addEventListener('update', keep);
  replayed.onopen = () => rep.opens++;
  replayed.onerror = () => rep.errors++;
`;

interface Replayed {
  events: [string, string, string, number][];
  opens: number;
  errors: number;
}

describe('replay in chromium', () => {
  let origin: { url: string; server: Server };
  let launched: Launched;
  let dir: string;
  let file: string;
  let capture: Capture;
  /** What the capture page received. */
  let got: { loop: [string, string, string][]; body: string };
  let cli: Cli | undefined;
  const pages = new Pages(() => launched.browser);

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
    dir = mkdtempSync(join(tmpdir(), 'sse-replay-e2e-'));
    file = join(dir, 'loop.sse-capture.json');
    origin = await startOrigin();
    launched = await launch('chromium', { devtools: true });

    // Capture: the page's streams, seen in the real DevTools panel.
    const { page, panel } = await openWithPanel(launched, pages, `${origin.url}/`);
    await page.evaluate(CAPTURE_SCRIPT);
    got = await page
      .waitForFunction((n) => (window as any).got.loop.length === n && (window as any).got.body !== null && (window as any).got, { polling: 100, timeout: 30_000 }, ATTEMPTS * OFFSETS.length)
      .then((h) => h.jsonValue());
    capture = await waitFor(
      'the capture of both streams, with the network facts of every attempt',
      () => captureOf(panel, page.url()),
      (c) => {
        const loop = c.streams.find((s) => s.kind === 'eventsource');
        const body = c.streams.find((s) => s.kind === 'fetch');
        return (
          loop?.state === 'closed' &&
          loop.attempts.length === ATTEMPTS &&
          loop.attempts.every((a) => a.startedAt !== undefined && a.status === 200) &&
          c.events.filter((e) => e.streamId === loop.id).length === ATTEMPTS * OFFSETS.length &&
          body?.attempts[0]?.end === 'done' &&
          body.method === 'POST'
        );
      },
    );
    writeFileSync(file, JSON.stringify(capture, null, 1));
    // The file is one the import reads (the CLI reads it the same way).
    expect(readCapture(JSON.stringify(capture)).streams).toHaveLength(2);
    await pages.closeAll();
    await launched.close();

    // The replay is received by a plain Chromium: no extension, no DevTools opening with each
    // page (which loads the machine just when a stream starts, and blurs the timing).
    launched = await launch('chromium', { extension: false });
  });

  afterEach(async () => {
    await pages.closeAll();
    if (cli && cli.child.exitCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
    cli = undefined;
  });

  afterAll(async () => {
    await launched?.close();
    if (origin) {
      origin.server.closeAllConnections();
      await new Promise((r) => origin.server.close(r));
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Stops the CLI as Ctrl-C does: it must close its server and exit 0. */
  async function stopCli(): Promise<void> {
    cli!.child.kill('SIGINT');
    expect(await cli!.exited).toBe(0);
    expect(cli!.lines.at(-1)).toBe('Stopped.');
  }

  it('the capture holds the reconnect loop, attempt by attempt, and the fetch body', () => {
    const loop = capture.streams.find((s) => s.kind === 'eventsource')!;
    expect(loop.attempts.map((a) => a.end)).toEqual(['error', 'error', 'error', 'closed']);
    const records = capture.events.filter((e) => e.streamId === loop.id);
    expect(records.map((e) => [e.type, e.id, e.data])).toEqual(got.loop);
    expect(records.map((e) => e.attempt)).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
  });

  for (const speed of [1, 2]) {
    it(`replays the loop to a real EventSource at ${speed}× speed: same events, same timing, ${ATTEMPTS} connections`, async () => {
      cli = startReplay(file, speed === 1 ? [] : ['--speed', String(speed)]);
      await cli.ready;
      const loop = capture.streams.find((s) => s.kind === 'eventsource')!;
      const url = replayUrlOf(cli.lines, loop.url);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/streams\/\d+$/);

      // A page on another origin (the replay allows CORS) listens to it, as the app would.
      const page = await pages.open(`${origin.url}/`);
      await new Promise((r) => setTimeout(r, 200)); // let the new page settle
      await page.evaluate(REPLAY_SCRIPT(url));
      const n = ATTEMPTS * OFFSETS.length;
      await page.waitForFunction((count) => (window as any).rep.events.length >= count, { polling: 50, timeout: 30_000 }, n);
      // The last attempt was closed by the page: the replay holds it open; nothing more comes.
      await new Promise((r) => setTimeout(r, 600 / speed));
      const rep = (await page.evaluate(() => {
        (window as any).replayed.close();
        return (window as any).rep;
      })) as Replayed;

      expect(rep.events.map(([type, id, data]) => [type, id, data])).toEqual(got.loop);
      expect(rep.opens, 'one open per captured attempt').toBe(ATTEMPTS);
      expect(rep.errors, 'an error (then a reconnect) after each attempt but the last').toBe(ATTEMPTS - 1);
      const listing = (await (await fetch(`${url.replace(/\/streams\/\d+$/, '')}/?json`)).json()) as { streams: { url: string; connections: number }[] };
      expect(listing.streams.find((s) => s.url === loop.url)!.connections, 'connections the replay served').toBe(ATTEMPTS);

      // Timing: each event's offset from the previous one, against the capture's (over the speed).
      const captured = capture.events.filter((e) => e.streamId === loop.id).map((e) => e.time);
      const errors = rep.events.map(([, , , at], i) => (i === 0 ? 0 : at - rep.events[i - 1]![3] - (captured[i]! - captured[i - 1]!) / speed));
      const worst = Math.max(...errors.map(Math.abs));
      console.log(`replay at ${speed}×: timing errors (ms) ${errors.map((e) => e.toFixed(1)).join(' ')}; worst ${worst.toFixed(1)}`);
      expect(worst, `timing errors ${errors.map((e) => e.toFixed(1)).join(', ')}`).toBeLessThanOrEqual(TOLERANCE_MS);

      await stopCli();
    });
  }

  it('replays the fetch POST body as it came on the wire, then answers 204', async () => {
    cli = startReplay(file, []);
    await cli.ready;
    const body = capture.streams.find((s) => s.kind === 'fetch')!;
    // Also at its original path (unique in this capture).
    const path = new URL(body.url).pathname;
    const line = cli.lines.find((l) => l.includes(` ${body.url} — `))!;
    expect(line).toMatch(new RegExp(`^#\\d+ fetch POST ${body.url} — 1 attempt, 4 events → \\S+ \\(also http://127\\.0\\.0\\.1:\\d+${path}\\)$`));
    const url = /\(also (\S+)\)/.exec(line)![1]!;

    const page = await pages.open(`${origin.url}/`);
    const replayed = (await page.evaluate(async (u) => {
      const first = await fetch(u, { method: 'POST', body: '{"prompt":"hi"}', headers: { 'content-type': 'application/json' } });
      const text = await first.text();
      const second = await fetch(u, { method: 'POST', body: '{}' });
      return { status: first.status, type: first.headers.get('content-type'), model: first.headers.get('x-model'), text, again: second.status };
    }, url)) as { status: number; type: string; model: string; text: string; again: number };
    expect(replayed).toEqual({ status: 200, type: 'text/event-stream; charset=utf-8', model: 'test', text: got.body, again: 204 });
    expect(got.body).toBe(BODY.map(([, text]) => text).join(''));
    await stopCli();
  });
});
