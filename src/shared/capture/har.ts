// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) export and import. Pure functions:
// no DOM, no browser APIs.
//
// Each attempt of a stream (one HTTP request: an EventSource's reconnect is a new request) is one
// entry, with ordinary request and response data so HAR viewers and tools keep working, and the
// stream's records of that attempt in `_eventSourceMessages`, modelled on Chrome's
// `_webSocketMessages`: { type: 'receive', time (epoch seconds), eventName, eventId, data }.
//
// Our own HARs are lossless: what HAR has no field for is in underscore fields (which HAR allows):
// - log._sseInspector: { format, version, firstSeq, counters, pages, streams (without their
//   attempts, in the log's order), orphanEvents (records of no attempt of theirs), and the
//   capture's exportedAt, exportedBy, pageUrl, scope, redacted };
// - entry._sseInspector: { stream (its id), index (of the attempt in the stream), attempt };
// - per message: _seq, _kind, _time (exact epoch ms), _origin, _size, _source, and _raw and
//   _truncated when the record has them.
// fromHar of our own HAR reads those and gives back exactly the exported CaptureLog; the standard
// fields are a view of them. A foreign HAR (no log._sseInspector) is read from standard fields.
import type { Attempt, EventRecord, PageInfo, RecordKind, Source, Stream, StreamKind } from '../model';
import type { Counters } from '../protocol';
import { utf8Length } from '../text';
import { EMPTY_COUNTERS, ImportError, type Capture, type CaptureLog, type CaptureScope } from './capture';
import { toRawSse } from './raw-sse';

/** log._sseInspector.format of our HARs. */
export const HAR_FORMAT = 'sse-inspector-har';
export const HAR_VERSION = 1;

// ---- HAR 1.2 types (what we write; readers take `unknown`) -------------------------------------

export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarPage {
  startedDateTime: string;
  id: string;
  title: string;
  pageTimings: { onContentLoad?: number; onLoad?: number };
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: [];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  headersSize: number;
  bodySize: number;
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: [];
  headers: HarNameValue[];
  content: { size: number; mimeType: string; text?: string; comment?: string };
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  /** Why the request failed (Chrome's field): a network failure has status 0. */
  _error?: string;
}

export interface HarTimings {
  blocked: number;
  dns: number;
  connect: number;
  ssl: number;
  send: number;
  wait: number;
  receive: number;
}

/** One SSE record, as Chrome writes a WebSocket message in `_webSocketMessages`. */
export interface HarEventSourceMessage {
  type: 'receive';
  /** Arrival time, seconds since the epoch. */
  time: number;
  /** The event type ('' for a comment or retry field). */
  eventName: string;
  eventId: string;
  /** The event's data; a comment's text; a retry's milliseconds. */
  data: string;
  _seq: number;
  _kind: RecordKind;
  /** The exact arrival time, epoch ms (`time` is rounded by the division). */
  _time: number;
  _origin: string;
  _size: number;
  _source: Source;
  _raw?: string;
  _truncated?: true;
}

export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, never>;
  timings: HarTimings;
  _resourceType: StreamKind;
  _eventSourceMessages: HarEventSourceMessage[];
  _sseInspector: { stream: string; index: number; attempt: Attempt };
}

/** log._sseInspector: the capture, but for its streams' attempts and its records (in the entries). */
export interface HarCaptureInfo {
  format: typeof HAR_FORMAT;
  version: typeof HAR_VERSION;
  firstSeq: number;
  counters: Counters;
  pages: PageInfo[];
  /** The streams in the log's order, without `attempts` (each is an entry's). */
  streams: Omit<Stream, 'attempts'>[];
  /** Records whose stream or attempt is not in the capture (kept whole). */
  orphanEvents: EventRecord[];
  exportedAt: string;
  exportedBy: Capture['exportedBy'];
  pageUrl: string;
  scope: CaptureScope;
  redacted: string[];
}

