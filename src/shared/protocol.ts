// Every message that crosses a boundary (page → bridge → background → panel) is declared
// here, once. Whatever arrives from the page is untrusted: any page script can speak this
// protocol, so the bridge validates each record's shape and caps its sizes before it is
// forwarded (see parsePageBatch).
import type { EventRecord, PageInfo, Stream } from './model';
import { utf8Length } from './text';

export const PROTOCOL_VERSION = 1;

/** Names of the two DOM events of the MAIN↔ISOLATED handshake (see src/content/channel.ts). */
export const HANDSHAKE = {
  bridgeReady: 'sse-inspector:bridge-ready',
  port: 'sse-inspector:port',
} as const;

// ---- page hook → bridge (private MessageChannel) ----------------------------------------

/** Times are epoch milliseconds with sub-millisecond precision. `sid` numbers a stream within one document. */
export type PageRecord =
  | { k: 'create'; sid: number; t: number; url: string; withCredentials: boolean; stack: string }
  | { k: 'open'; sid: number; t: number }
  /** readyState after the error: 0 = the browser will reconnect, 2 = it gave up. */
  | { k: 'error'; sid: number; t: number; readyState: 0 | 2 }
  /** The page called close(). */
  | { k: 'close'; sid: number; t: number }
  /** The page started listening to an event type; only such types are visible to the hook. */
  | { k: 'listen'; sid: number; t: number; type: string }
  /** `fullSize`: the data was cut to LIMITS.data (this is its true UTF-8 size); `cut`: the type or id was cut to its limit. */
  | { k: 'event'; sid: number; t: number; type: string; data: string; id: string; origin: string; fullSize?: number; cut?: true }
  /**
   * A fetch() or XHR response of type text/event-stream: `t` is when the page called fetch()
   * or send(), `headersAt` when the response headers arrived. Sent once per response.
   */
  | {
      k: 'response';
      sid: number;
      t: number;
      kind: 'fetch' | 'xhr';
      url: string;
      status: number;
      statusText: string;
      headers: [string, string][];
      /** Unknown for XHR. */
      redirected?: boolean;
      headersAt: number;
      stack: string;
    }
  /** Body text as the page read it (decoded as UTF-8); `bytes` is its size on the wire when known. */
  | { k: 'chunk'; sid: number; t: number; text: string; bytes?: number }
  /** The response body ended: read to the end, aborted, failed, or cancelled by the page. */
  | { k: 'end'; sid: number; t: number; how: 'done' | 'aborted' | 'error' | 'cancelled'; error: string };

/**
 * A burst of one EventSource's events, by columns: the same as `t.length` records
 * `{ k: 'event', sid, t: t[i], type: type[i], data: data[i], id: id[i], origin }`. Structured
 * cloning a few arrays costs a third of cloning an object per event, and the page hook makes
 * no object per event. Only on the private channel: parsePageBatch spreads runs into records.
 */
export interface EventRun {
  k: 'events';
  sid: number;
  origin: string;
  t: number[];
  type: string[];
  data: string[];
  id: string[];
}

/** What the page hook sends: records, and runs of events. */
export type PageItem = PageRecord | EventRun;

export interface PageBatch {
  v: number;
  records: PageItem[];
}

// ---- bridge ↔ background (runtime port named PORT_NAMES.bridge) --------------------------

export const PORT_NAMES = { bridge: 'bridge', panel: 'panel' } as const;

/** One document (frame) as the bridge knows it. `id` is chosen by the bridge, per document. */
export interface DocInfo {
  id: string;
  url: string;
  top: boolean;
}

export interface BridgeBatch {
  kind: 'batch';
  v: number;
  doc: DocInfo;
  /** Numbers the bridge's batches, so the background can acknowledge them. */
  seq: number;
  records: PageRecord[];
  /** Records the bridge dropped because they were malformed (counted, never silent). */
  invalid: number;
}

export interface BridgeAck {
  kind: 'ack';
  seq: number;
}

// ---- panel ↔ background (runtime port named PORT_NAMES.panel) ----------------------------

export interface PanelSubscribe {
  kind: 'subscribe';
  v: number;
  tabId: number;
}

