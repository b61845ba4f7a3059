// What the extension captured must equal what the page received. A page runs EventSource,
// fetch() and XHR streams of the test server one after another (e2e/probes/fidelity.js) and
// records what it got; the capture is then read through the panel's own protocol
// (harness/capture.ts) and compared stream by stream: for EventSource the events the page's
// listeners got, in order; for fetch and XHR also what the page never looked at (comments,
// retry, event types), which the capture parses from the body, against what the server sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type BrowserName, type Launched } from '../scripts/launch';
import type { Attempt, EventRecord, Stream } from '../src/shared/model';
import type { LogSnapshot } from '../src/shared/protocol';
import { CaptureReader, tabIdOf } from './harness/capture';
import { probeSource } from './harness/probe';
import { sseScript, startTestServer, type SseEvent, type TestServer } from './harness/test-server';

const PROBE = probeSource('e2e/probes/fidelity.js');

/** One stream of the probe, as the page saw it. */
interface PageCase {
  name: string;
  kind: Stream['kind'];
  /** In the stream's URL: how its capture is found. */
  key: string;
  /** The /sse query (what the server sent), or null for other endpoints. */
  query: string | null;
  url?: string;
  status?: number;
  /** EventSource: [type, lastEventId, data] as dispatched to the page. */
  events?: [string, string, string][];
  /** fetch/XHR: the body text the page read. */
  text?: string;
  waited?: boolean;
  error?: string;
  ended?: string;
  crashed?: string;
}

interface Expectation {
  /** fetch/XHR: how attempt 1 ended. */
  end?: Attempt['end'];
  status?: number;
  /** EventSource: the page listens to these types only. */
  listens?: string[];
  minAttempts?: number;
}

// Every case of the probe, and what is special about it.
const CASES: Record<string, Expectation> = {
  'es-types': { listens: ['message', 'alpha', 'beta'] },
  'es-unlistened': { listens: ['message'] },
  'es-open-error': { listens: ['open', 'error', 'message'] },
  'es-reconnect': { minAttempts: 3 },
  'es-10k': {},
  'es-1mb': {},
  'es-utf8': {},
  'es-crlf': {},
  'es-tail': {},
  'fetch-types': {},
  'fetch-10k': {},
  'fetch-1mb': {},
  'fetch-utf8': {},
  'fetch-crlf': {},
  'fetch-cr': {},
  'fetch-bom': {},
  'fetch-tail': {},
  'fetch-text': {},
  'fetch-post': {},
  'fetch-redirect': {},
  'fetch-500': { status: 500 },
  'fetch-abort': { end: 'aborted' },
  'fetch-cancel': { end: 'cancelled' },
  'fetch-error': { end: 'error' },
  'xhr-types': {},
  'xhr-10k': {},
  'xhr-1mb': {},
  'xhr-utf8': {},
  'xhr-crlf': {},
  'xhr-tail': {},
  'xhr-abort': { end: 'aborted' },
  'xhr-error': { end: 'error' },
};

const asTuple = (e: { type: string; id: string; data: string }): [string, string, string] => [e.type, e.id, e.data];

/** What the server sent on the stream of a case: events, comments, retry fields, the discarded tail. */
function sent(c: PageCase): { events: SseEvent[]; comments: string[]; retries: number[]; discarded: string; body?: string } | undefined {
  if (c.query !== null) {
    const s = sseScript(new URLSearchParams(c.query));
    return { ...s, body: s.body.toString('utf8') };
  }
  // One-event bodies of /echo (POST) and /status: `data: <text>\n\n`.
  if ((c.name === 'fetch-post' || c.name === 'fetch-500') && c.text?.startsWith('data: ') && c.text.endsWith('\n\n') && !c.text.slice(0, -2).includes('\n')) {
    return { events: [{ type: 'message', id: '', data: c.text.slice(6, -2) }], comments: [], retries: [], discarded: '', body: c.text };
  }
  return undefined;
}

const streamsOf = (streams: Stream[], c: PageCase) => streams.filter((s) => s.url.includes(`key=${c.key}`));