export interface Har {
  log: {
    version: '1.2';
    creator: { name: string; version: string };
    pages: HarPage[];
    entries: HarEntry[];
    _sseInspector: HarCaptureInfo;
  };
}

// ---- export -------------------------------------------------------------------------------------

const TOOL_NAME = 'SSE Inspector';

const pageId = (n: number) => `page_${n}`;

/** ISO 8601 of an epoch-ms time (the epoch itself for a time that is not one). */
function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? new Date(0).toISOString() : d.toISOString();
}

const nameValues = (pairs: readonly [string, string][] | undefined): HarNameValue[] => (pairs ?? []).map(([name, value]) => ({ name, value }));

function headerValue(pairs: readonly [string, string][] | undefined, name: string): string | undefined {
  const lower = name.toLowerCase();
  return pairs?.find(([k]) => k.toLowerCase() === lower)?.[1];
}

function queryString(url: string): HarNameValue[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

/** HAR 1.2 of a capture: one entry per attempt, sorted by start time; lossless (see the file's header). */
export function toHar(capture: Capture): Har {
  const byAttempt = new Map<string, EventRecord[]>();
  const key = (streamId: string, n: number) => `${n}\u0000${streamId}`;
  const known = new Set<string>();
  for (const s of capture.streams) for (const a of s.attempts) known.add(key(s.id, a.n));
  const orphanEvents: EventRecord[] = [];
  for (const e of capture.events) {
    const k = key(e.streamId, e.attempt);
    if (!known.has(k)) {
      orphanEvents.push(e);
      continue;
    }
    let list = byAttempt.get(k);
    if (!list) byAttempt.set(k, (list = []));
    list.push(e);
  }
  const pageNumbers = new Set(capture.pages.map((p) => p.n));
  const entries: { entry: HarEntry; start: number }[] = [];
  for (const s of capture.streams) {
    s.attempts.forEach((a, index) => {
      const k = key(s.id, a.n);
      const records = byAttempt.get(k) ?? [];
      byAttempt.delete(k); // a repeated attempt number: its records go with the first
      entries.push(entryOf(s, a, index, records, pageNumbers.has(s.page) ? pageId(s.page) : undefined));
    });
  }
  entries.sort((x, y) => x.start - y.start);
  const tool = capture.exportedBy.tool;
  return {
    log: {
      version: '1.2',
      creator: { name: TOOL_NAME, version: tool.startsWith(TOOL_NAME) ? tool.slice(TOOL_NAME.length).trim() : tool },
      pages: capture.pages.map((p) => ({ startedDateTime: iso(pageStart(p, capture.streams)), id: pageId(p.n), title: p.url, pageTimings: {} })),
      entries: entries.map((x) => x.entry),
      _sseInspector: {
        format: HAR_FORMAT,
        version: HAR_VERSION,
        firstSeq: capture.firstSeq,
        counters: capture.counters,
        pages: capture.pages,
        streams: capture.streams.map(({ attempts: _attempts, ...stream }) => stream),
        orphanEvents,
        exportedAt: capture.exportedAt,
        exportedBy: capture.exportedBy,
        pageUrl: capture.pageUrl,
        scope: capture.scope,
        redacted: capture.redacted,
      },
    },
  };
}

/** When a page began; for one whose start is unknown (0: the capture began mid-page), its first stream's creation. */
function pageStart(p: PageInfo, streams: readonly Stream[]): number {
  if (p.startedAt > 0) return p.startedAt;
  const first = streams.reduce((t, s) => (s.page === p.n ? Math.min(t, s.createdAt) : t), Infinity);
  return Number.isFinite(first) ? first : 0;
}

const nonNegative = (x: number) => (Number.isFinite(x) && x > 0 ? x : 0);

function entryOf(s: Stream, a: Attempt, index: number, records: EventRecord[], pageref: string | undefined): { entry: HarEntry; start: number } {
  const lastTime = records.length > 0 ? records[records.length - 1]!.time : undefined;
  const start = a.startedAt ?? a.headersAt ?? a.openedAt ?? records[0]?.time ?? a.endedAt ?? s.createdAt;
  const headers = a.headersAt ?? a.openedAt;
  const end = a.endedAt ?? lastTime ?? headers ?? start;
  const wait = headers === undefined ? nonNegative(end - start) : nonNegative(headers - start);
  const receive = headers === undefined ? 0 : nonNegative(end - headers);
  // A network failure has no status: status 0 with `_error`, as Chrome writes it. An EventSource
  // that opened had a 200 (it opens on nothing else), whether or not the network saw it.
  const status = a.status ?? (a.openedAt !== undefined && s.kind === 'eventsource' ? 200 : 0);
  const method = a.method ?? s.method ?? 'GET';
  const text = records.length > 0 ? toRawSse(records) : undefined;
  const mimeType = a.contentType ?? headerValue(a.headers, 'content-type') ?? (status === 0 ? 'x-unknown' : 'text/event-stream');
  const response: HarResponse = {
    status,
    statusText: a.statusText ?? (status === 200 && a.status === undefined ? 'OK' : ''),
    httpVersion: '',
    cookies: [],
    headers: nameValues(a.headers),
    content: {
      size: text === undefined ? 0 : utf8Length(text),
      mimeType,
      ...(text === undefined ? {} : { text }),
      ...(text !== undefined && s.source === 'page-hook'
        ? { comment: 'Written from the events the page received (the types it listens to), not the bytes on the wire.' }
        : {}),
    },
    redirectURL: headerValue(a.headers, 'location') ?? '',
    headersSize: -1,
    bodySize: s.source === 'response-body' && s.attempts.length === 1 ? s.bytes : -1,
  };
  if (status === 0) response._error = a.failure ?? a.endReason ?? 'net::ERR_FAILED';
  const entry: HarEntry = {
    ...(pageref === undefined ? {} : { pageref }),
    startedDateTime: iso(start),
    time: wait + receive,
    request: {
      method,
      url: s.url,
      httpVersion: '',
      cookies: [],
      headers: nameValues(a.requestHeaders),
      queryString: queryString(s.url),
      headersSize: -1,
      bodySize: a.requestBytes ?? (method === 'GET' ? 0 : -1),
    },
    response,
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait, receive },
    _resourceType: s.kind,
    _eventSourceMessages: records.map(messageOf),
    _sseInspector: { stream: s.id, index, attempt: a },
  };
  return { entry, start };
}

