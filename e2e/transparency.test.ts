// The page must never notice us: the same probes of the page-observable behaviour of
// EventSource, fetch() and XHR (e2e/probes/) run in the same browser with and without the
// extension, and every result must be identical. Each probe key is one test, so a difference
// names what the page could notice; each test first checks that the probe ran and measured
// something (two empty or broken results must not compare equal).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../demo/server';
import { launch, type BrowserName, type Launched } from '../scripts/launch';
import { probeSource } from './harness/probe';
import { sseScript, startTestServer, type TestServer } from './harness/test-server';

type Result = Record<string, unknown>;
// Probe results are untyped JSON; the checks below read into them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Probe {
  file: string;
  /** Which server's page the probe runs in. */
  server: 'demo' | 'test';
  keys: string[];
  /** Keys compared in Chromium only (why: see where the probe is listed). */
  chromiumOnly?: string[];
}

const PROBES: Probe[] = [
  {
    file: 'e2e/probes/eventsource.js',
    server: 'demo',
    keys: [
      'ctor', 'windowProperty', 'constants', 'protoConstructor', 'protoConstructorProperty', 'protoKeys', 'protoChain',
      'close', 'closeProperty', 'addEventListener', 'addEventListenerProperty', 'toString', 'toStringOfToString',
      'windowKeys', 'toStringTag', 'instance', 'credentials', 'afterClose', 'closeTwice', 'subclass', 'reflectConstruct',
      'errors', 'delivery', 'handlerIdentity', 'reconnects', 'custom', 'failures', 'windowMessages',
    ],
  },
  {
    file: 'e2e/probes/eventsource-network.js',
    server: 'test',
    keys: [
      'esLastEventId', 'esOpenErrorListenersNoWindowErrors', 'esRedirect', 'esRedirectCrossOrigin', 'esHttp500', 'esHttp204', 'esWrongMime', 'esCorsAllowed',
      'esCorsDenied', 'esCredentials', 'esCloseBeforeOpen', 'esCloseInOpen', 'esCloseAfterEvents', 'esLarge', 'es10k',
      'esTypesAndComments', 'esCrlf', 'esCr', 'esUtf8Split', 'esMultiline', 'esBom', 'esTail',
    ],
  },
  {
    file: 'e2e/probes/fetch.js',
    server: 'test',
    keys: [
      'fetchResponse', 'fetchHeadersImmutable', 'fetchBodyUsed', 'fetchReader', 'fetchByob', 'fetchText', 'fetchJson',
      'fetchArrayBuffer', 'fetchBlobBytesFormData', 'fetchClone', 'fetchAsyncIterate', 'fetchTee', 'fetchPipeThrough',
      'fetchAbortBeforeHeaders', 'fetchAbortMidStream', 'fetchAbortIdle', 'fetchAbortLockedText', 'fetchAbortDuringText',
      'fetchAbortAfterEnd', 'fetchCancel', 'fetchNetworkError', 'fetchNetworkErrorText',
      'fetchHttp500', 'fetchHttp404', 'fetchHttp204', 'fetchRedirect', 'fetchCors', 'fetchCredentials', 'fetchPost',
      'fetchNonSse', 'fetchLarge', 'fetch10k', 'fetchFraming', 'fetchOwnResponse', 'fetchErrors', 'fetchFunctions',
    ],
  },
  {
    file: 'e2e/probes/xhr.js',
    server: 'test',
    keys: [
      'xhrEvents', 'xhrReadyStates', 'xhrResult', 'xhrPartialText', 'xhrAbort', 'xhrAbortInHandler', 'xhrNetworkError',
      'xhrArrayBuffer', 'xhrResponseTypes', 'xhrMisuse', 'xhrTimeout', 'xhrSync', 'xhrReuse', 'xhrRedirect',
      'xhrHttpError', 'xhrCors', 'xhrPost', 'xhrNonSse', 'xhrLarge', 'xhr10k', 'xhrUtf8Split', 'xhrFraming', 'xhrFunctions',
    ],
  },
  {
    file: 'e2e/probes/stacks.js',
    server: 'test',
    keys: ['stacksNativeThrown', 'stacksPageThrown', 'stacksUncaught'],
    // Firefox has no way to take a native's error stack again as it was (src/content/disguise.ts):
    // there our trap stays the top frame of what a native throws at once.
    chromiumOnly: ['stacksNativeThrown', 'stacksUncaught'],
  },
];
const SOURCES = new Map(PROBES.map((p) => [p.file, probeSource(p.file)]));

/** FNV-1a of bytes or of a string's UTF-8, as the probes compute it. */
function fnv(x: Buffer | string): string {
  const bytes = typeof x === 'string' ? Buffer.from(x, 'utf8') : x;
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return (h >>> 0).toString(16);
}
const bodyOf = (query: string) => sseScript(new URLSearchParams(query)).body;
const messages = (log: Json[]) => log.filter((x: Json[]) => x[0] !== 'open' && x[0] !== 'error');

/**
 * What each probe must have measured (without the extension) for its comparison to mean
 * something. Every probe also must not have crashed, timed out or missed what it waited for.
 */
