// Streams and events for the panel's tests: one stream, a reconnect loop, a stall, a firehose.
import type { Attempt, EventRecord, Stream } from '../../src/shared/model';

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

export function stream(id: string, extra: Partial<Stream> = {}): Stream {
  return {
    id,
    page: 1,
    kind: 'eventsource',
    url: `http://127.0.0.1:8080/sse/${id}`,
    withCredentials: false,
    frame: { id: 0, url: 'http://127.0.0.1:8080/', top: true },
    createdAt: T0,
    initiator: '',
    stack: '',
    state: 'open',
    attempts: [{ n: 1, startedAt: T0, openedAt: T0 + 20 }],
    eventCount: 0,
    bytes: 0,
    lastEventId: '',
    listenedTypes: ['message'],
    source: 'page-hook',
    ...extra,
  };
}

let seq = 0;
export function ev(streamId: string, time: number, attempt = 1, kind: EventRecord['kind'] = 'event'): EventRecord {
  seq++;
  return { seq, kind, streamId, attempt, time, type: kind === 'event' ? 'message' : '', id: '', data: 'x', origin: 'http://127.0.0.1:8080', size: 1, source: 'page-hook' };
}

/**
 * Seed 1: a one-shot response, one event then the end, and the browser reconnecting 3 s later:
 * `n` attempts ended by an error, the last one still open when `open`.
 */
export function reconnectLoop(n: number, open = false): { stream: Stream; events: EventRecord[] } {
  const attempts: Attempt[] = [];
  const events: EventRecord[] = [];
  for (let i = 0; i < n; i++) {
    const startedAt = T0 + i * 3100;
    const a: Attempt = { n: i + 1, startedAt, openedAt: startedAt + 30, status: 200, contentType: 'text/event-stream' };
    events.push(ev('loop', startedAt + 40, i + 1));
    if (!(open && i === n - 1)) Object.assign(a, { endedAt: startedAt + 50, end: 'error' });
    attempts.push(a);
  }
  return { stream: stream('loop', { attempts, state: open ? 'open' : 'connecting', eventCount: n }), events };
}

/** A 1 event/s counter that stops for `stallMs` after its 10th event, then goes on until `until` ms. */
export function stall(stallMs: number, until: number): { stream: Stream; events: EventRecord[] } {
  const events: EventRecord[] = [];
  for (let t = 1000; t <= 10_000; t += 1000) events.push(ev('counter', T0 + t));
  for (let t = 10_000 + stallMs; t <= until; t += 1000) events.push(ev('counter', T0 + t));
  return { stream: stream('counter', { eventCount: events.length }), events };
}

/** `n` events at a steady rate over `ms`, on one open attempt. */
export function firehose(n: number, ms: number): { stream: Stream; events: EventRecord[] } {
  const events: EventRecord[] = new Array(n);
  for (let i = 0; i < n; i++) events[i] = ev('fire', T0 + 20 + (i * ms) / n);
  return { stream: stream('fire', { eventCount: n }), events };
}