function messageOf(e: EventRecord): HarEventSourceMessage {
  const m: HarEventSourceMessage = {
    type: 'receive',
    time: e.time / 1000,
    eventName: e.type,
    eventId: e.id,
    data: e.data,
    _seq: e.seq,
    _kind: e.kind,
    _time: e.time,
    _origin: e.origin,
    _size: e.size,
    _source: e.source,
  };
  if (e.raw !== undefined) m._raw = e.raw;
  if (e.truncated) m._truncated = true;
  return m;
}

// ---- reading untrusted JSON ---------------------------------------------------------------------
// Each check takes the value and its path ("log.entries[4].request.url") and returns a fresh,
// plain value or throws an ImportError naming the path and what is wrong with it.

type Check<T> = (x: unknown, path: string) => T;

const fail = (path: string, what: string): never => {
  throw new ImportError(`${path} ${what}`);
};
const wrong = (x: unknown, path: string, expected: string): never =>
  fail(path, x === undefined ? `is missing (expected ${expected})` : `is not ${expected}`);

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

const object: Check<Json> = (x, path) => (isObject(x) ? x : wrong(x, path, 'an object'));
const string: Check<string> = (x, path) => (typeof x === 'string' ? x : wrong(x, path, 'a string'));
const number: Check<number> = (x, path) => (typeof x === 'number' && Number.isFinite(x) ? x : wrong(x, path, 'a number'));
const integer: Check<number> = (x, path) => (Number.isSafeInteger(x) ? (x as number) : wrong(x, path, 'an integer'));
const boolean: Check<boolean> = (x, path) => (typeof x === 'boolean' ? x : wrong(x, path, 'true or false'));
const yes: Check<true> = (x, path) => (x === true ? true : wrong(x, path, 'true'));
const oneOf =
  <T extends string>(...values: T[]): Check<T> =>
  (x, path) =>
    values.includes(x as T) ? (x as T) : wrong(x, path, `one of ${values.map((v) => `'${v}'`).join(', ')}`);
