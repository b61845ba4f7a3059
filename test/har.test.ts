// HAR 1.2 export and import (src/shared/capture/har.ts): our own HARs read back exactly as
// exported, every HAR we write is valid HAR 1.2 (checked with Ajv against a schema written from
// the spec), a foreign HAR's `_eventSourceMessages` become streams, and anything else is refused
// with an ImportError that says what is wrong and where, never a crash (fuzzed).
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { ImportError, toCapture, type Capture, type CaptureLog } from '../src/shared/capture/capture';
import captureSchema from '../src/shared/capture/capture.schema.json';
import { fromHar, toHar, type Har, type HarEntry } from '../src/shared/capture/har';
import { toRawSse } from '../src/shared/capture/raw-sse';
import type { EventRecord } from '../src/shared/model';
import { LIMITS } from '../src/shared/protocol';
import { FIXTURE_CAPTURES, LONG_DATA, ORIGIN, T0, boundedCounterAndXhr, logOf, reconnectAndLlm } from './fixtures/captures';
import harSchema from './fixtures/har-1.2.schema.json';
import { prng } from './support/prng';
import { importError } from './support/import-error';

const ajv = new Ajv({ allErrors: true, strict: true });
const validHar = ajv.compile(harSchema);
const validCapture = ajv.compile(captureSchema);

const json = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const foreignHar = (): { log: { entries: Record<string, unknown>[] } & Record<string, unknown> } =>
  JSON.parse(readFileSync(new URL('./fixtures/foreign.har', import.meta.url), 'utf8'));


const bySeq = (log: CaptureLog) => log.events.map((e) => e.seq);
const entryOf = (har: Har, stream: string, attempt: number): HarEntry => {
  const e = har.log.entries.find((x) => x._sseInspector.stream === stream && x._sseInspector.attempt.n === attempt);
  if (!e) throw new Error(`no entry for ${stream} #${attempt}`);
  return e;
};

describe('toHar → fromHar: our own HARs are lossless', () => {
  it.each(FIXTURE_CAPTURES)('%s: the same CaptureLog comes back, through a file', (_, make) => {
    const capture = make();
    const har = toHar(capture);
    // In memory, and written to a file and read back (what a user does).
    expect(fromHar(har)).toEqual(logOf(capture));
    expect(fromHar(json(har))).toStrictEqual(logOf(capture));
  });

  it('comments, retry fields, raw text, truncation, exact sub-ms times, firstSeq and counters survive', () => {
    const a = reconnectAndLlm();
    const back = fromHar(json(toHar(a)));
    const kinds = (log: CaptureLog) => log.events.map((e) => `${e.kind}:${e.data.slice(0, 20)}`);
    expect(kinds(back)).toEqual(kinds(a));
    expect(back.events.filter((e) => e.kind === 'comment').map((e) => e.data)).toEqual(['connected', 'ping inside a block', 'bye']);
    expect(back.events.filter((e) => e.kind === 'retry').map((e) => e.data)).toEqual(['3000', '10000']);
    expect(back.events.filter((e) => e.raw !== undefined)).toHaveLength(6);
    const long = back.events.find((e) => e.truncated)!;
    expect(long.data).toBe(LONG_DATA.slice(0, LIMITS.data));
    expect(long.size).toBe(LONG_DATA.length);
    // .123 ms: seconds × 1000 is not exact, the file keeps the ms too.
    expect(back.events[0]!.time).toBe(T0 + 20.123);

    const b = boundedCounterAndXhr();
    const backB = fromHar(json(toHar(b)));
    expect(backB.firstSeq).toBe(8);
    expect(bySeq(backB)).toEqual([8, 9, 10, 11, 12, 13]);
    expect(backB.counters).toEqual({ droppedEvents: 7, droppedStreams: 0, invalidRecords: 2, unsavedWrites: 0 });
  });

  it('entries in any order (a tool may sort them), and a stream without attempts, and records of no attempt, come back', () => {
    const capture = boundedCounterAndXhr();
    const odd: Capture = {
      ...capture,
      streams: [...capture.streams, { ...capture.streams[0]!, id: 'd9:1', attempts: [] }],
      events: [...capture.events, { ...capture.events[0]!, seq: 99, streamId: 'gone:1' }, { ...capture.events[0]!, seq: 100, attempt: 7 }],
    };
    const har = json(toHar(odd));
    expect(har.log._sseInspector.orphanEvents.map((e) => e.seq)).toEqual([99, 100]);
    har.log.entries.reverse();
    expect(fromHar(har)).toStrictEqual(logOf(odd));
  });

  it('a tool that removed entries leaves the other attempts in order', () => {
    const capture = reconnectAndLlm();
    const har = json(toHar(capture));
    har.log.entries = har.log.entries.filter((e) => !(e._sseInspector.stream === 'd1:1' && e._sseInspector.attempt.n === 2));
    const back = fromHar(har);
    expect(back.streams.find((s) => s.id === 'd1:1')!.attempts.map((a) => a.n)).toEqual([1, 3]);
    expect(back.events.filter((e) => e.streamId === 'd1:1').map((e) => e.attempt)).toEqual([1, 1, 1]);
  });
});