const MEANINGFUL: Record<string, (r: Json) => void> = {
  esLastEventId: (r) => expect(messages(r.log).map((m: Json[]) => [m[1], m[2]])).toEqual([['last=(none)', '1'], ['last=1', '2'], ['last=2', '3']]),
  esOpenErrorListenersNoWindowErrors: (r) => expect([r.waited, r.log, r.windowErrors]).toEqual([true, [['open', 'Event'], ['error', 'Event'], ['open', 'Event']], []]),
  esRedirect: (r) => expect(messages(r.log).map((m: Json[]) => m[1])).toEqual(['e1', 'e2']),
  esRedirectCrossOrigin: (r) => expect(messages(r.log).map((m: Json[]) => m[3])).toEqual(['PEER', 'PEER']),
  esHttp500: (r) => expect([r.log, r.requests]).toEqual([[['error', 2, 'Event']], 1]),
  esHttp204: (r) => expect([r.log, r.requests]).toEqual([[['error', 2, 'Event']], 1]),
  esWrongMime: (r) => expect(r.map((x: Json[]) => x[3])).toContain(2),
  esCorsAllowed: (r) => expect(messages(r.log)).toHaveLength(2),
  esCorsDenied: (r) => expect(r.readyState).toBe(2),
  esCredentials: (r) => {
    expect(JSON.parse(messages(r.credentialsAllowed.log)[0][1]).cookie).toBe('probe=c1');
    expect(JSON.parse(messages(r.noCredentials.log)[0][1]).cookie).toBe(null);
  },
  esCloseInOpen: (r) => expect(r.log).toEqual([['open', 1], ['closed', 2]]),
  esCloseAfterEvents: (r) => expect(r.log).toHaveLength(4),
  esLarge: (r) => expect([r.length, r.count]).toEqual([1048576, 1]),
  es10k: (r) => expect([r.count, r.ordered, r.last]).toEqual([10000, true, '10000']),
  esTypesAndComments: (r) => expect(messages(r.log).map((m: Json[]) => m[0])).toEqual(['message', 'alpha', 'message', 'alpha']),
  esUtf8Split: (r) => expect(messages(r.log)[0][1]).toContain('😀'),
  esTail: (r) => expect(messages(r.log)).toHaveLength(2),
  fetchResponse: (r) => expect([r.status, r.type, r.text]).toEqual([200, 'basic', fnv(bodyOf('n=3&id=1&types=message,alpha&comments=1&retry=1000'))]),
  fetchHeadersImmutable: (r) => expect(r.set[1]).toBe('TypeError'),
  fetchReader: (r) => expect(r.hash).toBe(fnv(bodyOf('n=3&id=1&types=message,alpha&comments=1&retry=1000'))),
  fetchText: (r) => expect(r.hash).toBe(fnv(bodyOf('n=50&id=1'))),
  fetchClone: (r) => expect(r.texts[2]).toBe(true),
  fetchAsyncIterate: (r) => expect(r.hash ?? r.asyncIterator).toBeTruthy(),
  fetchTee: (r) => expect(r.a).toEqual(r.b),
  fetchPipeThrough: (r) => expect(r.hash).toBe(fnv(bodyOf('n=12&utf8=1&id=1').toString('utf8'))),
  fetchAbortBeforeHeaders: (r) => expect(r.plain[1][1]).toBe('AbortError'),
  fetchAbortMidStream: (r) => expect([r.text, r.pending[0], r.pending[1][1]]).toEqual([bodyOf('n=2&id=1').toString(), 'rejected', 'AbortError']),
  fetchAbortIdle: (r) => expect(r.read[1]).toEqual(['[object Error]', 'TypeError', 'stop', 'TypeError', null]),
  fetchAbortLockedText: (r) => expect(r.text[0]).toBe('rejected'),
  fetchAbortDuringText: (r) => expect([r.text[0], r.text[1][1]]).toEqual(['rejected', 'AbortError']),
  fetchAbortAfterEnd: (r) => expect(r[0]).toBe(bodyOf('n=2&id=1').length),
  fetchNetworkErrorText: (r) => expect([r.killed, r.text[0]]).toEqual(['killed', 'rejected']),
  fetchCancel: (r) => expect(r.cancel).toEqual(['resolved', 'undefined']),
  fetchNetworkError: (r) => expect([r.killed, r.read[0], r.read[1][1]]).toEqual(['killed', 'rejected', 'TypeError']),
  fetchHttp500: (r) => expect([r.status, r.textValue]).toEqual([500, 'data: x\n\n']),
  fetchHttp204: (r) => expect(r.status).toBe(204),
  fetchRedirect: (r) => expect([r.follow.redirected, r.crossOrigin.type]).toEqual([true, 'cors']),
  fetchCors: (r) => expect([r.allowed.type, r.noCors.type, r.denied[0]]).toEqual(['cors', 'opaque', 'rejected']),
  fetchPost: (r) => expect(JSON.parse(r.text.slice(6))).toMatchObject({ method: 'POST', bytes: 1025 }),
  fetchLarge: (r) => expect(r.hash).toBe(fnv(bodyOf('n=1&size=1048576'))),
  fetch10k: (r) => expect(r.hash).toBe(fnv(bodyOf('n=10000&id=1'))),
  xhrEvents: (r) => expect(r.events).toEqual(expect.arrayContaining(['rsc:2', 'load:4', 'loadend:4'])),
  xhrResult: (r) => expect(r.text[1]).toBe(fnv(bodyOf('n=12&id=1&types=message,alpha&comments=1&retry=1000'))),
  xhrAbort: (r) => expect(r.events).toContain('abort:4'),
  xhrNetworkError: (r) => expect(r.events).toContain('error:4'),
  xhrArrayBuffer: (r) => expect(r.response[2]).toBe(fnv(bodyOf('n=12&id=1&utf8=1'))),
  xhrMisuse: (r) => expect(r.sendUnopened[1]).toBe('InvalidStateError'),
  xhrTimeout: (r) => expect([r.beforeHeaders.events, r.midStream.events]).toEqual([expect.arrayContaining(['timeout:4']), expect.arrayContaining(['timeout:4'])]),
  xhrLarge: (r) => expect(r.text[1]).toBe(fnv(bodyOf('n=1&size=1048576'))),
  xhr10k: (r) => expect(r.text[1]).toBe(fnv(bodyOf('n=10000&id=1'))),
  xhrUtf8Split: (r) => expect(r.text[1]).toBe(fnv(bodyOf('n=12&utf8=1&id=1'))),
  stacksNativeThrown: (r) => {
    expect(Object.keys(r)).toHaveLength(9);
    for (const [stack] of Object.values<string[]>(r)) expect(stack).toMatch(/^\w+Error: .+\n[^]*pptr:evaluate/);
  },
  stacksPageThrown: (r) => {
    for (const [top] of Object.values<string[]>(r)) expect(top).toMatch(/(toString|withCredentials).*pptr:evaluate/);
  },
  stacksUncaught: (r) => {
    expect(r).toHaveLength(2);
    for (const report of r) expect(report[1]).toMatch(/^\w+Error: .+\n[^]*pptr:evaluate/);
  },
};