const array =
  <T>(item: Check<T>): Check<T[]> =>
  (x, path) =>
    Array.isArray(x) ? x.map((v, i) => item(v, `${path}[${i}]`)) : wrong(x, path, 'an array');
const pair: Check<[string, string]> = (x, path) => {
  if (!Array.isArray(x) || x.length !== 2) return wrong(x, path, 'a [name, value] pair');
  return [string(x[0], `${path}[0]`), string(x[1], `${path}[1]`)];
};

type Fields = Record<string, Check<unknown>>;
type Built<R extends Fields, O extends Fields> = { [K in keyof R]: ReturnType<R[K]> } & { [K in keyof O]?: ReturnType<O[K]> };

/** An object with these fields (optional ones may be missing); other fields are dropped. */
const shape =
  <R extends Fields, O extends Fields = Record<never, never>>(required: R, optional?: O): Check<Built<R, O>> =>
  (x, path) => {
    const o = object(x, path);
    const out: Json = {};
    for (const k of Object.keys(required)) out[k] = required[k]!(o[k], `${path}.${k}`);
    if (optional) for (const k of Object.keys(optional)) if (o[k] !== undefined) out[k] = optional[k]!(o[k], `${path}.${k}`);
    return out as Built<R, O>;
  };

const source = oneOf<Source>('page-hook', 'response-body');
const recordKind = oneOf<RecordKind>('event', 'comment', 'retry');

const counters: Check<Counters> = shape({ droppedEvents: number, droppedStreams: number, invalidRecords: number, unsavedWrites: number });
const page: Check<PageInfo> = shape({ n: integer, url: string, startedAt: number });

const attempt: Check<Attempt> = shape(
  { n: integer },
  {
    startedAt: number,
    openedAt: number,
    endedAt: number,
    end: oneOf('error', 'closed', 'done', 'aborted', 'cancelled'),
    endReason: string,
    headersAt: number,
    status: integer,
    statusText: string,
    headers: array(pair),
    discarded: string,
    method: string,
    requestBytes: number,
    lastEventIdSent: string,
    requestHeaders: array(pair),
    requestHeadersPartial: yes,
    contentType: string,
    failure: string,
    redirects: array(string),
  },
);

const streamWithoutAttempts: Check<Omit<Stream, 'attempts'>> = shape(
  {
    id: string,
    page: integer,
    kind: oneOf<StreamKind>('eventsource', 'fetch', 'xhr'),
    url: string,
    withCredentials: boolean,
    frame: shape({ id: integer, url: string, top: boolean }),
    createdAt: number,
    initiator: string,
    stack: string,
    state: oneOf('connecting', 'open', 'closed'),
    eventCount: integer,
    bytes: number,
    lastEventId: string,
    listenedTypes: array(string),
    source,
  },
  { closedBy: oneOf('page', 'error'), retry: number, method: string },
);

const eventRecord: Check<EventRecord> = shape(
  { seq: integer, kind: recordKind, streamId: string, attempt: integer, time: number, type: string, id: string, data: string, origin: string, size: number, source },
  { raw: string, truncated: yes },
);

const captureInfo = shape({
  format: oneOf(HAR_FORMAT),
  version: integer,
  firstSeq: integer,
  counters,
  pages: array(page),
  streams: array(streamWithoutAttempts),
  orphanEvents: array(eventRecord),
});