describe('toHar: valid HAR 1.2 with ordinary request/response data', () => {
  it.each(FIXTURE_CAPTURES)('%s: valid for a HAR 1.2 JSON Schema', (_, make) => {
    const har = json(toHar(make()));
    const ok = validHar(har);
    expect(validHar.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema does check: a HAR without a response status, with a timing missing or a custom field without "_" is refused', () => {
    const har = json(toHar(boundedCounterAndXhr())) as unknown as { log: { entries: Record<string, Record<string, unknown>>[] } & Record<string, unknown> };
    const broken = [
      (h: typeof har) => delete h.log.entries[0]!.response!.status,
      (h: typeof har) => delete h.log.entries[0]!.timings!.wait,
      (h: typeof har) => (h.log.entries[0]!.request!.headersSize = 'unknown'),
      (h: typeof har) => (h.log.entries[0]!.startedDateTime = 'yesterday' as unknown as Record<string, unknown>),
      (h: typeof har) => (h.log.eventSourceMessages = []),
    ];
    for (const breakIt of broken) {
      const h = json(har);
      breakIt(h);
      expect(validHar(h)).toBe(false);
    }
  });

  it('log: version, creator from exportedBy.tool, pages; one entry per attempt, by start time', () => {
    const capture = reconnectAndLlm();
    const har = toHar(capture);
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator).toEqual({ name: 'SSE Inspector', version: '0.1.0' });
    expect(har.log.pages).toEqual([
      // Its start unknown (the capture began mid-page): its first stream's.
      { startedDateTime: '2025-03-14T09:30:00.000Z', id: 'page_1', title: `${ORIGIN}/1-oneshot/`, pageTimings: {} },
      { startedDateTime: '2025-03-14T09:30:07.000Z', id: 'page_2', title: `${ORIGIN}/5-llm/`, pageTimings: {} },
    ]);
    expect(har.log.entries.map((e) => [e._sseInspector.stream, e._sseInspector.attempt.n, e.pageref])).toEqual([
      ['d1:1', 1, 'page_1'],
      ['d1:2', 1, 'page_1'],
      ['d1:1', 2, 'page_1'],
      ['d1:1', 3, 'page_1'],
      ['d2:1', 1, 'page_2'],
    ]);
    const starts = har.log.entries.map((e) => e.startedDateTime);
    expect([...starts].sort()).toEqual(starts);
    expect(har.log._sseInspector).toMatchObject({
      format: 'sse-inspector-har',
      version: 1,
      exportedAt: '2025-03-14T09:31:00.000Z',
      exportedBy: capture.exportedBy,
      pageUrl: `${ORIGIN}/5-llm/`,
      scope: 'all',
      redacted: ['Authorization header (1)'],
    });
    // Streams are there once, their attempts only in the entries.
    expect(har.log._sseInspector.streams.map((s) => s.id)).toEqual(['d1:1', 'd1:2', 'd2:1']);
    expect(har.log._sseInspector.streams.every((s) => !('attempts' in s))).toBe(true);
  });

  it('an EventSource attempt: request, response, timings, and its events in _eventSourceMessages', () => {
    const har = toHar(reconnectAndLlm());
    const e = entryOf(har, 'd1:1', 1);
    expect(e.startedDateTime).toBe('2025-03-14T09:30:00.000Z');
    expect(e.request).toEqual({
      method: 'GET',
      url: `${ORIGIN}/sse/oneshot?interval=3000`,
      httpVersion: '',
      cookies: [],
      headers: [
        { name: 'Accept', value: 'text/event-stream' },
        { name: 'Cache-Control', value: 'no-cache' },
      ],
      queryString: [{ name: 'interval', value: '3000' }],
      headersSize: -1,
      bodySize: 0,
    });
    expect(e.response).toMatchObject({
      status: 200,
      statusText: 'OK',
      headers: [
        { name: 'Content-Type', value: 'text/event-stream' },
        { name: 'Cache-Control', value: 'no-cache' },
        { name: 'Connection', value: 'keep-alive' },
      ],
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
    });
    expect(e.response._error).toBeUndefined();
    // Headers 15 ms after the start, ended 26 ms after them.
    expect(e.timings).toEqual({ blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: 15, receive: 26 });
    expect(e.time).toBe(41);
    expect(e._resourceType).toBe('eventsource');
    expect(e._eventSourceMessages.map(({ type, time, eventName, eventId, data }) => ({ type, time, eventName, eventId, data }))).toEqual([
      { type: 'receive', time: (T0 + 20.123) / 1000, eventName: 'message', eventId: '1', data: 'server time: 09:30:00' },
      { type: 'receive', time: (T0 + 21.123) / 1000, eventName: 'tick', eventId: '2', data: '{"n":2,"text":"第二条消息"}' },
      { type: 'receive', time: (T0 + 22.123) / 1000, eventName: 'message', eventId: '3', data: 'multi\nline\n\ndata' },
    ]);
    expect(e._eventSourceMessages[1]).toMatchObject({ _seq: 2, _kind: 'event', _size: 32, _source: 'page-hook', _origin: ORIGIN });
    // The content: the attempt's events as SSE text (written: a native EventSource has no wire text).
    expect(e.response.content).toEqual({
      size: 140,
      mimeType: 'text/event-stream',
      text: 'id: 1\ndata: server time: 09:30:00\n\nevent: tick\nid: 2\ndata: {"n":2,"text":"第二条消息"}\n\nid: 3\ndata: multi\ndata: line\ndata:\ndata: data\n\n',
      comment: 'Written from the events the page received (the types it listens to), not the bytes on the wire.',
    });
    expect(Buffer.byteLength(e.response.content.text!)).toBe(140);
  });

  it('a failed attempt is still an entry: HTTP 500 with its status; a network failure as status 0 with _error (as Chrome writes it)', () => {
    const har = toHar(reconnectAndLlm());
    const e500 = entryOf(har, 'd1:1', 3);
    expect(e500.response).toMatchObject({ status: 500, statusText: 'Internal Server Error', content: { size: 0, mimeType: 'text/html' } });
    expect(e500.response.content.text).toBeUndefined();
    expect(e500.response._error).toBeUndefined();
    expect(e500._eventSourceMessages).toEqual([]);
    expect(e500.request.headers).toContainEqual({ name: 'Last-Event-ID', value: '5' });

    const refused = entryOf(har, 'd1:2', 1);
    expect(refused.response).toMatchObject({ status: 0, statusText: '', _error: 'net::ERR_CONNECTION_REFUSED', content: { size: 0, mimeType: 'x-unknown' } });
    expect(refused.request.url).toBe('http://127.0.0.1:9/sse/refused');
    expect(refused.time).toBe(4);
  });

  it('a fetch POST stream: method, request size, the body as it came (comments and retry kept once), records with _kind and _raw', () => {
    const capture = reconnectAndLlm();
    const har = toHar(capture);
    const e = entryOf(har, 'd2:1', 1);
    const records = capture.events.filter((x) => x.streamId === 'd2:1');
    expect(e._resourceType).toBe('fetch');
    expect(e.request).toMatchObject({
      method: 'POST',
      bodySize: 182,
      queryString: [
        { name: 'stream', value: 'true' },
        { name: 'api-version', value: '2024-10-21' },
      ],
    });
    expect(e.request.headers).toContainEqual({ name: 'Authorization', value: '[redacted]' });
    expect(e.response.content.mimeType).toBe('text/event-stream; charset=utf-8');
    expect(e.response.content.text).toBe(toRawSse(records));
    expect(e.response.content.comment).toBeUndefined();
    expect(e.response.bodySize).toBe(capture.streams[2]!.bytes);
    expect(e.timings).toMatchObject({ wait: 80, receive: 1820 });
    expect(e._eventSourceMessages.map((m) => [m._seq, m._kind, m.eventName, m.eventId])).toEqual([
      [6, 'comment', '', ''],
      [7, 'retry', '', ''],
      [8, 'event', 'message_start', 'msg_1'],
      [9, 'comment', '', ''],
      [10, 'event', 'content_block_delta', 'msg_1'],
      [11, 'event', 'content_block_delta', 'msg_1'],
      [12, 'event', 'message', 'msg_1'],
      [13, 'event', 'message', 'msg_2'],
      [14, 'retry', '', ''],
      [15, 'event', 'message_stop', 'msg_2'],
      [16, 'comment', '', ''],
    ]);
    expect(e._eventSourceMessages[3]!._raw).toBeUndefined();
    expect(e._eventSourceMessages[4]!._raw).toBe(': ping inside a block\r\nevent: content_block_delta\r\ndata: {"delta":"你好，"}\r\n\r\n');
  });

  it('entry times are the sum of the timings that apply', () => {
    for (const [, make] of FIXTURE_CAPTURES) {
      for (const e of toHar(make()).log.entries) {
        const sum = Object.values(e.timings).filter((t) => t >= 0).reduce((a, b) => a + b, 0);
        expect(e.time).toBeCloseTo(sum, 6);
      }
    }
  });
});

