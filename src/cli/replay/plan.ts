// A capture turned into what a replay server does, per stream and per connection: pure data,
// no timers or sockets (server.ts carries it out), so the timing rules are tested alone.
//
// The Nth connection to a stream replays its Nth attempt: the same response status and
// headers, each record at its original offset from the attempt's start (divided by the
// speed), and the same ending. Connections beyond the captured attempts get 204, which makes
// an EventSource stop.
import type { CaptureLog } from '../../shared/capture/capture';
import type { Attempt, EventRecord, Stream, StreamKind } from '../../shared/model';
import { UNKNOWN_ID, wireRecords } from './wire';

export interface Write {
  /** Milliseconds after the response headers are sent. */
  at: number;
  text: string;
}

/**
 * How a connection ends:
 * destroy: the socket is destroyed (a dropped connection: EventSource reconnects);
 * end: the response ends normally (a body read to its end; EventSource reconnects too);
 * hold: it stays open until the client goes (the page closed it, or it was still open).
 */
export type Ending = 'destroy' | 'end' | 'hold';

export interface ResponsePlan {
  status: number;
  statusText: string;
  headers: [string, string][];
}

export interface AttemptPlan {
  n: number;
  /** undefined: the original got no response (a network error, or none yet). */
  response: ResponsePlan | undefined;
  /** The `retry:` sent first (ms), when the replay adds one; see planStream. */
  retry: number | undefined;
  writes: Write[];
  ending: Ending;
  /** When it ends (ms after the connection arrived); unused for 'hold'. */
  endAt: number;
}

export interface StreamPlan {
  /** 1-based, in the capture's order: served at /streams/<n>. */
  n: number;
  id: string;
  kind: StreamKind;
  method: string;
  url: string;
  /** The original path and query when no other stream has it: the stream is served there too. */
  path: string | undefined;
  attempts: AttemptPlan[];
  /** Event records (not comments or retry fields). */
  events: number;
  /** What the replay cannot reproduce, or adds, in words. */
  notes: string[];
}

export interface ReplayPlan {
  speed: number;
  streams: StreamPlan[];
  /** About the capture as a whole. */
  notes: string[];
}