describe.each<BrowserName>(['chromium', 'firefox'])('fidelity in %s', (name) => {
  let server: TestServer | undefined;
  let launched: Launched | undefined;
  let reader: CaptureReader | undefined;
  let cases: PageCase[] = [];
  let snapshot: LogSnapshot | undefined;

  beforeAll(async () => {
    server = await startTestServer();
    launched = await launch(name);
    const page = await launched.browser.newPage();
    await page.goto(`${server.origin}/blank?peer=${encodeURIComponent(server.peer)}`);
    const tabId = await tabIdOf(launched, page);
    const result = (await page.evaluate(PROBE)) as { cases: PageCase[]; sentinel: string };
    cases = result.cases;
    reader = await CaptureReader.open(launched);
    // Records reach the background in batches, in the order the page made them: once the
    // sentinel stream (the page's last) has ended in the capture, everything before it is there.
    await reader.waitFor(tabId, (s) => s.streams.some((x) => x.stream.url.includes(`key=${result.sentinel}`) && x.stream.state === 'closed'));
    snapshot = await reader.snapshot(tabId);
  }, 120_000);
  afterAll(async () => {
    await reader?.close();
    await launched?.close();
    await server?.close();
  });

  it('ran every stream, and the page got what the server sent', () => {
    expect(cases.map((c) => c.name)).toEqual(Object.keys(CASES));
    for (const c of cases) {
      expect(c.crashed, c.name).toBeUndefined();
      expect(c.waited, c.name).not.toBe(false);
      const s = sent(c);
      if (c.kind === 'eventsource') {
        expect(c.events!.length, c.name).toBeGreaterThan(0);
        if (s) {
          const listens = CASES[c.name]!.listens ?? ['message'];
          expect(c.events, c.name).toEqual(s.events.filter((e) => listens.includes(e.type)).map(asTuple));
        }
      } else {
        expect(s, c.name).toBeDefined();
        expect(c.text, c.name).toBe(s!.body);
      }
    }
    const byName = new Map(cases.map((c) => [c.name, c]));
    expect(byName.get('es-reconnect')!.events!.slice(0, 3)).toEqual([
      ['message', '1', 'last=(none)'],
      ['message', '2', 'last=1'],
      ['message', '3', 'last=2'],
    ]);
    expect(byName.get('fetch-abort')!.error).toBe('AbortError');
    expect(byName.get('fetch-error')!.error).toBe('TypeError');
    expect(byName.get('xhr-abort')!.ended).toBe('abort');
    expect(byName.get('xhr-error')!.ended).toBe('error');
  });

  it('counted no invalid records and dropped no events', () => {
    expect(snapshot?.counters).toEqual({ invalidRecords: 0, droppedEvents: 0, droppedStreams: 0, unsavedWrites: 0 });
  });

  it.each(Object.keys(CASES))('%s: the capture equals what the page received', (caseName) => {
    const c = cases.find((x) => x.name === caseName);
    expect(c, 'the page ran it').toBeDefined();
    const expectation = CASES[caseName]!;
    const found = streamsOf(snapshot!.streams, c!);
    expect(found.map((s) => s.url), 'exactly one captured stream').toHaveLength(1);
    const stream = found[0]!;
    const records = snapshot!.events.filter((e) => e.streamId === stream.id).sort((a, b) => a.seq - b.seq);
    const ofKind = (kind: EventRecord['kind']) => records.filter((e) => e.kind === kind);
    const events = ofKind('event').map(asTuple);

    expect(stream.kind).toBe(c!.kind);
    if (c!.kind === 'eventsource') {
      expect(stream.url).toBe(c!.url);
      // Every event the page's listeners got, in order, and nothing else.
      expect(events).toEqual(c!.events);
      expect(stream.state).toBe('closed');
      expect(stream.eventCount).toBe(events.length);
      expect(stream.lastEventId).toBe(c!.events!.at(-1)![1]);
      expect(stream.closedBy).toBe('page');
      expect(stream.attempts.length).toBeGreaterThanOrEqual(expectation.minAttempts ?? 1);
      for (const type of expectation.listens ?? []) expect(stream.listenedTypes).toContain(type);
      return;
    }
    // fetch / XHR: the whole body, parsed: events (whatever the page listens to), comments,
    // retry fields, and the unterminated tail an EventSource would discard.
    const s = sent(c!)!;
    expect(stream.url).toBe(new URL(c!.url!, server!.origin).href);
    expect(events).toEqual(s.events.map(asTuple));
    expect(ofKind('comment').map((e) => e.data)).toEqual(s.comments);
    expect(ofKind('retry').map((e) => e.data)).toEqual(s.retries.map(String));
    expect(stream.state).toBe('closed');
    expect(stream.eventCount).toBe(s.events.length);
    expect(stream.bytes).toBe(Buffer.byteLength(c!.text!, 'utf8'));
    expect(stream.attempts).toHaveLength(1);
    const attempt = stream.attempts[0]!;
    expect(attempt.status).toBe(expectation.status ?? 200);
    expect(attempt.end).toBe(expectation.end ?? 'done');
    expect(attempt.discarded ?? '').toBe(s.discarded);
    if (s.retries.length > 0) expect(stream.retry).toBe(s.retries.at(-1));
  });
});