describe('fromHar: a foreign HAR', () => {
  const P = T0; // the page started at 09:30:00.000
  const counterStart = T0 + 200;
  const chatStart = T0 + 1000;

  it('each entry with _eventSourceMessages is a stream; other entries are ignored; records in time order', () => {
    const log = fromHar(foreignHar());
    const esHeaders: [string, string][] = [
      ['Accept', 'text/event-stream'],
      ['Cache-Control', 'no-cache'],
      ['Last-Event-ID', '41'],
    ];
    const expected: CaptureLog = {
      firstSeq: 1,
      counters: { droppedEvents: 0, droppedStreams: 0, invalidRecords: 0, unsavedWrites: 0 },
      pages: [{ n: 1, url: `${ORIGIN}/all/`, startedAt: P }],
      streams: [
        {
          id: 'har:1',
          page: 1,
          kind: 'eventsource',
          url: `${ORIGIN}/sse/counter?interval=1000`,
          withCredentials: false,
          frame: { id: 0, url: `${ORIGIN}/all/`, top: true },
          createdAt: counterStart,
          initiator: '',
          stack: '',
          state: 'closed',
          attempts: [
            {
              n: 1,
              startedAt: counterStart,
              method: 'GET',
              openedAt: counterStart + 10,
              headersAt: counterStart + 10,
              endedAt: counterStart + 3010.5,
              status: 200,
              statusText: 'OK',
              headers: [
                ['Content-Type', 'text/event-stream'],
                ['Cache-Control', 'no-cache'],
              ],
              contentType: 'text/event-stream',
              requestHeaders: esHeaders,
              lastEventIdSent: '41',
            },
          ],
          eventCount: 3,
          bytes: 8 + Buffer.byteLength('{"text":"你好 🌍"}'),
          lastEventId: '',
          listenedTypes: ['message', 'myEvent'],
          method: 'GET',
          source: 'page-hook',
        },
        {
          id: 'har:2',
          page: 1,
          kind: 'fetch',
          url: `${ORIGIN}/v1/chat/completions`,
          withCredentials: false,
          frame: { id: 0, url: `${ORIGIN}/all/`, top: true },
          createdAt: chatStart,
          initiator: '',
          stack: '',
          state: 'closed',
          attempts: [
            {
              n: 1,
              startedAt: chatStart,
              method: 'POST',
              openedAt: chatStart + 100,
              headersAt: chatStart + 100,
              endedAt: chatStart + 2000,
              status: 200,
              statusText: 'OK',
              headers: [['content-type', 'text/event-stream; charset=utf-8']],
              contentType: 'text/event-stream; charset=utf-8',
              requestHeaders: [
                ['Content-Type', 'application/json'],
                ['Accept', 'text/event-stream'],
              ],
            },
          ],
          eventCount: 2,
          bytes: 5,
          lastEventId: '',
          listenedTypes: ['delta', 'message'],
          method: 'POST',
          source: 'page-hook',
        },
      ],
      events: [],
    };
    const ev = (seq: number, streamId: string, time: number, type: string, id: string, data: string): EventRecord => ({
      seq,
      kind: 'event',
      streamId,
      attempt: 1,
      time,
      type,
      id,
      data,
      origin: ORIGIN,
      size: Buffer.byteLength(data),
      source: 'page-hook',
    });
    expected.events = [
      ev(1, 'har:1', T0 + 1250, 'message', '42', 'count 42'),
      ev(2, 'har:2', T0 + 1500, 'delta', '', 'Hel'),
      ev(3, 'har:2', T0 + 1750, 'message', '', 'lo'),
      ev(4, 'har:1', T0 + 2250, 'myEvent', '43', '{"text":"你好 🌍"}'),
      ev(5, 'har:1', T0 + 3250, 'message', '', ''),
    ];
    expect(log).toStrictEqual(expected);
  });

  it('what it gives is a valid capture for the project’s capture schema', () => {
    const capture = toCapture(fromHar(foreignHar()), { exportedAt: new Date(T0), tool: 'SSE Inspector 0.1.0', userAgent: 'test', pageUrl: '', scope: 'all', redacted: [] });
    expect(validCapture(json(capture))).toBe(true);
  });

  it('kind: the resource type when given, else fetch for any method but GET, else eventsource; failures and comments', () => {
    const har = foreignHar();
    const sse = har.log.entries[1]!;
    const request = sse.request as { method: string };
    delete sse._resourceType;
    expect(fromHar(har).streams[0]!.kind).toBe('eventsource');
    request.method = 'PUT';
    expect(fromHar(har).streams[0]!.kind).toBe('fetch');
    sse._resourceType = 'XHR';
    expect(fromHar(har).streams[0]!.kind).toBe('xhr');
    // Chrome's failure: status 0 and response._error.
    Object.assign(sse.response as object, { status: 0, statusText: '', _error: 'net::ERR_INCOMPLETE_CHUNKED_ENCODING' });
    expect(fromHar(har).streams[0]!.attempts[0]).toMatchObject({ status: 0, end: 'error', endReason: 'net::ERR_INCOMPLETE_CHUNKED_ENCODING', failure: 'net::ERR_INCOMPLETE_CHUNKED_ENCODING' });
    // A file with no pages, no timings and no startedDateTime: one page of unknown URL; the start is the first message's.
    delete har.log.pages;
    delete sse.startedDateTime;
    delete sse.timings;
    const log = fromHar(har);
    expect(log.pages).toEqual([{ n: 1, url: '', startedAt: 0 }]);
    expect(log.streams[0]!.attempts[0]!.startedAt).toBe(T0 + 1250);
    expect(log.streams[0]!.attempts[0]!.openedAt).toBeUndefined();
  });

  it('a HAR of ours that lost its log._sseInspector is read as a foreign one, keeping comments and retry fields', () => {
    const capture = reconnectAndLlm();
    const har = json(toHar(capture)) as unknown as { log: Record<string, unknown> };
    delete har.log._sseInspector;
    const log = fromHar(har);
    // Entries with messages only (the 500 and the refused attempt carry none), each a stream.
    expect(log.streams.map((s) => s.url)).toEqual([`${ORIGIN}/sse/oneshot?interval=3000`, `${ORIGIN}/sse/oneshot?interval=3000`, capture.streams[2]!.url]);
    expect(log.events.map((e) => [e.kind, e.type, e.id, e.data])).toEqual(capture.events.map((e) => [e.kind, e.type, e.id, e.data]));
  });
});