export function planReplay(capture: CaptureLog, speed = 1): ReplayPlan {
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a positive number, not ${speed}`);
  const byStream = new Map<string, EventRecord[]>();
  for (const e of capture.events) {
    let list = byStream.get(e.streamId);
    if (!list) byStream.set(e.streamId, (list = []));
    list.push(e);
  }
  const paths = new Map<string, number>();
  for (const s of capture.streams) {
    const p = pathOf(s.url);
    if (p !== undefined) paths.set(p, (paths.get(p) ?? 0) + 1);
  }
  const notes: string[] = [];
  if (capture.counters.droppedEvents > 0) {
    notes.push(`the capture had dropped its ${capture.counters.droppedEvents} oldest events: they are not replayed`);
  }
  const streams = capture.streams.map((s, i) => {
    const p = pathOf(s.url);
    return planStream(s, i + 1, byStream.get(s.id) ?? [], p !== undefined && paths.get(p) === 1 ? p : undefined, speed);
  });
  return { speed, streams, notes };
}

function planStream(s: Stream, n: number, records: EventRecord[], path: string | undefined, speed: number): StreamPlan {
  const notes: string[] = [];
  const byAttempt = new Map<number, EventRecord[]>();
  for (const r of records) {
    let list = byAttempt.get(r.attempt);
    if (!list) byAttempt.set(r.attempt, (list = []));
    list.push(r);
  }
  const known = new Set(s.attempts.map((a) => a.n));
  const orphans = records.filter((r) => !known.has(r.attempt)).length;
  if (orphans > 0) notes.push(`${orphans} records of attempts not in the capture are skipped`);
  const truncated = records.filter((r) => r.truncated).length;
  if (truncated > 0) notes.push(`${truncated} records were cut to the capture limits and are replayed cut`);

  const attempts = s.attempts.map((a, i) => {
    // A native EventSource's retry fields are invisible to the page hook, yet they set how
    // long the browser waited before reconnecting. Send the measured wait as `retry:` so the
    // reconnect loop keeps its rhythm.
    const next = s.attempts[i + 1];
    // (From the next request's start; when the network did not see it, from its open.)
    const nextAt = next?.startedAt ?? next?.openedAt;
    const gap = s.source === 'page-hook' && nextAt !== undefined && a.endedAt !== undefined ? nextAt - a.endedAt : undefined;
    // After a reconnect the client's last event id is its own: write the first id in full.
    return planAttempt(a, byAttempt.get(a.n) ?? [], i === 0 ? '' : UNKNOWN_ID, speed, gap);
  });
  if (attempts.some((a) => a.retry !== undefined)) notes.push('the measured reconnect delays are sent as `retry:` (a native EventSource does not show its retry fields)');
  return {
    n,
    id: s.id,
    kind: s.kind,
    method: s.method ?? s.attempts[0]?.method ?? 'GET',
    url: s.url,
    path,
    attempts,
    events: records.filter((r) => r.kind === 'event').length,
    notes,
  };
}

/**
 * One attempt: `records` are its records in order, `lastEventId` the client's last event id
 * when it starts, `reconnectGap` the measured wait before the next attempt (sent as retry).
 */
export function planAttempt(a: Attempt, records: EventRecord[], lastEventId: string, speed: number, reconnectGap?: number): AttemptPlan {
  let ending = endingOf(a);
  const opened = a.openedAt ?? a.headersAt ?? records[0]?.time;
  if (a.status === undefined && opened === undefined) {
    // No response was ever seen: a connection that failed (or had not been answered yet).
    const endAt = a.endedAt !== undefined && a.startedAt !== undefined ? Math.max(0, a.endedAt - a.startedAt) / speed : 0;
    return { n: a.n, response: undefined, retry: undefined, writes: [], ending: ending === 'hold' ? 'hold' : 'destroy', endAt };
  }
  const response = responseOf(a);
  // A response that was no event stream (HTTP 500, text/html...) was sent whole: it ends.
  if (ending === 'destroy' && (a.failure !== undefined || response.status < 200 || response.status > 299)) ending = 'end';
  const retry = reconnectGap !== undefined && ending === 'destroy' ? Math.max(0, Math.round(reconnectGap / speed)) : undefined;
  const start = opened ?? a.startedAt ?? a.endedAt ?? 0;
  const offset = (time: number) => Math.max(0, time - start) / speed;
  const writes: Write[] = [];
  if (retry !== undefined) writes.push({ at: 0, text: `retry: ${retry}\n\n` });
  let at = 0;
  for (const w of wireRecords(records, lastEventId)) {
    // Never earlier than the previous write: records are in wire order.
    at = Math.max(at, offset(w.time));
    if (w.text !== '') writes.push({ at, text: w.text });
  }
  const endAt = Math.max(at, a.endedAt !== undefined ? offset(a.endedAt) : 0);
  // The unterminated block the stream ended with (EventSource discards it; fetch readers see it).
  if (a.discarded) writes.push({ at: endAt, text: a.discarded });
  return { n: a.n, response, retry, writes, ending, endAt };
}

function endingOf(a: Attempt): Ending {
  switch (a.end) {
    case 'error':
      return 'destroy';
    case 'done':
      return 'end';
    default:
      // closed by the page, aborted or cancelled by it, or still open: the client decides.
      return 'hold';
  }
}

/**
 * Response headers not replayed: hop-by-hop ones, the body's length and encoding (the replay
 * writes its own body), and CORS (the replay allows any local origin itself).
 */
const DROPPED_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'content-encoding',
  'alt-svc',
]);
const droppedHeader = (name: string) => DROPPED_HEADERS.has(name) || name.startsWith('access-control-') || name.startsWith(':');

function responseOf(a: Attempt): ResponsePlan {
  if (a.status === undefined) {
    // The page hook saw it open but the network did not report it: what any SSE server sends.
    return { status: 200, statusText: 'OK', headers: [['content-type', 'text/event-stream'], ['cache-control', 'no-cache']] };
  }
  const headers = (a.headers ?? []).map(([k, v]): [string, string] => [k.toLowerCase(), v]).filter(([k]) => !droppedHeader(k));
  if (!headers.some(([k]) => k === 'content-type') && a.contentType) headers.push(['content-type', a.contentType]);
  return { status: a.status, statusText: a.statusText ?? '', headers };
}

/** The path and query of an http(s) URL (what a request line carries). */
export function pathOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.pathname + u.search : undefined;
  } catch {
    return undefined;
  }
}