/**
 * Sent every few seconds while a panel is open: a message keeps Chrome's service worker from
 * being stopped as idle, which would otherwise reload the whole capture from storage every 30 s.
 */
export interface PanelKeepAlive {
  kind: 'keepalive';
}

/** The user cleared the panel: the tab's log forgets its records and closed streams. */
export interface PanelClear {
  kind: 'clear';
  tabId: number;
}

export type FromPanel = PanelSubscribe | PanelKeepAlive | PanelClear;

export interface Counters {
  /** Events dropped, oldest first, to keep the tab's log within its bounds. */
  droppedEvents: number;
  /** Closed streams with no record left, dropped, oldest first, beyond the streams a tab keeps. */
  droppedStreams: number;
  /** Page records the extension refused (malformed, oversized, unknown stream). */
  invalidRecords: number;
  /** Writes to the background's storage that failed: a restarted background would miss those changes. */
  unsavedWrites: number;
}

export interface LogSnapshot {
  kind: 'snapshot';
  tabId: number;
  streams: Stream[];
  events: EventRecord[];
  /** The seq of the oldest record kept: older ones were dropped. */
  firstSeq: number;
  /** The page sessions the streams belong to, oldest first; the last is the current page. */
  pages: PageInfo[];
  counters: Counters;
}

/** What changed since the last message: streams are sent whole, events only the new ones. */
export interface LogDelta {
  kind: 'delta';
  tabId: number;
  streams: Stream[];
  /** Streams dropped since (see Counters.droppedStreams). */
  removedStreams: string[];
  events: EventRecord[];
  /** Records older than this were dropped since: the panel drops them too. */
  firstSeq: number;
  pages: PageInfo[];
  counters: Counters;
}

export type ToPanel = LogSnapshot | LogDelta;

// ---- validation of what the page sends ----------------------------------------------------

/** Size caps for strings coming from the page (UTF-16 code units). */
export const LIMITS = {
  url: 8 * 1024,
  stack: 8 * 1024,
  type: 256,
  id: 1024,
  origin: 1024,
  data: 1024 * 1024,
  recordsPerBatch: 10_000,
  headers: 200,
  header: 8 * 1024,
  /** A body chunk; a longer one is refused (the page hook's chunks are what the network gave). */
  chunk: 16 * 1024 * 1024,
} as const;

