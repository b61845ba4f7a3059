// Soak test: a fast SSE stream for a long time, with the SSE panel open on it, while we watch
// whether the panel keeps up and whether memory levels off once the background's log is full.
//
//   npx tsx scripts/soak.ts [--browser chromium|firefox] [--minutes 30] [--rate 200]
//                           [--fetch] [--max-events N] [--sample-seconds 10] [--no-gc]
//                           [--out artifacts/soak-<browser>.json]
//
// It serves its own stream on 127.0.0.1 (ephemeral port), launches the browser with the built
// extension (SSE_DIST selects the build, as for scripts/launch.ts), opens a page that consumes
// the stream with an EventSource (and a fetch() stream with --fetch), opens the panel on that
// tab, and samples every ~10 s: events the page got, events the panel shows, and memory.
// Samples go to --out as they are taken (a killed run still leaves its data); the summary
// table, memory slopes (MB/min) and checks are printed at the end, also on Ctrl-C.
//
// The figures, briefly (`legend` below, also written to the JSON, says exactly what each is):
// page/panel events and their difference (lag); the JS heaps of the extension's worker
// (Firefox: background page), of the panel and of the page; Chromium also the DevTools front
// end's; the extension process's RSS; RSS and PSS summed over the browser's process tree.
// Heaps are read after a forced garbage collection (--no-gc: as they are), so a slope is
// retained memory, not garbage waiting for the next GC.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { Browser, Frame, Page, Target } from 'puppeteer-core';
import { attempt, heapOf, MB, processMemory, readPanel, toMB, within, type PanelCounts } from './measure';
import { prng } from '../test/support/prng';
import { DIST, evaluateInFirefoxChrome, launch, type BrowserName, type Launched } from './launch';
import { gotoExtensionPage, openPanel, PANEL_PATH } from './open-panel';

// ---------------------------------------------------------------------------------------------
// Options

const { values: args } = parseArgs({
  options: {
    browser: { type: 'string', default: 'chromium' },
    minutes: { type: 'string', default: '30' },
    rate: { type: 'string', default: '200' },
    out: { type: 'string' },
    fetch: { type: 'boolean', default: false },
    'max-events': { type: 'string' },
    'sample-seconds': { type: 'string', default: '10' },
    'no-gc': { type: 'boolean', default: false },
  },
});
const browserName: BrowserName | undefined =
  args.browser === 'firefox' ? 'firefox' : args.browser === 'chromium' || args.browser === 'chrome' ? 'chromium' : undefined;
if (!browserName) throw new Error(`--browser must be chromium or firefox, not ${args.browser}`);
const minutes = positive('minutes', args.minutes);
const rate = positive('rate', args.rate);
const sampleMs = positive('sample-seconds', args['sample-seconds']) * 1000;
const maxEvents = args['max-events'] === undefined ? undefined : Math.round(positive('max-events', args['max-events']));
const gc = !args['no-gc'];
const outFile = args.out ?? `artifacts/soak-${browserName}.json`;
const durationMs = minutes * 60_000;

