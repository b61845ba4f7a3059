// Every message that crosses a boundary (page → bridge → background → panel) is declared
// here, once. Whatever arrives from the page is untrusted: any page script can speak this
// protocol, so the bridge validates each record's shape and caps its sizes before it is
// forwarded (see parsePageBatch).
import type { EventRecord, PageInfo, Stream } from './model';
import { utf8Length } from './text';

export const PROTOCOL_VERSION = 1;

/** Names of the DOM events of the MAIN↔ISOLATED channel (see src/content/channel.ts). */
export const HANDSHAKE = {
  bridgeReady: 'sse-inspector:bridge-ready',
  offer: 'sse-inspector:channel',
  /** A PageBatch, on the channel's private target. */
  batch: 'sse-inspector:batch',
} as const;

// ---- page hook → bridge (private channel) -------------------------------------------------

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
 * `{ k: 'event', sid, t: t[i], type: type[i], data: data[i], id: id[i], origin }` (eventOfRun).
 * Structured cloning a few arrays costs a third of cloning an object per event, Chrome's JSON of
 * the extension message carries no keys per event, and neither the page hook nor the bridge
 * makes an object per event: runs go as they are to the background, which spreads them.
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
  /** Checked by parsePageBatch. */
  records: PageItem[];
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

/**
 * A ToPanel message as the background may send it in Firefox: its events as the JSON text the
 * background also stores (`events` is then empty). Firefox clones messages object by object, and
 * one string clones far faster than thousands of records; the panel's connection turns it back
 * into a ToPanel (see wireToPanel).
 */
export type ToPanelWire = ToPanel & { eventsJson?: string };

/** What the panel's connection gives on: a ToPanel, with its events parsed if they came as JSON. */
export function wireToPanel(msg: ToPanelWire): ToPanel {
  if (msg.eventsJson === undefined) return msg;
  const { eventsJson, ...rest } = msg;
  return { ...rest, events: JSON.parse(eventsJson) as EventRecord[] };
}

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
  records: PageItem[];
  /** Records refused, each event of a run counted. */
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
 * Validates a batch from the page into fresh copies; null when it is not a batch of this
 * protocol at all. Past LIMITS.recordsPerBatch records (each event of a run counted) are
 * refused, counted.
 */
export function parsePageBatch(x: unknown): ParsedBatch | null {
  if (!isObject(x) || x.v !== PROTOCOL_VERSION || !Array.isArray(x.records)) return null;
  const records: PageItem[] = [];
  let invalid = 0;
  let room: number = LIMITS.recordsPerBatch;
  for (const item of x.records) {
    if (isRunShaped(item)) {
      const kept = Math.min(item.t.length, room);
      room -= kept;
      invalid += item.t.length - kept + parseRun(item, kept, records);
      continue;
    }
    // Anything else, a malformed run too, is one record.
    if (room === 0) {
      invalid++;
      continue;
    }
    room--;
    const r = parsePageRecord(item);
    if (r) records.push(r);
    else invalid++;
  }
  return { records, invalid };
}

/** What the page sent as an EventRun, its values not checked yet. */
type RunShaped = Record<string, unknown> & { t: unknown[]; type: unknown[]; data: unknown[]; id: unknown[] };

/** Whether `x` has a run's columns, of one length (the values are checked by parseRun). */
function isRunShaped(x: unknown): x is RunShaped {
  if (!isObject(x) || x.k !== 'events') return false;
  const { t, type, data, id } = x;
  return Array.isArray(t) && Array.isArray(type) && Array.isArray(data) && Array.isArray(id) && type.length === t.length && data.length === t.length && id.length === t.length;
}

/**
 * Copies the first `n` events of `run` into `out` as runs; an event cut to the limits (see
 * parsePageRecord) goes as a record of its own, in its place. Returns how many were refused.
 */
function parseRun(run: RunShaped, n: number, out: PageItem[]): number {
  const { sid, origin } = run;
  if (!isSid(sid) || !isString(origin, LIMITS.origin)) return n;
  let invalid = 0;
  let copy: EventRun | null = null;
  for (let i = 0; i < n; i++) {
    const t = run.t[i];
    const type = run.type[i];
    const data = run.data[i];
    const id = run.id[i];
    if (!isTime(t) || typeof type !== 'string' || typeof data !== 'string' || typeof id !== 'string') {
      invalid++;
      continue;
    }
    if (type.length > LIMITS.type || id.length > LIMITS.id || data.length > LIMITS.data) {
      out.push(parsePageRecord({ k: 'event', sid, t, type, data, id, origin })!);
      copy = null;
      continue;
    }
    if (!copy) out.push((copy = { k: 'events', sid, origin, t: [], type: [], data: [], id: [] }));
    copy.t.push(t);
    copy.type.push(type);
    copy.data.push(data);
    copy.id.push(id);
  }
  return invalid;
}

/** The i-th event of a run, as a record. */
export const eventOfRun = (run: EventRun, i: number): PageRecord => ({
  k: 'event',
  sid: run.sid,
  t: run.t[i]!,
  type: run.type[i]!,
  data: run.data[i]!,
  id: run.id[i]!,
  origin: run.origin,
});