export interface ParsedBatch {
  records: PageRecord[];
  invalid: number;
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
const isTime = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const isSid = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
const isString = (x: unknown, max: number): x is string => typeof x === 'string' && x.length <= max;

/**
 * Checks one record and returns a fresh, plain copy (never the page's object), or null.
 * Event data longer than LIMITS.data is kept cut to the limit, with its true UTF-8 size in
 * `fullSize` (only then: the size of ordinary events is measured off the page's thread).
 */
export function parsePageRecord(x: unknown): PageRecord | null {
  if (!isObject(x) || !isSid(x.sid) || !isTime(x.t)) return null;
  const { sid, t } = x;
  switch (x.k) {
    case 'create':
      if (!isString(x.url, LIMITS.url) || typeof x.withCredentials !== 'boolean') return null;
      if (typeof x.stack !== 'string') return null;
      return { k: 'create', sid, t, url: x.url, withCredentials: x.withCredentials, stack: x.stack.slice(0, LIMITS.stack) };
    case 'open':
    case 'close':
      return { k: x.k, sid, t };
    case 'error':
      if (x.readyState !== 0 && x.readyState !== 2) return null;
      return { k: 'error', sid, t, readyState: x.readyState };
    case 'listen':
      if (typeof x.type !== 'string') return null;
      return { k: 'listen', sid, t, type: x.type.slice(0, LIMITS.type) };
    case 'event': {
      // A server may send any type or id: over their limits they are cut, and the event says so
      // (refusing it would refuse every later event too, since the id persists).
      if (typeof x.type !== 'string' || typeof x.id !== 'string' || !isString(x.origin, LIMITS.origin) || typeof x.data !== 'string') return null;
      const cut = x.type.length > LIMITS.type || x.id.length > LIMITS.id;
      const event: PageRecord = { k: 'event', sid, t, type: x.type.slice(0, LIMITS.type), data: x.data, id: x.id.slice(0, LIMITS.id), origin: x.origin };
      if (x.data.length > LIMITS.data) {
        event.data = x.data.slice(0, LIMITS.data);
        event.fullSize = utf8Length(x.data);
      }
      if (cut) event.cut = true;
      return event;
    }
    case 'response': {
      if ((x.kind !== 'fetch' && x.kind !== 'xhr') || !isString(x.url, LIMITS.url) || !isString(x.statusText, LIMITS.header)) return null;
      if (!Number.isInteger(x.status) || !isTime(x.headersAt) || typeof x.stack !== 'string') return null;
      if (x.redirected !== undefined && typeof x.redirected !== 'boolean') return null;
      const headers = parseHeaders(x.headers);
      if (!headers) return null;
      return {
        k: 'response',
        sid,
        t,
        kind: x.kind,
        url: x.url,
        status: x.status as number,
        statusText: x.statusText,
        headers,
        ...(x.redirected === undefined ? {} : { redirected: x.redirected }),
        headersAt: x.headersAt,
        stack: x.stack.slice(0, LIMITS.stack),
      };
    }
    case 'chunk':
      if (!isString(x.text, LIMITS.chunk)) return null;
      if (x.bytes !== undefined && !(Number.isSafeInteger(x.bytes) && (x.bytes as number) >= 0)) return null;
      return x.bytes === undefined ? { k: 'chunk', sid, t, text: x.text } : { k: 'chunk', sid, t, text: x.text, bytes: x.bytes as number };
    case 'end':
      if (x.how !== 'done' && x.how !== 'aborted' && x.how !== 'error' && x.how !== 'cancelled') return null;
      if (!isString(x.error, LIMITS.header)) return null;
      return { k: 'end', sid, t, how: x.how, error: x.error };
    default:
      return null;
  }
}

function parseHeaders(x: unknown): [string, string][] | null {
  if (!Array.isArray(x) || x.length > LIMITS.headers) return null;
  const headers: [string, string][] = [];
  for (const pair of x) {
    if (!Array.isArray(pair) || pair.length !== 2 || !isString(pair[0], LIMITS.header) || !isString(pair[1], LIMITS.header)) return null;
    headers.push([pair[0], pair[1]]);
  }
  return headers;
}

/**
 * Validates a batch from the page (runs spread into their records first); null when it is not
 * a batch of this protocol at all. Past LIMITS.recordsPerBatch records are refused, counted.
 */
export function parsePageBatch(x: unknown): ParsedBatch | null {
  if (!isObject(x) || x.v !== PROTOCOL_VERSION || !Array.isArray(x.records)) return null;
  const spread = spreadRuns(x.records, LIMITS.recordsPerBatch);
  const records: PageRecord[] = [];
  let invalid = spread.over;
  for (const raw of spread.records) {
    const r = parsePageRecord(raw);
    if (r) records.push(r);
    else invalid++;
  }
  return { records, invalid };
}

/**
 * The records of `items`, each run spread into its events, up to `max` records; `over` counts
 * those past `max`. A malformed run stays one (invalid) item, for parsePageRecord to refuse.
 */
function spreadRuns(items: readonly unknown[], max: number): { records: unknown[]; over: number } {
  const records: unknown[] = [];
  let over = 0;
  for (const item of items) {
    const run = item as Partial<EventRun> | null;
    if (!isObject(run) || run.k !== 'events') {
      if (records.length < max) records.push(item);
      else over++;
      continue;
    }
    const { sid, origin, t, type, data, id } = run;
    if (!Array.isArray(t) || !Array.isArray(type) || !Array.isArray(data) || !Array.isArray(id) || type.length !== t.length || data.length !== t.length || id.length !== t.length) {
      if (records.length < max) records.push(run);
      else over++;
      continue;
    }
    const room = Math.max(0, Math.min(t.length, max - records.length));
    for (let i = 0; i < room; i++) records.push({ k: 'event', sid, t: t[i], type: type[i], data: data[i], id: id[i], origin });
    over += t.length - room;
  }
  return { records, over };
}