function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, not ${value}`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// The SSE server: `rate` events a second on each stream, with ids, a few event types and a
// JSON payload of 100–300 bytes; a comment every 15 s as a real server's keep-alive.

/** `message` has no `event:` line; the page listens to every type (EventSource only dispatches those). */
const EVENT_TYPES = ['message', 'message', 'message', 'price', 'price', 'log', 'notification'] as const;
const LISTENED_TYPES = [...new Set(EVENT_TYPES)];
const WORDS = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua'.split(' ');
const TICK_MS = 20;
const KEEPALIVE_MS = 15_000;
/** Past this much unsent data we wait for the client instead of buffering without end. */
const MAX_BUFFERED = 1 * MB;

type StreamKind = 'es' | 'fetch';

interface SoakServer {
  url: string;
  /** Events written so far, per stream kind. */
  sent: Record<StreamKind, number>;
  /** Connections so far, per stream kind (more than one EventSource connection is a reconnect). */
  connections: Record<StreamKind, number>;
  close(): Promise<void>;
}

function eventText(seq: number): string {
  // Seeded by the event's number: event n has the same payload in every run.
  const rnd = prng(seq);
  const type = EVENT_TYPES[Math.floor(rnd() * EVENT_TYPES.length)]!;
  const body: Record<string, unknown> = { seq, ts: Date.now(), type };
  if (type === 'price') Object.assign(body, { symbol: ['ACME', 'INIT', 'GLOB', 'UMBR'][seq % 4], price: +(100 + rnd() * 50).toFixed(2), volume: Math.floor(rnd() * 10_000) });
  else if (type === 'log') Object.assign(body, { level: ['debug', 'info', 'warn'][seq % 3], logger: 'soak.server' });
  else if (type === 'notification') Object.assign(body, { user: { id: 1000 + (seq % 97), name: `user${seq % 97}` }, unread: seq % 13 });
  else Object.assign(body, { room: `room-${seq % 7}`, author: `user${seq % 31}` });
  const target = 100 + Math.floor(rnd() * 200);
  let text = '';
  while (JSON.stringify({ ...body, text }).length < target) text += (text ? ' ' : '') + WORDS[Math.floor(rnd() * WORDS.length)];
  body.text = text;
  return `${type === 'message' ? '' : `event: ${type}\n`}id: ${seq}\ndata: ${JSON.stringify(body)}\n\n`;
}

const PAGE_HTML = `<!doctype html>
<meta charset="utf-8">
<title>SSE soak</title>
<p>SSE soak: <span id="count">0</span> events</p>
<script>
  // Counters only: the page must not keep what it receives, or its own memory would grow.
  const soak = (window.soak = { es: 0, fetch: 0, esOpens: 0, esErrors: 0, esLastId: '', fetchState: 'off', fetchError: '' });
  const es = new EventSource('/stream?kind=es');
  const onEvent = (e) => { soak.es++; soak.esLastId = e.lastEventId; };
  for (const type of ${JSON.stringify(LISTENED_TYPES)}) es.addEventListener(type, onEvent);
  es.onopen = () => soak.esOpens++;
  es.onerror = () => soak.esErrors++;
  soak.esState = () => es.readyState;
  if (new URLSearchParams(location.search).has('fetch')) {
    soak.fetchState = 'connecting';
    (async () => {
      const response = await fetch('/stream?kind=fetch', { headers: { Accept: 'text/event-stream' } });
      soak.fetchState = 'open';
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        // The server ends every block with a blank line; a block with data is an event.
        let end;
        while ((end = buffer.indexOf('\\n\\n')) >= 0) {
          if (/^data:/m.test(buffer.slice(0, end))) soak.fetch++;
          buffer = buffer.slice(end + 2);
        }
      }
      soak.fetchState = 'ended';
    })().catch((e) => { soak.fetchState = 'error'; soak.fetchError = String(e); });
  }
  setInterval(() => { document.getElementById('count').textContent = soak.es + soak.fetch; }, 1000);