describe('fromHar: errors say what is wrong and where', () => {
  const withEntries = (entries: unknown[]) => ({ log: { version: '1.2', creator: { name: 'x', version: '1' }, entries } });
  const plain = (i: number) => ({ request: { method: 'GET', url: `https://example.com/${i}.js` }, response: { status: 200 } });

  it.each([
    ['null', null],
    ['an array', []],
    ['a string', 'log'],
    ['no log', { entries: [] }],
    ['log without entries', { log: { version: '1.2' } }],
    ['entries not an array', { log: { entries: {} } }],
  ])('not a HAR: %s', (_, input) => {
    expect(importError(() => fromHar(input))).toBe('it is not a HAR file (it has no log.entries array)');
  });

  it('no entry carries EventSource messages', () => {
    expect(importError(() => fromHar(withEntries(Array.from({ length: 37 }, (_, i) => plain(i)))))).toBe(
      'this HAR has 37 requests but none carries EventSource messages (_eventSourceMessages): browsers leave them out of their own HAR exports; export the HAR from the SSE panel instead',
    );
    expect(importError(() => fromHar(withEntries([plain(1)])))).toMatch(/^this HAR has 1 request but none carries EventSource messages/);
    expect(importError(() => fromHar(withEntries([])))).toBe('this HAR has no requests, so no EventSource messages (_eventSourceMessages) to import');
  });

  const mutated = (change: (har: ReturnType<typeof foreignHar>) => void) => () => {
    const har = foreignHar();
    har.log.entries.push(JSON.parse(JSON.stringify(har.log.entries[1])), plain(5));
    change(har);
    return fromHar(har);
  };
  const msgs = (har: ReturnType<typeof foreignHar>, i: number) => har.log.entries[i]!._eventSourceMessages as Record<string, unknown>[];
  const req = (har: ReturnType<typeof foreignHar>, i: number) => har.log.entries[i]!.request as Record<string, unknown>;

  it.each<[string, (har: ReturnType<typeof foreignHar>) => void]>([
    ['log.entries[4]._eventSourceMessages[2].data is not a string', (h) => (msgs(h, 4)[2]!.data = 42)],
    ['log.entries[4]._eventSourceMessages[1].data is missing (expected a string)', (h) => delete msgs(h, 4)[1]!.data],
    ['log.entries[1]._eventSourceMessages[0].time is missing (expected a number)', (h) => delete msgs(h, 1)[0]!.time],
    ['log.entries[1]._eventSourceMessages[0].time is not a number', (h) => (msgs(h, 1)[0]!.time = '1741944601')],
    ['log.entries[3]._eventSourceMessages[0].eventName is not a string', (h) => (msgs(h, 3)[0]!.eventName = null)],
    ['log.entries[1]._eventSourceMessages[2].eventId is not a string', (h) => (msgs(h, 1)[2]!.eventId = 43)],
    ['log.entries[1]._eventSourceMessages[1] is not an object', (h) => ((h.log.entries[1]!._eventSourceMessages as unknown[])[1] = 'hello')],
    ['log.entries[1]._eventSourceMessages is not an array', (h) => (h.log.entries[1]!._eventSourceMessages = { 0: {} })],
    ['log.entries[2] is not an object', (h) => ((h.log.entries as unknown[])[2] = 7)],
    ['log.entries[1].request is missing (expected an object)', (h) => delete h.log.entries[1]!.request],
    ['log.entries[3].request.url is missing (expected a string)', (h) => delete req(h, 3).url],
    ['log.entries[3].request.method is not a string', (h) => (req(h, 3).method = 1)],
    ['log.entries[1].request.headers[1].value is missing (expected a string)', (h) => delete (req(h, 1).headers as Record<string, unknown>[])[1]!.value],
    ['log.entries[1].request.headers is not an array', (h) => (req(h, 1).headers = { Accept: 'text/event-stream' })],
    ['log.entries[1].response.status is not an integer', (h) => ((h.log.entries[1]!.response as Record<string, unknown>).status = '200')],
    ['log.entries[1].response is not an object', (h) => (h.log.entries[1]!.response = 'OK')],
    ['log.entries[1].startedDateTime is not a date ("yesterday")', (h) => (h.log.entries[1]!.startedDateTime = 'yesterday')],
    ['log.entries[1].timings.wait is not a number', (h) => ((h.log.entries[1]!.timings as Record<string, unknown>).wait = 'slow')],
    ['log.entries[1].time is not a number', (h) => (h.log.entries[1]!.time = null)],
    ['log.pages is not an array', (h) => (h.log.pages = {})],
    ['log.pages[0].startedDateTime is not a date ("2025-13-45")', (h) => ((h.log.pages as Record<string, unknown>[])[0]!.startedDateTime = '2025-13-45')],
  ])('%s', (message, change) => {
    expect(importError(mutated(change))).toBe(message);
  });

  const ours = () => json(toHar(boundedCounterAndXhr())) as unknown as { log: Record<string, unknown> & { _sseInspector: Record<string, unknown>; entries: Record<string, unknown>[] } };
  const info = (h: ReturnType<typeof ours>) => h.log._sseInspector;
  const entryInfo = (h: ReturnType<typeof ours>, i: number) => h.log.entries[i]!._sseInspector as Record<string, unknown>;

  it.each<[string, (har: ReturnType<typeof ours>) => void]>([
    [
      'this HAR was written by a newer SSE Inspector (its log._sseInspector.version is 2; this one reads version 1)',
      (h) => (info(h).version = 2),
    ],
    ['log._sseInspector is not an object', (h) => (h.log._sseInspector = 'sse' as unknown as Record<string, unknown>)],
    ["log._sseInspector.streams[0].kind is not one of 'eventsource', 'fetch', 'xhr'", (h) => ((info(h).streams as Record<string, unknown>[])[0]!.kind = 'websocket')],
    ['log._sseInspector.counters.droppedEvents is missing (expected a number)', (h) => delete (info(h).counters as Record<string, unknown>).droppedEvents],
    ['log._sseInspector.firstSeq is not an integer', (h) => (info(h).firstSeq = 1.5)],
    ["log._sseInspector.streams has two streams with the id 'd7:1'", (h) => (info(h).streams as Record<string, unknown>[]).push({ ...(info(h).streams as Record<string, unknown>[])[0]! })],
    ["log.entries[0]._sseInspector.stream names no stream of log._sseInspector.streams ('nope')", (h) => (entryInfo(h, 0).stream = 'nope')],
    ["log.entries[1]._sseInspector.index repeats attempt 0 of stream 'd7:1'", (h) => (entryInfo(h, 1).stream = 'd7:1')],
    ['log.entries[0]._sseInspector.index is out of range (-1)', (h) => (entryInfo(h, 0).index = -1)],
    ['log.entries[0]._sseInspector.attempt.headers[0] is not a [name, value] pair', (h) => ((entryInfo(h, 0).attempt as Record<string, unknown[]>).headers![0] = 'Content-Type')],
    ["log.entries[1]._eventSourceMessages[0]._kind is not one of 'event', 'comment', 'retry'", (h) => ((h.log.entries[1]!._eventSourceMessages as Record<string, unknown>[])[0]!._kind = 'ping')],
    ['log.entries[1]._eventSourceMessages[0]._seq is missing (expected an integer)', (h) => delete (h.log.entries[1]!._eventSourceMessages as Record<string, unknown>[])[0]!._seq],
    ['log.entries[1]._eventSourceMessages[2]._truncated is not true', (h) => ((h.log.entries[1]!._eventSourceMessages as Record<string, unknown>[])[2]!._truncated = false)],
    ['log._sseInspector.orphanEvents is missing (expected an array)', (h) => delete info(h).orphanEvents],
  ])('our own HAR, damaged: %s', (message, change) => {
    const har = ours();
    change(har);
    expect(importError(() => fromHar(har))).toBe(message);
  });
});