const entryInfo = shape({ stream: string, index: integer, attempt });

const ourMessage = shape(
  { time: number, eventName: string, eventId: string, data: string, _seq: integer, _kind: recordKind, _time: number, _origin: string, _size: number, _source: source },
  { _raw: string, _truncated: yes },
);

// ---- import -------------------------------------------------------------------------------------

/**
 * The capture log in a HAR: ours (with log._sseInspector) exactly as exported; a foreign one
 * (another tool's, with `_eventSourceMessages` on its entries) as one stream per such entry.
 * Takes parsed JSON; throws ImportError, saying what is wrong and where, for anything else.
 */
export function fromHar(json: unknown): CaptureLog {
  if (!isObject(json) || !isObject(json.log) || !Array.isArray(json.log.entries)) {
    throw new ImportError('it is not a HAR file (it has no log.entries array)');
  }
  const log = json.log;
  const entries = log.entries as unknown[];
  if (log._sseInspector !== undefined) {
    const info = object(log._sseInspector, 'log._sseInspector');
    if (info.format === HAR_FORMAT) {
      if (typeof info.version === 'number' && info.version > HAR_VERSION) {
        throw new ImportError(
          `this HAR was written by a newer SSE Inspector (its log._sseInspector.version is ${info.version}; this one reads version ${HAR_VERSION})`,
        );
      }
      return fromOurHar(log._sseInspector, entries);
    }
  }
  return fromForeignHar(log, entries);
}

function fromOurHar(rawInfo: unknown, entries: unknown[]): CaptureLog {
  const info = captureInfo(rawInfo, 'log._sseInspector');
  const streams: Stream[] = [];
  const slots = new Map<string, (Attempt | undefined)[]>();
  for (const s of info.streams) {
    if (slots.has(s.id)) fail(`log._sseInspector.streams`, `has two streams with the id '${s.id}'`);
    const attempts: (Attempt | undefined)[] = [];
    slots.set(s.id, attempts);
    streams.push({ ...s, attempts: attempts as Attempt[] });
  }
  const events: EventRecord[] = [...info.orphanEvents];
  entries.forEach((rawEntry, i) => {
    const path = `log.entries[${i}]`;
    const entry = object(rawEntry, path);
    if (entry._sseInspector === undefined) return; // added by another tool: not ours to read
    const { stream, index, attempt } = entryInfo(entry._sseInspector, `${path}._sseInspector`);
    const attempts = slots.get(stream) ?? fail(`${path}._sseInspector.stream`, `names no stream of log._sseInspector.streams ('${stream}')`);
    if (index < 0 || index > 100_000) fail(`${path}._sseInspector.index`, `is out of range (${index})`);
    if (attempts[index] !== undefined) fail(`${path}._sseInspector.index`, `repeats attempt ${index} of stream '${stream}'`);
    attempts[index] = attempt;
    const messages = array(ourMessage)(entry._eventSourceMessages, `${path}._eventSourceMessages`);
    for (const m of messages) {
      const e: EventRecord = {
        seq: m._seq,
        kind: m._kind,
        streamId: stream,
        attempt: attempt.n,
        time: m._time,
        type: m.eventName,
        id: m.eventId,
        data: m.data,
        origin: m._origin,
        size: m._size,
        source: m._source,
      };
      if (m._raw !== undefined) e.raw = m._raw;
      if (m._truncated) e.truncated = true;
      events.push(e);
    }
  });
  // Entries a tool removed leave holes: the attempts that are left keep their order.
  for (const s of streams) s.attempts = s.attempts.filter((a) => a !== undefined);
  events.sort((a, b) => a.seq - b.seq);
  return { streams, events, firstSeq: info.firstSeq, pages: info.pages, counters: info.counters };
}

const foreignHeaders = array(shape({ name: string, value: string }));