</script>
`;

async function startSoakServer(eventsPerSecond: number): Promise<SoakServer> {
  const sent: Record<StreamKind, number> = { es: 0, fetch: 0 };
  const connections: Record<StreamKind, number> = { es: 0, fetch: 0 };
  const stream = (req: IncomingMessage, res: ServerResponse, kind: StreamKind) => {
    connections[kind]++;
    // An EventSource that reconnects resumes after the last id it got.
    let seq = Number(req.headers['last-event-id'] ?? 0) || 0;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    const start = performance.now();
    let written = 0;
    const timer = setInterval(() => {
      if (res.writableLength > MAX_BUFFERED) return;
      // Paced by the clock, not by tick count: timers drift, the rate must not.
      const due = Math.min(Math.floor(((performance.now() - start) * eventsPerSecond) / 1000) - written, eventsPerSecond);
      if (due <= 0) return;
      let chunk = '';
      for (let i = 0; i < due; i++) chunk += eventText(++seq);
      res.write(chunk);
      written += due;
      sent[kind] += due;
    }, TICK_MS);
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    res.on('close', () => {
      clearInterval(timer);
      clearInterval(keepalive);
    });
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/') return void res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE_HTML);
    if (url.pathname === '/stream') return stream(req, res, url.searchParams.get('kind') === 'fetch' ? 'fetch' : 'es');
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    sent,
    connections,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Samples

interface PageCounts {
  es: number;
  fetch: number;
  esState: number;
  esOpens: number;
  esErrors: number;
  esLastId: string;
  fetchState: string;
  fetchError: string;
}

interface Memory {
  workerHeapMB: number | null;
  panelHeapMB: number | null;
  pageHeapMB: number | null;
  devtoolsHeapMB: number | null;
  /** Firefox: the extension process's whole JS runtime (background, panel and more). */
  extJsRuntimeMB: number | null;
  extRssMB: number | null;
  pageRssMB: number | null;
  rssMB: number | null;
  pssMB: number | null;
  processes: number;
}

interface Sample {
  /** Seconds since the page was opened. */
  t: number;
  at: string;
  server: Record<StreamKind, number>;
  serverConnections: Record<StreamKind, number>;
  page: PageCounts | null;
  panel: PanelCounts | null;
  pageEvents: number | null;
  panelEvents: number | null;
  lag: number | null;
  /** The panel's count did not move while the page's did, since the previous sample. */
  panelStalled: boolean;
  workerRestarts: number;
  memory: Memory;
  /** How long taking this sample took (GC and reads). */
  sampleMs: number;
  errors: string[];
}

/** What differs between the browsers: how memory is read. */
interface MemoryProbe {
  read(errors: string[]): Promise<Memory>;
  workerRestarts(): number;
}


function readPage(page: Page): Promise<PageCounts> {
  return page.evaluate(() => {
    const s = (window as unknown as { soak: PageCounts & { esState: () => number } }).soak;
    return { es: s.es, fetch: s.fetch, esState: s.esState(), esOpens: s.esOpens, esErrors: s.esErrors, esLastId: s.esLastId, fetchState: s.fetchState, fetchError: s.fetchError };
  });
}

function chromiumProbe(launched: Launched, page: Page, panel: Frame): MemoryProbe {
  const origin = launched.extensionOrigin!;
  let worker: Target | undefined;
  let restarts = 0;
  const pid = launched.browser.process()?.pid;
  return {
    workerRestarts: () => restarts,
    async read(errors) {
      const targets = launched.browser.targets();
      const current = targets.find((t) => t.type() === 'service_worker' && t.url().startsWith(`${origin}/`));
      // A new Target object is a new worker: the old one was stopped (idle or crashed).
      if (worker && current && current !== worker) restarts++;
      worker = current ?? worker;
      // The DevTools panel's own document (the test helpers' tabs carry ?tabId=).
      const panelTarget = targets.find((t) => t.url() === `${origin}${PANEL_PATH}`);
      const workerHeap = await attempt('worker heap', errors, () => heapOf(current, gc));
      const panelHeap = await attempt('panel heap', errors, () => heapOf(panelTarget, gc));
      const pageHeap = await attempt('page heap', errors, () => heapOf(page.target(), gc));
      const devtoolsHeap = await attempt('devtools heap', errors, () => heapOf(panel.page().target(), gc));
      return {
        workerHeapMB: toMB(workerHeap),
        panelHeapMB: toMB(panelHeap),
        pageHeapMB: toMB(pageHeap),
        devtoolsHeapMB: toMB(devtoolsHeap),
        extJsRuntimeMB: null,
        // Chromium marks the renderer of an extension's pages and worker on its command line.
        ...processMemory(pid, (p) => p.cmdline.includes('--type=renderer') && p.cmdline.includes(' --extension-process '), undefined),
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Firefox: no CDP heaps. With system access (launch.ts passes --remote-allow-system-access),
// WebDriver BiDi evaluates in the browser's chrome window: there we turn on
// `performance.mozMemory` (pref dom.enable_memory_stats), force GCs and learn each process's
// type. mozMemory only appears in documents created after the pref, so the extension is
// reloaded once, before the page opens, to give its background page a fresh document.

/** Firefox's chrome context, for expressions that produce a JSON string. */
class FirefoxChrome {
  constructor(private readonly browser: Browser) {}

  async json<T>(expression: string): Promise<T> {
    const value = await evaluateInFirefoxChrome(this.browser, expression);
    if (typeof value !== 'string') throw new Error(`chrome eval gave ${typeof value}, not JSON text`);
    return JSON.parse(value) as T;
  }
}

/** Turns on performance.mozMemory and reloads the extension so its background page has it too. */
async function prepareFirefox(launched: Launched): Promise<FirefoxChrome> {
  const chrome = new FirefoxChrome(launched.browser);
  await chrome.json(`(Services.prefs.setBoolPref('dom.enable_memory_stats', true), '1')`);
  const helper = await launched.browser.newPage();
  await gotoExtensionPage(helper, `${launched.extensionOrigin}${PANEL_PATH}?tabId=-1`);
  // Later than this call: runtime.reload() closes the page it is called from.
  await helper.evaluate(() => void setTimeout(() => (globalThis as unknown as { browser: { runtime: { reload(): void } } }).browser.runtime.reload(), 50));
  await sleep(500);
  await helper.close().catch(() => undefined);
  const end = Date.now() + 20_000;
  for (;;) {
    const probe = await launched.browser.newPage();
    try {
      await within(gotoExtensionPage(probe, `${launched.extensionOrigin}${PANEL_PATH}?tabId=-1`), 'extension page', 5000);
      const ready = await probe.evaluate(async () => {
        const bg = await (globalThis as unknown as { browser: { runtime: { getBackgroundPage(): Promise<Window | null> } } }).browser.runtime.getBackgroundPage();
        return (bg?.performance as unknown as { mozMemory?: unknown } | undefined)?.mozMemory !== undefined;
      });
      if (ready) return chrome;
    } catch {
      // Still reloading.
    } finally {
      await probe.close().catch(() => undefined);
    }
    if (Date.now() > end) throw new Error('the extension did not come back after its reload');
    await sleep(250);
  }
}

interface MozMemory {
  gc: { gcBytes: number; mallocBytes: number; zone: { gcBytes: number; mallocBytes: number } };
}

function firefoxProbe(launched: Launched, chrome: FirefoxChrome, page: Page, panel: Frame, pageOrigin: string): MemoryProbe {
  const pid = launched.browser.process()?.pid;
  return {
    workerRestarts: () => 0,
    async read(errors) {
      if (gc) {
        // What about:memory's GC and CC buttons do; the children collect asynchronously.
        await attempt('gc', errors, () =>
          chrome.json(`(Services.obs.notifyObservers(null, 'child-gc-request'), Services.obs.notifyObservers(null, 'child-cc-request'), Cu.forceGC(), '1')`),
        );
        await sleep(1500);
      }
      const procs = await attempt('process types', errors, () =>
        chrome.json<{ pid: number; type: string; urls: string[] }[]>(
          `ChromeUtils.requestProcInfo().then((i) => JSON.stringify(i.children.map((c) => ({ pid: c.pid, type: c.type, urls: c.windows.map((w) => w.documentURI?.spec ?? '') }))))`,
        ),
      );
      const extPids = new Set((procs ?? []).filter((p) => p.type === 'extension').map((p) => p.pid));
      const pagePid = procs?.find((p) => p.type !== 'extension' && p.urls.some((u) => u.startsWith(pageOrigin)))?.pid;
      const pageMem = await attempt('page heap', errors, () =>
        page.evaluate(() => {
          const g = (performance as unknown as { mozMemory: MozMemory }).mozMemory.gc;
          return g.gcBytes + g.mallocBytes;
        }),
      );
      const ext = await attempt('panel/background heap', errors, () =>
        panel.evaluate(async () => {
          const runtime = (globalThis as unknown as { browser: { runtime: { getBackgroundPage(): Promise<Window | null> } } }).browser.runtime;
          const bg = await runtime.getBackgroundPage();
          const mine = (performance as unknown as { mozMemory: MozMemory }).mozMemory.gc;
          const theirs = (bg?.performance as unknown as { mozMemory?: MozMemory } | undefined)?.mozMemory?.gc;
          return {
            panel: mine.zone.gcBytes + mine.zone.mallocBytes,
            background: theirs ? theirs.zone.gcBytes + theirs.zone.mallocBytes : null,
            runtime: mine.gcBytes + mine.mallocBytes,
          };
        }),
      );
      return {
        workerHeapMB: toMB(ext?.background),
        panelHeapMB: toMB(ext?.panel),
        pageHeapMB: toMB(pageMem),
        devtoolsHeapMB: null,
        extJsRuntimeMB: toMB(ext?.runtime),
        ...processMemory(pid, (p) => extPids.has(p.pid), pagePid),
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// --max-events: the per-tab bound is becoming a setting the panel writes to storage.local
// (key `settings`, field maxEvents) and the background reads; builds before that ignore it,
// which the checks at the end report.

/** Returns what happened: written, or why not. */
async function writeMaxEvents(launched: Launched, n: number): Promise<string> {
  const helper = await launched.browser.newPage();
  try {
    await gotoExtensionPage(helper, `${launched.extensionOrigin}${PANEL_PATH}?tabId=-1`);
    return await helper.evaluate(async (max: number) => {
      type Area = { get(key: string): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void> };
      const g = globalThis as unknown as { browser?: { storage?: { local: Area } }; chrome?: { storage?: { local: Area } } };
      // Without the "storage" permission the API is simply absent.
      const local = (g.browser ?? g.chrome)?.storage?.local;
      if (!local) return 'not written: this build has no storage API (no "storage" permission)';
      const { settings } = await local.get('settings');
      await local.set({ settings: { ...(typeof settings === 'object' ? settings : {}), maxEvents: max } });
      return 'written to storage.local settings.maxEvents';
    }, n);
  } finally {
    await helper.close().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// Summary

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number | null {
  if (points.length < 3) return null;
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? null : num / den;
}

const SERIES = [
  ['workerHeapMB', 'worker heap'],
  ['panelHeapMB', 'panel heap'],
  ['pageHeapMB', 'page heap'],
  ['devtoolsHeapMB', 'devtools heap'],
  ['extJsRuntimeMB', 'ext JS runtime'],
  ['extRssMB', 'ext process RSS'],
  ['pageRssMB', 'page process RSS'],
  ['rssMB', 'total RSS'],
  ['pssMB', 'total PSS'],
] as const satisfies readonly (readonly [keyof Memory, string])[];

/** MB per minute of each memory figure over `samples`. */
function slopes(samples: Sample[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [key] of SERIES) {
    const points = samples.flatMap((s): [number, number][] => (s.memory[key] === null ? [] : [[s.t / 60, s.memory[key]]]));
    out[key] = slope(points);
  }
  return out;
}

function summarise(samples: Sample[]) {
  const last = samples[samples.length - 1];
  const endT = last?.t ?? 0;
  const secondHalf = samples.filter((s) => s.t >= endT / 2);
  const firstDrop = samples.find((s) => (s.panel?.dropped ?? 0) > 0);
  const afterBound = firstDrop ? samples.filter((s) => s.t >= firstDrop.t) : [];
  const lags = samples.flatMap((s) => (s.lag === null ? [] : [s.lag]));
  const half = (from: number, to: number) => samples.filter((s) => s.t >= from && s.t < to && s.lag !== null).map((s) => s.lag!);
  const maxOf = (xs: number[]) => (xs.length ? Math.max(...xs) : null);
  const pageEnd = last?.pageEvents ?? 0;
  return {
    durationS: endT,
    slopesSecondHalfMBPerMin: slopes(secondHalf),
    slopesAfterBoundMBPerMin: afterBound.length >= 3 ? slopes(afterBound) : null,
    boundReachedAtS: firstDrop?.t ?? null,
    panelStalls: samples.filter((s) => s.panelStalled).map((s) => s.t),
    panelUnreadable: samples.filter((s) => s.panel === null).map((s) => s.t),
    lag: {
      final: last?.lag ?? null,
      finalSeconds: last?.lag === null || last === undefined ? null : last.lag / (rate * (args.fetch ? 2 : 1)),
      max: maxOf(lags),
      maxFirstHalf: maxOf(half(0, endT / 2)),
      maxSecondHalf: maxOf(half(endT / 2, Infinity)),
    },
    page: {
      events: pageEnd,
      esErrors: last?.page?.esErrors ?? null,
      esOpens: last?.page?.esOpens ?? null,
      fetchState: last?.page?.fetchState ?? null,
      /** Sent by the server but not (yet) counted by the page. */
      behindServer: last ? last.server.es + last.server.fetch - pageEnd : null,
    },
    workerRestarts: last?.workerRestarts ?? 0,
    unsavedWrites: last?.panel?.unsaved ?? null,
    /** Elements in the panel's document, first and last sample: a growing DOM is a leak. */
    panelDomNodes: { first: samples.find((s) => s.panel)?.panel?.domNodes ?? null, last: last?.panel?.domNodes ?? null },
    maxEvents:
      maxEvents === undefined
        ? null
        : {
            requested: maxEvents,
            setting: meta.maxEventsSetting,
            applied: !meta.maxEventsSetting?.startsWith('written')
              ? 'no: the setting could not be written'
              : pageEnd <= maxEvents * 1.1 ? 'not reached (the run received too few events to tell)' : (last?.panel?.dropped ?? 0) > 0 ? 'yes (events were dropped)' : 'NO: no event dropped; this build ignores the setting',
          },
  };
}

const f1 = (x: number | null | undefined) => (x === null || x === undefined ? '-' : x.toFixed(1));
const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`;