function expectMeaningful(key: string, r: unknown): void {
  expect(r, `${key} produced no result`).toBeDefined();
  expect(JSON.stringify(r)).not.toMatch(/"crashed":|"timedOut":|"waited":false|"got":false/);
  if (typeof r === 'object' && r !== null && !Array.isArray(r)) expect(Object.keys(r).length).toBeGreaterThan(0);
  MEANINGFUL[key]?.(r);
}

/**
 * Runs every probe in one browser, one after another (they share the test server's cookies and
 * connection limit, and a page in a background tab has its timers throttled), each in a fresh
 * page; the browser is closed whatever happens.
 */
async function runProbes(name: BrowserName, extension: boolean, demo: DemoServer, server: TestServer): Promise<Record<string, Result>> {
  const launched: Launched = await launch(name, { extension });
  try {
    const results: Record<string, Result> = {};
    for (const probe of PROBES) {
      const page = await launched.browser.newPage();
      const url = probe.server === 'demo' ? `${demo.url}blank/` : `${server.origin}/blank?peer=${encodeURIComponent(server.peer)}`;
      await page.goto(url);
      results[probe.file] = (await page.evaluate(SOURCES.get(probe.file)!)) as Result;
      await page.close();
    }
    return results;
  } finally {
    await launched.close();
  }
}

describe.each<BrowserName>(['chromium', 'firefox'])('transparency in %s', (name) => {
  let demo: DemoServer | undefined;
  let server: TestServer | undefined;
  let without: Record<string, Result> = {};
  let withExtension: Record<string, Result> = {};

  beforeAll(async () => {
    demo = await startDemoServer();
    server = await startTestServer();
    without = await runProbes(name, false, demo, server);
    withExtension = await runProbes(name, true, demo, server);
  }, 120_000);
  afterAll(async () => {
    await demo?.close();
    await server?.close();
  });

  it('ran every probe', () => {
    for (const probe of PROBES) {
      expect(Object.keys(without[probe.file] ?? {}).sort(), probe.file).toEqual([...probe.keys].sort());
      expect(Object.keys(withExtension[probe.file] ?? {}).sort(), probe.file).toEqual([...probe.keys].sort());
    }
    // Guards against comparing two empty results (the first probe's own checks).
    const es = without['e2e/probes/eventsource.js']!;
    expect(es.ctor).toMatchObject({ name: 'EventSource', length: 1 });
    expect((es.delivery as unknown[]).length).toBeGreaterThanOrEqual(6);
    expect((es.reconnects as unknown[]).length).toBeGreaterThanOrEqual(6);
  });

  // One test per probe key.
  const cases = PROBES.flatMap((p) => p.keys.filter((key) => name === 'chromium' || !p.chromiumOnly?.includes(key)).map((key) => [key, p.file] as const));
  it.each(cases)('%s is the same with the extension', (key, file) => {
    const before = without[file]?.[key];
    expectMeaningful(key, before);
    expect(withExtension[file]?.[key]).toEqual(before);
  });
});