function fromForeignHar(log: Json, entries: unknown[]): CaptureLog {
  // Pages: HAR pages in order; without any, one page of unknown URL.
  const pages: PageInfo[] = [];
  const pageByRef = new Map<string, number>();
  if (log.pages !== undefined) {
    const harPages = array(object)(log.pages, 'log.pages');
    harPages.forEach((p, i) => {
      const path = `log.pages[${i}]`;
      const n = i + 1;
      if (p.id !== undefined) pageByRef.set(string(p.id, `${path}.id`), n);
      const started = p.startedDateTime === undefined ? 0 : date(p.startedDateTime, `${path}.startedDateTime`);
      pages.push({ n, url: p.title === undefined ? '' : string(p.title, `${path}.title`), startedAt: started });
    });
  }
  if (pages.length === 0) pages.push({ n: 1, url: '', startedAt: 0 });

  const streams: Stream[] = [];
  /** Records before seq is given: their arrival order breaks ties of time. */
  const records: Omit<EventRecord, 'seq'>[] = [];
  entries.forEach((rawEntry, i) => {
    const path = `log.entries[${i}]`;
    const entry = object(rawEntry, path);
    if (entry._eventSourceMessages === undefined) return;
    const messages = array(object)(entry._eventSourceMessages, `${path}._eventSourceMessages`);
    if (messages.length === 0) return; // a request that received nothing
    const request = object(entry.request, `${path}.request`);
    const url = string(request.url, `${path}.request.url`);
    const method = request.method === undefined ? 'GET' : string(request.method, `${path}.request.method`);
    const requestHeaders = request.headers === undefined ? [] : foreignHeaders(request.headers, `${path}.request.headers`);
    const response = entry.response === undefined ? undefined : object(entry.response, `${path}.response`);
    const id = `har:${streams.length + 1}`;

    const found: Omit<EventRecord, 'seq'>[] = messages.map((m, j) => {
      const at = `${path}._eventSourceMessages[${j}]`;
      const time = number(m.time, `${at}.time`) * 1000;
      const data = string(m.data, `${at}.data`);
      const kind: RecordKind = m._kind === 'comment' || m._kind === 'retry' ? m._kind : 'event';
      const eventName = m.eventName === undefined ? '' : string(m.eventName, `${at}.eventName`);
      const eventId = m.eventId === undefined ? '' : string(m.eventId, `${at}.eventId`);
      return {
        kind,
        streamId: id,
        attempt: 1,
        time,
        type: kind === 'event' ? eventName || 'message' : '',
        id: eventId,
        data,
        origin: originOf(url),
        size: kind === 'retry' ? 0 : utf8Length(data),
        source: 'page-hook',
      };
    });

    // The attempt: one request and its response.
    const firstTime = found.reduce((t, e) => Math.min(t, e.time), Infinity);
    const startedAt =
      entry.startedDateTime === undefined ? (Number.isFinite(firstTime) ? firstTime : 0) : date(entry.startedDateTime, `${path}.startedDateTime`);
    const a: Attempt = { n: 1, startedAt, method };
    const waited = timingsUntilHeaders(entry.timings, `${path}.timings`);
    if (waited !== undefined) {
      a.openedAt = startedAt + waited;
      a.headersAt = startedAt + waited;
    }
    if (entry.time !== undefined) {
      const total = number(entry.time, `${path}.time`);
      if (total > 0) a.endedAt = startedAt + total;
    }
    if (response) {
      if (response.status !== undefined) a.status = integer(response.status, `${path}.response.status`);
      if (response.statusText !== undefined) a.statusText = string(response.statusText, `${path}.response.statusText`);
      if (response.headers !== undefined) a.headers = foreignHeaders(response.headers, `${path}.response.headers`).map(({ name, value }): [string, string] => [name, value]);
      const content = response.content === undefined ? undefined : object(response.content, `${path}.response.content`);
      const mime = content?.mimeType;
      if (typeof mime === 'string' && mime !== '') a.contentType = mime;
      else {
        const header = a.headers?.find(([k]) => k.toLowerCase() === 'content-type')?.[1];
        if (header !== undefined) a.contentType = header;
      }
      const error = response._error ?? entry._error;
      if (typeof error === 'string' && error !== '') {
        a.end = 'error';
        a.endReason = error;
        if (a.status === 0 || a.status === undefined) a.failure = error;
      }
    }
    a.requestHeaders = requestHeaders.map(({ name, value }): [string, string] => [name, value]);
    const lastEventIdSent = requestHeaders.find((h) => h.name.toLowerCase() === 'last-event-id')?.value;
    if (lastEventIdSent !== undefined) a.lastEventIdSent = lastEventIdSent;

    const resourceType = typeof entry._resourceType === 'string' ? entry._resourceType.toLowerCase() : '';
    const kind: StreamKind =
      resourceType === 'fetch' || resourceType === 'xhr' || resourceType === 'eventsource'
        ? resourceType
        : method.toUpperCase() !== 'GET'
          ? 'fetch'
          : 'eventsource';
    const pageref = typeof entry.pageref === 'string' ? pageByRef.get(entry.pageref) : undefined;
    const pageInfo = pages.find((p) => p.n === pageref) ?? pages[0]!;
    const byTime = [...found].sort((x, y) => x.time - y.time);
    const lastEvent = byTime.filter((e) => e.kind === 'event').pop();
    const listenedTypes: string[] = [];
    for (const e of byTime) if (e.kind === 'event' && !listenedTypes.includes(e.type)) listenedTypes.push(e.type);
    const lastRetry = byTime.filter((e) => e.kind === 'retry').pop();
    const stream: Stream = {
      id,
      page: pageInfo.n,
      kind,
      url,
      withCredentials: false,
      frame: { id: 0, url: pageInfo.url, top: true },
      createdAt: startedAt,
      initiator: '',
      stack: '',
      state: 'closed',
      attempts: [a],
      eventCount: found.filter((e) => e.kind === 'event').length,
      bytes: found.reduce((n, e) => n + e.size, 0),
      lastEventId: lastEvent?.id ?? '',
      listenedTypes,
      method,
      source: 'page-hook',
    };
    if (lastRetry && /^\d+$/.test(lastRetry.data)) stream.retry = Number(lastRetry.data);
    streams.push(stream);
    records.push(...found);
  });
  if (streams.length === 0) {
    const n = entries.length;
    throw new ImportError(
      n === 0
        ? 'this HAR has no requests, so no EventSource messages (_eventSourceMessages) to import'
        : `this HAR has ${n} request${n === 1 ? '' : 's'} but none carries EventSource messages (_eventSourceMessages): browsers leave them out of their own HAR exports; export the HAR from the SSE panel instead`,
    );
  }
  // Time order (stable: a tie keeps the file's order); seq from 1.
  const events = records.map((e, i) => ({ e, i })).sort((x, y) => x.e.time - y.e.time || x.i - y.i).map(({ e }, i): EventRecord => ({ seq: i + 1, ...e }));
  return { streams, events, firstSeq: 1, pages, counters: { ...EMPTY_COUNTERS } };
}

/** An ISO 8601 date as epoch ms. */
function date(x: unknown, path: string): number {
  const t = Date.parse(string(x, path));
  return Number.isNaN(t) ? fail(path, `is not a date (${JSON.stringify(x).slice(0, 40)})`) : t;
}

/** Milliseconds from the request's start to its response headers: blocked, dns, connect, send and wait (ssl is within connect). */
function timingsUntilHeaders(x: unknown, path: string): number | undefined {
  if (x === undefined) return undefined;
  const t = object(x, path);
  let sum = 0;
  for (const k of ['blocked', 'dns', 'connect', 'send', 'wait']) {
    if (t[k] === undefined) continue;
    const v = number(t[k], `${path}.${k}`);
    if (v > 0) sum += v;
  }
  return sum;
}

function originOf(url: string): string {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? '' : origin;
  } catch {
    return '';
  }
}