describe('fromHar never crashes: any JSON gives a CaptureLog or an ImportError', () => {
  type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
  const KEYS = ['log', 'entries', 'pages', '_eventSourceMessages', '_sseInspector', 'request', 'response', 'data', 'time', 'url', 'format', 'streams', '__proto__', 'constructor'];

  function randomJson(rnd: () => number, depth: number): Json {
    const r = rnd();
    if (depth <= 0 || r < 0.35) {
      const atoms: Json[] = [null, true, false, 0, -1, 1.5, 1e308, -0, '', 'x', 'sse-inspector-har', '2025-03-14T09:30:00Z', 'text/event-stream', '__proto__'];
      return atoms[Math.floor(rnd() * atoms.length)]!;
    }
    if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => randomJson(rnd, depth - 1));
    const o: { [k: string]: Json } = {};
    for (let i = Math.floor(rnd() * 5); i > 0; i--) o[KEYS[Math.floor(rnd() * KEYS.length)]!] = randomJson(rnd, depth - 1);
    return o;
  }

  /** Every container in a JSON value, with a way to change one of its slots. */
  function slots(x: Json, out: { parent: Json[] | { [k: string]: Json }; key: string | number }[] = []) {
    if (Array.isArray(x)) x.forEach((v, i) => (out.push({ parent: x, key: i }), slots(v, out)));
    else if (x !== null && typeof x === 'object') for (const k of Object.keys(x)) out.push({ parent: x, key: k }), slots(x[k]!, out);
    return out;
  }

  function mutate(base: Json, rnd: () => number): Json {
    const x = JSON.parse(JSON.stringify(base)) as Json;
    for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
      const all = slots(x);
      const s = all[Math.floor(rnd() * all.length)];
      if (!s) break;
      const p = s.parent as Record<string | number, Json>;
      const r = rnd();
      if (r < 0.3 && !Array.isArray(s.parent)) delete p[s.key];
      else if (r < 0.5) p[s.key] = typeof p[s.key] === 'number' ? -(p[s.key] as number) - 1 : typeof p[s.key] === 'string' ? '' : [];
      else if (r < 0.6 && Array.isArray(s.parent)) s.parent.push(s.parent[0] ?? null);
      else p[s.key] = randomJson(rnd, 2);
    }
    return x;
  }

  function survives(input: unknown): 'log' | 'error' {
    try {
      const log = fromHar(input);
      // What it does give is ordered and serialisable.
      const seqs = log.events.map((e) => e.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      JSON.stringify(log);
      return 'log';
    } catch (e) {
      if (!(e instanceof ImportError)) throw new Error(`not an ImportError for ${JSON.stringify(input).slice(0, 300)}: ${String(e)}`);
      expect(e.message.length).toBeGreaterThan(10);
      return 'error';
    }
  }

  it('random JSON', () => {
    const rnd = prng(6);
    for (let i = 0; i < 3000; i++) {
      const x = randomJson(rnd, 6);
      survives(x);
      survives({ log: { entries: [x] } });
      survives({ log: { entries: [{ request: { url: 'https://a/' }, _eventSourceMessages: [x] }] } });
    }
  });

  it('mutations of our own HAR and of a foreign HAR', () => {
    const ourHar = json(toHar(boundedCounterAndXhr())) as unknown as Json;
    const foreign = foreignHar() as unknown as Json;
    const seen = { log: 0, error: 0 };
    for (const [seed, base] of [
      [1, ourHar],
      [2, foreign],
    ] as const) {
      const rnd = prng(seed);
      for (let i = 0; i < 1500; i++) seen[survives(mutate(base, rnd))]++;
    }
    // Both outcomes happen: the mutations reach what is checked and what is not.
    expect(seen.log).toBeGreaterThan(100);
    expect(seen.error).toBeGreaterThan(100);
  });
});