function printTable(samples: Sample[]): void {
  const chromium = browserName === 'chromium';
  const head = ['time', 'page ev', 'panel ev', 'lag', 'dropped', 'worker MB', 'panel MB', 'page MB', chromium ? 'devtools MB' : 'ext JS MB', 'ext RSS MB', 'RSS MB', 'PSS MB'];
  // Short runs: every sample; long ones: one a minute (all samples are in the JSON).
  const every = durationMs <= 5 * 60_000 ? 1 : Math.max(1, Math.round(60_000 / sampleMs));
  const rows = samples
    .filter((_, i) => i % every === 0 || i === samples.length - 1)
    .map((s) => [
      clock(s.t),
      String(s.pageEvents ?? '-'),
      String(s.panelEvents ?? '-') + (s.panelStalled ? '!' : ''),
      String(s.lag ?? '-'),
      String(s.panel?.dropped ?? '-'),
      f1(s.memory.workerHeapMB),
      f1(s.memory.panelHeapMB),
      f1(s.memory.pageHeapMB),
      f1(chromium ? s.memory.devtoolsHeapMB : s.memory.extJsRuntimeMB),
      f1(s.memory.extRssMB),
      f1(s.memory.rssMB),
      f1(s.memory.pssMB),
    ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of rows) console.log(line(r));
  console.log(`('!' after the panel count: it did not move since the previous sample while the page's did)`);
}

function printSummary(summary: ReturnType<typeof summarise>): void {
  const slopeLine = (label: string, s: Record<string, number | null> | null) => {
    if (!s) return console.log(`${label}: not enough samples`);
    const parts = SERIES.flatMap(([key, name]) => (s[key] === null || s[key] === undefined ? [] : [`${name} ${s[key]! >= 0 ? '+' : ''}${s[key]!.toFixed(2)}`]));
    if (parts.length === 0) return console.log(`${label}: not enough samples`);
    console.log(`${label} (MB/min): ${parts.join(', ')}`);
  };
  console.log('');
  slopeLine('Memory slope over the second half', summary.slopesSecondHalfMBPerMin);
  if (summary.boundReachedAtS !== null) slopeLine(`Memory slope since the bound was reached (${clock(summary.boundReachedAtS)})`, summary.slopesAfterBoundMBPerMin);
  else console.log('The background log bound was not reached (no dropped events): memory is still expected to grow.');
  const { lag } = summary;
  console.log(
    `Lag (page - panel events): final ${lag.final ?? '-'} (${f1(lag.finalSeconds)} s of stream), max ${lag.max ?? '-'}; max in first half ${lag.maxFirstHalf ?? '-'}, in second half ${lag.maxSecondHalf ?? '-'}`,
  );
  console.log(
    summary.panelStalls.length === 0
      ? 'Panel kept updating: its count rose in every interval.'
      : `PANEL STALLED at ${summary.panelStalls.map(clock).join(', ')} (its count did not move while the page's did).`,
  );
  if (summary.panelUnreadable.length > 0) console.log(`Panel unreadable (no answer) at ${summary.panelUnreadable.map(clock).join(', ')}.`);
  console.log(
    `Page: ${summary.page.events} events, EventSource opens ${summary.page.esOpens ?? '-'}, errors ${summary.page.esErrors ?? '-'}` +
      (args.fetch ? `, fetch stream ${summary.page.fetchState}` : '') +
      `; ${summary.page.behindServer ?? '-'} sent but not yet received.`,
  );
  if (summary.unsavedWrites) console.log(`The panel says ${summary.unsavedWrites} changes could not be stored (the background's writes to storage failed).`);
  console.log(`Panel DOM: ${summary.panelDomNodes.first ?? '-'} elements at first, ${summary.panelDomNodes.last ?? '-'} at the end.`);
  if (browserName === 'chromium') console.log(`Service worker restarts seen: ${summary.workerRestarts}.`);
  if (summary.maxEvents) console.log(`--max-events ${summary.maxEvents.requested}: applied? ${summary.maxEvents.applied}`);
}

// ---------------------------------------------------------------------------------------------
// The run

const stop = new AbortController();
let stopping = false;
const onSignal = (signal: NodeJS.Signals) => {
  // A second Ctrl-C while cleaning up: leave at once (puppeteer's exit hook kills the browser).
  if (stopping) process.exit(130);
  stopping = true;
  console.log(`\n${signal}: stopping, cleaning up…`);
  stop.abort();
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
// A stray rejection (e.g. from a puppeteer event) ends the run through the same cleanup.
process.on('unhandledRejection', (reason) => {
  console.error('Unhandled rejection:', reason);
  stop.abort();
});

const samples: Sample[] = [];
const meta = {
  browser: browserName,
  browserVersion: '',
  build: DIST[browserName],
  rate,
  minutes,
  fetch: args.fetch,
  maxEvents: maxEvents ?? null,
  maxEventsSetting: null as string | null,
  gcBeforeReading: gc,
  sampleSeconds: sampleMs / 1000,
  startedAt: new Date().toISOString(),
};
const legend = {
  pageEvents: "events the page's listeners received (EventSource + fetch stream)",
  panelEvents: "the event count in the panel's toolbar (all streams; dropped events still counted)",
  lag: 'pageEvents - panelEvents, read at the same moment',
  dropped: 'the panel\'s "N older events dropped": the background log\'s bound at work',
  workerHeapMB:
    browserName === 'chromium'
      ? "JS heap used by the extension's service worker (CDP Runtime.getHeapUsage)"
      : "GC heap + malloc'd bytes of the background page's zone (performance.mozMemory)",
  panelHeapMB:
    browserName === 'chromium'
      ? "JS heap used by the panel frame's isolate (extension process main thread: panel + the extension's devtools page(s))"
      : "GC heap + malloc'd bytes of the panel tab's zone (performance.mozMemory)",
  pageHeapMB:
    browserName === 'chromium'
      ? "JS heap used by the page's isolate (page + the extension's content scripts)"
      : "GC heap + malloc'd bytes of the page's content process runtime (page + content scripts)",
  devtoolsHeapMB: 'Chromium: JS heap of the DevTools front end hosting the panel (its Network panel records the EventSource messages too)',
  extJsRuntimeMB: "Firefox: the extension process's whole JS runtime (background, panel and anything else there)",
  extRssMB: "RSS of the extension's process (Chromium: renderer with --extension-process; Firefox: the 'extension' process)",
  pageRssMB: "Firefox: RSS of the page's content process (Chromium: not identified)",
  rssMB: "RSS summed over the browser's process tree (counts shared pages in every process)",
  pssMB: "PSS summed over the browser's process tree (shared pages split: fairer, but it drops when another instance of the browser starts and shares its pages)",
  gc: gc ? 'heaps read after a forced GC (Chromium: HeapProfiler.collectGarbage; Firefox: child-gc/cc-request)' : 'heaps read as they were (no forced GC)',
};

function save(summary?: ReturnType<typeof summarise>): void {
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify({ meta, legend, summary: summary ?? null, samples }, null, 1)}\n`);
}

let server: SoakServer | undefined;
let launched: Launched | undefined;
let exitCode = 0;

try {
  server = await startSoakServer(rate);
  console.log(`Soak: ${browserName}, ${rate} events/s${args.fetch ? ' on an EventSource and a fetch stream' : ' on an EventSource'}, ${minutes} min, build ${DIST[browserName]}`);
  console.log(`Stream server at ${server.url}; samples every ${sampleMs / 1000} s into ${outFile}`);

  // puppeteer's own signal handlers kill the browser and exit at once; ours clean up and report.
  const before = new Map((['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, new Set(process.listeners(s))]));
  launched = await launch(browserName, { devtools: true });
  for (const [signal, known] of before) for (const l of process.listeners(signal)) if (!known.has(l)) process.removeListener(signal, l);
  meta.browserVersion = await launched.browser.version();

  if (maxEvents !== undefined) {
    meta.maxEventsSetting = await writeMaxEvents(launched, maxEvents);
    console.log(`--max-events ${maxEvents}: ${meta.maxEventsSetting}`);
  }
  const chrome = browserName === 'firefox' ? await prepareFirefox(launched) : undefined;

  const page = await launched.browser.newPage();
  // Chromium opens DevTools with each tab: blank ones would only add DevTools windows to measure.
  for (const other of await launched.browser.pages()) if (other !== page && other.url() === 'about:blank') await other.close().catch(() => undefined);
  const pageUrl = `${server.url}${args.fetch ? '?fetch=1' : ''}`;
  await page.goto(pageUrl);
  const started = Date.now();
  const panel = await openPanel(launched, page);
  const probe = chrome ? firefoxProbe(launched, chrome, page, panel, server.url.replace(/\/$/, '')) : chromiumProbe(launched, page, panel);
  console.log(`Page ${pageUrl} and the SSE panel are open (${meta.browserVersion}).`);

  let disconnected = false;
  launched.browser.on('disconnected', () => {
    disconnected = true;
    stop.abort();
  });

  const takeSample = async (): Promise<Sample> => {
    const t0 = Date.now();
    const errors: string[] = [];
    const [pageCounts, panelCounts] = await Promise.all([
      attempt('page counts', errors, () => readPage(page)),
      attempt('panel counts', errors, () => readPanel(panel)),
    ]);
    const t = (Date.now() - started) / 1000;
    const sent = { ...server!.sent };
    const memory = await probe.read(errors);
    const pageEvents = pageCounts ? pageCounts.es + pageCounts.fetch : null;
    const panelEvents = panelCounts?.events ?? null;
    const prev = samples[samples.length - 1];
    return {
      t,
      at: new Date(t0).toISOString(),
      server: sent,
      serverConnections: { ...server!.connections },
      page: pageCounts,
      panel: panelCounts,
      pageEvents,
      panelEvents,
      lag: pageEvents !== null && panelEvents !== null ? pageEvents - panelEvents : null,
      panelStalled:
        prev !== undefined && prev.panelEvents !== null && panelEvents !== null && prev.pageEvents !== null && pageEvents !== null && pageEvents > prev.pageEvents && panelEvents <= prev.panelEvents,
      workerRestarts: probe.workerRestarts(),
      memory,
      sampleMs: Date.now() - t0,
      errors,
    };
  };

  let lastPrinted = -Infinity;
  for (let k = 0; ; k++) {
    // On a fixed schedule from the start, whatever a sample takes.
    const due = started + k * sampleMs;
    const final = due >= started + durationMs;
    await sleep(Math.max(0, Math.min(due, started + durationMs) - Date.now()), undefined, { signal: stop.signal }).catch(() => undefined);
    if (stop.signal.aborted) break;
    const s = await takeSample();
    samples.push(s);
    save();
    if (s.t - lastPrinted >= 59 || final) {
      lastPrinted = s.t;
      const m = s.memory;
      console.log(
        `[${clock(s.t).padStart(5)}] page ${s.pageEvents ?? '-'}  panel ${s.panelEvents ?? '-'}${s.panelStalled ? ' (STALLED)' : ''}  lag ${s.lag ?? '-'}  dropped ${s.panel?.dropped ?? '-'}  ` +
          `worker ${f1(m.workerHeapMB)} MB  panel ${f1(m.panelHeapMB)} MB  page ${f1(m.pageHeapMB)} MB  ` +
          (browserName === 'chromium' ? `devtools ${f1(m.devtoolsHeapMB)} MB  ` : `ext JS ${f1(m.extJsRuntimeMB)} MB  `) +
          `ext RSS ${f1(m.extRssMB)} MB  RSS ${f1(m.rssMB)} MB  PSS ${f1(m.pssMB)} MB` +
          (s.errors.length ? `  [${s.errors.join('; ')}]` : ''),
      );
    }
    if (final) break;
  }
  // A signal first: a Ctrl-C in a terminal may reach the browser too, which then disconnects.
  if (stopping) exitCode = 130;
  else if (disconnected) {
    console.log('The browser went away (crash or closed): stopping early.');
    exitCode = 1;
  }
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  const summary = summarise(samples);
  if (samples.length > 0) {
    printTable(samples);
    printSummary(summary);
  }
  save(summary);
  console.log(`\nSamples: ${outFile}`);
  await launched?.close();
  await server?.close();
}
process.exit(exitCode);
