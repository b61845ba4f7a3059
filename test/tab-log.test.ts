import { describe, expect, it } from 'vitest';
import type { NetworkAttempt } from '../src/background/network';
import { MAX_STREAMS, TabLog, initiatorOf, type LogLimits, type RecordOrigin } from '../src/background/tab-log';
import type { EventRecord, Stream } from '../src/shared/model';
import { LIMITS, type EventRun, type PageRecord } from '../src/shared/protocol';

const PAGE = 'http://127.0.0.1:8080/page';
const CHROME_STACK =
  'Error\n    at Object.construct (chrome-extension://abc/src/content/page-hook.js:1:2)\n    at http://127.0.0.1:8080/page:12:5';
const FIREFOX_STACK = 'construct@moz-extension://x/src/content/page-hook.js:1:2\n@http://127.0.0.1:8080/page:12:5\n';

const top: RecordOrigin = { doc: { id: 'd1', url: PAGE, top: true }, frameId: 0 };
const child: RecordOrigin = { doc: { id: 'd2', url: 'http://127.0.0.1:8080/frame', top: false }, frameId: 7 };

const create = (sid: number, t = 0, extra: Partial<Extract<PageRecord, { k: 'create' }>> = {}): PageRecord => ({
  k: 'create', sid, t, url: `http://127.0.0.1:8080/sse/${sid}`, withCredentials: false, stack: CHROME_STACK, ...extra,
});
const open = (sid: number, t: number): PageRecord => ({ k: 'open', sid, t });
const error = (sid: number, t: number, readyState: 0 | 2 = 0): PageRecord => ({ k: 'error', sid, t, readyState });
const close = (sid: number, t: number): PageRecord => ({ k: 'close', sid, t });
const listen = (sid: number, t: number, type: string): PageRecord => ({ k: 'listen', sid, t, type });
const event = (sid: number, t: number, data: string, extra: Partial<Extract<PageRecord, { k: 'event' }>> = {}): PageRecord => ({
  k: 'event', sid, t, type: 'message', data, id: '', origin: 'http://127.0.0.1:8080', ...extra,
});

const BIG: LogLimits = { maxEvents: 1_000_000, maxBytes: 1_000_000_000 };

function streamOf(log: TabLog, id: string): Stream {
  const s = log.snapshot().streams.find((x) => x.id === id);
  if (!s) throw new Error(`no stream ${id}`);
  return s;
}
const seqs = (events: EventRecord[]) => events.map((e) => e.seq);
const datas = (events: EventRecord[]) => events.map((e) => e.data);

describe('TabLog: streams and attempts', () => {
  it('create makes a connecting stream with one attempt and the origin frame', () => {
    const log = new TabLog(5, BIG);
    log.apply(top, [create(0, 100, { withCredentials: true })]);
    const snap = log.snapshot();
    expect(snap.kind).toBe('snapshot');
    expect(snap.tabId).toBe(5);
    expect(snap.streams).toHaveLength(1);
    expect(snap.streams[0]).toEqual({
      id: 'd1:0',
      page: 1,
      kind: 'eventsource',
      url: 'http://127.0.0.1:8080/sse/0',
      withCredentials: true,
      frame: { id: 0, url: PAGE, top: true },
      createdAt: 100,
      initiator: 'http://127.0.0.1:8080/page:12:5',
      stack: CHROME_STACK,
      state: 'connecting',
      attempts: [{ n: 1, startedAt: 100 }],
      eventCount: 0,
      bytes: 0,
      lastEventId: '',
      listenedTypes: ['message'],
      source: 'page-hook',
    });
    expect(snap.events).toEqual([]);
    expect(snap.counters).toEqual({ droppedEvents: 0, droppedStreams: 0, invalidRecords: 0, unsavedWrites: 0 });
    // The first page's URL is its top document's.
    expect(snap.pages).toEqual([{ n: 1, url: PAGE, startedAt: 0 }]);
  });

  it('the one-shot-response reconnect loop: each open after an error is a new attempt, events go to the right attempt', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1), open(0, 2), event(0, 3, 'a1'), event(0, 4, 'a2'), error(0, 5)]);
    expect(streamOf(log, 'd1:0').state).toBe('connecting');
    log.apply(top, [open(0, 6)]);
    expect(streamOf(log, 'd1:0').state).toBe('open');
    log.apply(top, [event(0, 7, 'b1'), error(0, 8), open(0, 9), event(0, 10, 'c1'), event(0, 11, 'c2')]);

    const s = streamOf(log, 'd1:0');
    expect(s.state).toBe('open');
    expect(s.closedBy).toBeUndefined();
    expect(s.attempts).toEqual([
      { n: 1, startedAt: 1, openedAt: 2, endedAt: 5, end: 'error' },
      { n: 2, openedAt: 6, endedAt: 8, end: 'error' },
      { n: 3, openedAt: 9 },
    ]);
    const events = log.snapshot().events;
    expect(events.map((e) => [e.data, e.attempt])).toEqual([
      ['a1', 1],
      ['a2', 1],
      ['b1', 2],
      ['c1', 3],
      ['c2', 3],
    ]);
    expect(s.eventCount).toBe(5);
  });

  it('error with readyState 0 leaves the stream connecting', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1), open(0, 2), error(0, 3, 0)]);
    const s = streamOf(log, 'd1:0');
    expect(s.state).toBe('connecting');
    expect(s.closedBy).toBeUndefined();
    expect(s.attempts).toEqual([{ n: 1, startedAt: 1, openedAt: 2, endedAt: 3, end: 'error' }]);
  });

  it('error with readyState 2 closes the stream, closedBy error', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1), open(0, 2), error(0, 3, 2)]);
    const s = streamOf(log, 'd1:0');
    expect(s.state).toBe('closed');
    expect(s.closedBy).toBe('error');
    expect(s.attempts).toEqual([{ n: 1, startedAt: 1, openedAt: 2, endedAt: 3, end: 'error' }]);
  });

  it('error before the first open ends the first attempt (connection failed)', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1), error(0, 2, 2)]);
    const s = streamOf(log, 'd1:0');
    expect(s.attempts).toEqual([{ n: 1, startedAt: 1, endedAt: 2, end: 'error' }]);
    expect(s.state).toBe('closed');
    expect(s.closedBy).toBe('error');
  });

  it('an error after an ended attempt (reconnect failed before open) is a new attempt', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1), open(0, 2), error(0, 3), error(0, 4), error(0, 5, 2)]);
    const s = streamOf(log, 'd1:0');
    expect(s.attempts).toEqual([
      { n: 1, startedAt: 1, openedAt: 2, endedAt: 3, end: 'error' },
      { n: 2, endedAt: 4, end: 'error' },
      { n: 3, endedAt: 5, end: 'error' },
    ]);
    expect(s.state).toBe('closed');
    expect(s.closedBy).toBe('error');
  });

  it('an open after failed reconnects is one more attempt', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1), error(0, 2), error(0, 3), open(0, 4)]);
    const s = streamOf(log, 'd1:0');
    expect(s.attempts).toEqual([
      { n: 1, startedAt: 1, endedAt: 2, end: 'error' },
      { n: 2, endedAt: 3, end: 'error' },
      { n: 3, openedAt: 4 },
    ]);
    expect(s.state).toBe('open');
  });

  it('close ends the current attempt with end closed; state closed, closedBy page', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1), open(0, 2), close(0, 3)]);
    const s = streamOf(log, 'd1:0');
    expect(s.attempts).toEqual([{ n: 1, startedAt: 1, openedAt: 2, endedAt: 3, end: 'closed' }]);
    expect(s.state).toBe('closed');
    expect(s.closedBy).toBe('page');
  });

  it('close while reconnecting keeps the ended attempt as it was and adds none', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1), open(0, 2), error(0, 3), close(0, 4)]);
    const s = streamOf(log, 'd1:0');
    expect(s.attempts).toEqual([{ n: 1, startedAt: 1, openedAt: 2, endedAt: 3, end: 'error' }]);
    expect(s.state).toBe('closed');
    expect(s.closedBy).toBe('page');
  });

  it("has an open EventSource until the page closes it or the browser gives up, and not after the page's navigation", () => {
    const log = new TabLog(5, BIG);
    expect(log.hasOpenEventSource()).toBe(false);
    log.apply(top, [create(0, 1)]);
    expect(log.hasOpenEventSource()).toBe(true);
    log.apply(top, [create(1, 2), error(0, 3, 0)]);
    log.apply(top, [close(1, 4)]);
    expect(log.hasOpenEventSource()).toBe(true); // 0 reconnects
    log.apply(top, [error(0, 5, 2)]);
    expect(log.hasOpenEventSource()).toBe(false);
    log.apply(top, [create(2, 6)]);
    log.apply(top, [{ k: 'response', sid: 3, t: 7, kind: 'fetch', url: PAGE, status: 200, statusText: 'OK', headers: [], headersAt: 8, stack: '' }]);
    expect(log.hasOpenEventSource()).toBe(true);
    // With "preserve log" the old page's streams stay, open or not, but their document is gone.
    expect(log.nextPage(100, PAGE, true).hasOpenEventSource()).toBe(false);
  });

  it('listen adds a type to listenedTypes once; message is there by default', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1)]);
    expect(streamOf(log, 'd1:0').listenedTypes).toEqual(['message']);
    log.apply(top, [listen(0, 2, 'tick'), listen(0, 3, 'tick'), listen(0, 4, 'message'), listen(0, 5, 'done')]);
    expect(streamOf(log, 'd1:0').listenedTypes).toEqual(['message', 'tick', 'done']);
  });
});

describe('TabLog: events', () => {
  it('records each event with its fields and updates eventCount, bytes (UTF-8) and lastEventId', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [
      create(0, 1),
      open(0, 2),
      event(0, 3, 'hello', { id: '1', type: 'greeting' }),
      event(0, 4, '这是注释', { id: '2' }),
      event(0, 5, 'é😀', { id: '3', origin: 'http://other' }),
    ]);
    const s = streamOf(log, 'd1:0');
    expect(s.eventCount).toBe(3);
    expect(s.bytes).toBe(5 + 12 + 6);
    expect(s.lastEventId).toBe('3');

    const events = log.snapshot().events;
    expect(events).toHaveLength(3);
    expect(events[0]).toStrictEqual({
      seq: 1,
      kind: 'event',
      streamId: 'd1:0',
      attempt: 1,
      time: 3,
      type: 'greeting',
      id: '1',
      data: 'hello',
      origin: 'http://127.0.0.1:8080',
      size: 5,
      source: 'page-hook',
    });
    expect(events[1]!.size).toBe(12);
    expect(events[2]).toMatchObject({ size: 6, origin: 'http://other', id: '3', type: 'message' });
    for (const e of events) expect(e.truncated).toBeUndefined();
    for (const e of events) expect(Object.prototype.hasOwnProperty.call(e, 'truncated')).toBe(false);
  });

  it('lastEventId follows the latest event', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1), event(0, 2, 'x', { id: 'a' })]);
    expect(streamOf(log, 'd1:0').lastEventId).toBe('a');
    log.apply(top, [event(0, 3, 'y', { id: 'b' })]);
    expect(streamOf(log, 'd1:0').lastEventId).toBe('b');
  });

  it('an event with fullSize is marked truncated and sized by fullSize', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1), event(0, 2, 'cut', { fullSize: 5_000_000 }), event(0, 3, 'ok')]);
    const [big, small] = log.snapshot().events;
    expect(big).toMatchObject({ data: 'cut', truncated: true, size: 5_000_000 });
    expect(small!.size).toBe(2);
    expect(small!.truncated).toBeUndefined();
    expect(streamOf(log, 'd1:0').bytes).toBe(5_000_002);
  });

  it('an event whose type or id was cut is marked truncated, sized by its data', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1), event(0, 2, 'abc', { cut: true })]);
    expect(log.snapshot().events[0]).toMatchObject({ truncated: true, size: 3 });
  });

  it('seq numbers strictly increase across streams and documents', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1), create(1, 1), event(0, 2, 'a'), event(1, 3, 'b')]);
    log.apply(child, [create(0, 1), event(0, 4, 'c')]);
    log.apply(top, [event(0, 5, 'd'), event(1, 6, 'e')]);
    const s = seqs(log.snapshot().events);
    expect(s).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < s.length; i++) expect(s[i]!).toBeGreaterThan(s[i - 1]!);
  });
});

describe('TabLog: documents and invalid records', () => {
  it('stream ids are `${doc.id}:${sid}`: the same sid in two documents is two streams, framed by their origin', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1)]);
    log.apply(child, [create(0, 2)]);
    log.apply(child, [event(0, 3, 'from child')]);
    log.apply(top, [event(0, 4, 'from top')]);
    const snap = log.snapshot();
    expect(snap.streams.map((s) => s.id).sort()).toEqual(['d1:0', 'd2:0']);
    expect(streamOf(log, 'd1:0').frame).toEqual({ id: 0, url: PAGE, top: true });
    expect(streamOf(log, 'd2:0').frame).toEqual({ id: 7, url: 'http://127.0.0.1:8080/frame', top: false });
    expect(snap.events.map((e) => [e.streamId, e.data])).toEqual([
      ['d2:0', 'from child'],
      ['d1:0', 'from top'],
    ]);
    expect(streamOf(log, 'd1:0').eventCount).toBe(1);
    expect(streamOf(log, 'd2:0').eventCount).toBe(1);
    expect(snap.counters.invalidRecords).toBe(0);
  });

  it('records for an unknown stream are counted invalid and change nothing', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1)]);
    log.apply(top, [open(9, 2), error(9, 3), close(9, 4), listen(9, 5, 't'), event(9, 6, 'x')]);
    // Same sid, other document: unknown too.
    log.apply(child, [event(0, 7, 'y')]);
    const snap = log.snapshot();
    expect(snap.counters.invalidRecords).toBe(6);
    expect(snap.events).toEqual([]);
    expect(snap.streams).toHaveLength(1);
    expect(streamOf(log, 'd1:0').state).toBe('connecting');
  });

  it('a duplicate create is counted invalid and does not replace the stream', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1), open(0, 2), create(0, 3, { url: 'http://evil/' })]);
    const s = streamOf(log, 'd1:0');
    expect(s.url).toBe('http://127.0.0.1:8080/sse/0');
    expect(s.state).toBe('open');
    expect(s.createdAt).toBe(1);
    expect(log.snapshot().counters.invalidRecords).toBe(1);
  });

  it('apply(origin, records, invalid) adds invalid to the counter', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1)], 3);
    expect(log.snapshot().counters.invalidRecords).toBe(3);
    log.apply(top, [event(5, 2, 'unknown stream')], 2);
    expect(log.snapshot().counters.invalidRecords).toBe(6);
  });
});

describe('TabLog: bounds', () => {
  it('maxEvents drops the oldest and counts them (limit 3, add 10)', () => {
    const log = new TabLog(1, { maxEvents: 3, maxBytes: 1_000_000 });
    log.apply(top, [create(0, 0)]);
    for (let i = 1; i <= 10; i++) log.apply(top, [event(0, i, `e${i}`)]);
    const snap = log.snapshot();
    expect(datas(snap.events)).toEqual(['e8', 'e9', 'e10']);
    expect(seqs(snap.events)).toEqual([8, 9, 10]);
    expect(snap.counters.droppedEvents).toBe(7);
  });

  it('maxEvents also holds for one large batch', () => {
    const log = new TabLog(1, { maxEvents: 3, maxBytes: 1_000_000 });
    log.apply(top, [create(0, 0), ...Array.from({ length: 10 }, (_, i) => event(0, i + 1, `e${i + 1}`))]);
    const snap = log.snapshot();
    expect(datas(snap.events)).toEqual(['e8', 'e9', 'e10']);
    expect(snap.counters.droppedEvents).toBe(7);
  });

  it('maxBytes drops the oldest events until the total fits', () => {
    // Each event counts 14: 6 bytes of data ('€€', 2 code units), its id and its type ('message').
    const log = new TabLog(1, { maxEvents: 1000, maxBytes: 42 });
    log.apply(top, [create(0, 0)]);
    for (let i = 1; i <= 5; i++) log.apply(top, [event(0, i, '€€', { id: String(i) })]);
    const snap = log.snapshot();
    expect(snap.events.map((e) => e.id)).toEqual(['3', '4', '5']);
    expect(snap.counters.droppedEvents).toBe(2);
    // The stream's totals count everything received.
    expect(streamOf(log, 'd1:0').bytes).toBe(30);
  });

  it('maxBytes keeps exactly maxBytes and counts truncated events by their full size', () => {
    // Each counts 58: 50 bytes of data, its id and its type.
    const log = new TabLog(1, { maxEvents: 1000, maxBytes: 116 });
    log.apply(top, [create(0, 0), event(0, 1, 'a'.repeat(50), { id: '1' }), event(0, 2, 'b'.repeat(50), { id: '2' })]);
    expect(log.snapshot().events.map((e) => e.id)).toEqual(['1', '2']);
    expect(log.snapshot().counters.droppedEvents).toBe(0);
    log.apply(top, [event(0, 3, 'x', { id: '3', fullSize: 50 })]);
    expect(log.snapshot().events.map((e) => e.id)).toEqual(['2', '3']);
    expect(log.snapshot().counters.droppedEvents).toBe(1);
  });

  it('seq numbers are never reused after drops', () => {
    const log = new TabLog(1, { maxEvents: 2, maxBytes: 1_000_000 });
    log.apply(top, [create(0, 0)]);
    for (let i = 1; i <= 5; i++) log.apply(top, [event(0, i, 'x')]);
    expect(seqs(log.snapshot().events)).toEqual([4, 5]);
  });

  it('compaction after more than 1024 drops keeps snapshot and takeDelta correct (one event per batch)', () => {
    const log = new TabLog(1, { maxEvents: 100, maxBytes: 1_000_000_000 });
    log.apply(top, [create(0, 0)]);
    const first = log.takeDelta();
    expect(first?.streams.map((s) => s.id)).toEqual(['d1:0']);
    expect(first?.events).toEqual([]);
    for (let i = 1; i <= 5000; i++) {
      log.apply(top, [event(0, i, `e${i}`)]);
      const delta = log.takeDelta();
      expect(delta).not.toBeNull();
      expect(seqs(delta!.events)).toEqual([i]);
      expect(delta!.events[0]!.data).toBe(`e${i}`);
      expect(delta!.counters.droppedEvents).toBe(Math.max(0, i - 100));
      expect(log.takeDelta()).toBeNull();
    }
    const snap = log.snapshot();
    expect(seqs(snap.events)).toEqual(Array.from({ length: 100 }, (_, i) => 4901 + i));
    expect(datas(snap.events)).toEqual(Array.from({ length: 100 }, (_, i) => `e${4901 + i}`));
    expect(snap.counters.droppedEvents).toBe(4900);
  });

  it('compaction keeps deltas correct when batches and takeDelta calls interleave irregularly', () => {
    const maxEvents = 100;
    const log = new TabLog(1, { maxEvents, maxBytes: 1_000_000_000 });
    log.apply(top, [create(0, 0)]);
    log.takeDelta();
    let total = 0;
    let delivered = 0; // highest seq a delta has carried
    for (let round = 0; round < 400; round++) {
      const size = [1, 7, 60, 130, 3][round % 5]!;
      const batch: PageRecord[] = [];
      for (let j = 0; j < size; j++) batch.push(event(0, ++total, `e${total}`));
      log.apply(top, batch);
      if (round % 3 === 2) continue; // let changes pile up sometimes
      const delta = log.takeDelta();
      expect(delta).not.toBeNull();
      const dropped = Math.max(0, total - maxEvents);
      expect(delta!.counters.droppedEvents).toBe(dropped);
      // Exactly the events not delivered yet that are still kept, in order.
      const fromSeq = Math.max(delivered, dropped) + 1;
      expect(seqs(delta!.events)).toEqual(Array.from({ length: total - fromSeq + 1 }, (_, i) => fromSeq + i));
      delivered = total;
      const snap = log.snapshot();
      expect(seqs(snap.events)).toEqual(Array.from({ length: Math.min(total, maxEvents) }, (_, i) => dropped + 1 + i));
    }
    expect(total).toBeGreaterThan(2048);
  });

  it('compaction under maxBytes keeps the snapshot correct', () => {
    // The last ten count 14 each: 'abc', a four-digit id and 'message'.
    const log = new TabLog(1, { maxEvents: 1_000_000, maxBytes: 140 });
    log.apply(top, [create(0, 0)]);
    for (let i = 1; i <= 3000; i++) log.apply(top, [event(0, i, 'abc', { id: String(i) })]);
    const snap = log.snapshot();
    expect(snap.events.map((e) => e.id)).toEqual(Array.from({ length: 10 }, (_, i) => String(2991 + i)));
    expect(snap.counters.droppedEvents).toBe(2990);
  });
});

describe('TabLog: takeDelta and snapshot', () => {
  it('takeDelta is null on a fresh log', () => {
    expect(new TabLog(1, BIG).takeDelta()).toBeNull();
  });

  it('takeDelta returns only the changes since the last call, then null', () => {
    const log = new TabLog(3, BIG);
    log.apply(top, [create(0, 1), create(1, 1), open(0, 2), event(0, 3, 'a')]);
    const d1 = log.takeDelta();
    expect(d1).not.toBeNull();
    expect(d1!.kind).toBe('delta');
    expect(d1!.tabId).toBe(3);
    expect(d1!.streams.map((s) => s.id).sort()).toEqual(['d1:0', 'd1:1']);
    expect(datas(d1!.events)).toEqual(['a']);
    expect(d1!.counters).toEqual({ droppedEvents: 0, droppedStreams: 0, invalidRecords: 0, unsavedWrites: 0 });

    expect(log.takeDelta()).toBeNull();

    // Only stream 1 changes, with no event.
    log.apply(top, [listen(1, 4, 'tick')]);
    const d2 = log.takeDelta();
    expect(d2!.streams.map((s) => s.id)).toEqual(['d1:1']);
    expect(d2!.streams[0]!.listenedTypes).toEqual(['message', 'tick']);
    expect(d2!.events).toEqual([]);

    // New events only, and the stream they changed, whole and current.
    log.apply(top, [event(0, 5, 'b'), event(0, 6, 'c')]);
    const d3 = log.takeDelta();
    expect(datas(d3!.events)).toEqual(['b', 'c']);
    expect(d3!.streams.map((s) => s.id)).toEqual(['d1:0']);
    expect(d3!.streams[0]!.eventCount).toBe(3);
    expect(log.takeDelta()).toBeNull();
  });

  it('the snapshot does not reset what takeDelta will return', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1), event(0, 2, 'a')]);
    log.snapshot();
    expect(datas(log.takeDelta()!.events)).toEqual(['a']);
  });

  it('takeDelta omits events dropped before they were taken', () => {
    const log = new TabLog(1, { maxEvents: 3, maxBytes: 1_000_000 });
    log.apply(top, [create(0, 0), event(0, 1, 'e1')]);
    log.takeDelta();
    log.apply(top, Array.from({ length: 10 }, (_, i) => event(0, i + 2, `e${i + 2}`)));
    const delta = log.takeDelta()!;
    expect(datas(delta.events)).toEqual(['e9', 'e10', 'e11']);
    expect(delta.counters.droppedEvents).toBe(8);
  });

  it('snapshot returns copies of streams: mutating them does not change the log', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1), open(0, 2), event(0, 3, 'a')]);
    const before = log.snapshot();
    const s = before.streams[0]!;
    s.state = 'closed';
    s.url = 'mutated';
    s.eventCount = 99;
    s.frame.url = 'mutated';
    s.attempts[0]!.end = 'closed';
    s.attempts.push({ n: 2 });
    s.listenedTypes.push('mutated');
    before.events.length = 0;
    before.counters.droppedEvents = 42;

    const after = log.snapshot();
    const t = after.streams[0]!;
    expect(t.state).toBe('open');
    expect(t.url).toBe('http://127.0.0.1:8080/sse/0');
    expect(t.eventCount).toBe(1);
    expect(t.frame.url).toBe(PAGE);
    expect(t.attempts).toEqual([{ n: 1, startedAt: 1, openedAt: 2 }]);
    expect(t.listenedTypes).toEqual(['message']);
    expect(after.events).toHaveLength(1);
    expect(after.counters.droppedEvents).toBe(0);
  });

  it('takeDelta returns copies of streams too', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1)]);
    const d = log.takeDelta()!;
    d.streams[0]!.attempts[0]!.n = 9;
    d.streams[0]!.listenedTypes.push('x');
    d.streams[0]!.frame.top = false;
    d.counters.invalidRecords = 5;
    const s = streamOf(log, 'd1:0');
    expect(s.attempts[0]!.n).toBe(1);
    expect(s.listenedTypes).toEqual(['message']);
    expect(s.frame.top).toBe(true);
    expect(log.snapshot().counters.invalidRecords).toBe(0);
  });

  it('later changes do not alter a stream already returned', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1)]);
    const early = log.snapshot().streams[0]!;
    log.apply(top, [open(0, 2), listen(0, 3, 'x'), event(0, 4, 'a')]);
    expect(early.state).toBe('connecting');
    expect(early.attempts).toEqual([{ n: 1, startedAt: 1 }]);
    expect(early.listenedTypes).toEqual(['message']);
    expect(early.eventCount).toBe(0);
  });
});

describe('initiatorOf', () => {
  it('picks the first page frame of a Chrome stack', () => {
    expect(initiatorOf(CHROME_STACK)).toBe('http://127.0.0.1:8080/page:12:5');
  });

  it('picks the first page frame of a Chrome stack with named functions, without "at "', () => {
    const stack =
      'Error\n    at Object.construct (chrome-extension://abc/src/content/page-hook.js:1:2)\n' +
      '    at new EventSource (chrome-extension://abc/src/content/page-hook.js:3:4)\n' +
      '    at connect (http://127.0.0.1:8080/app.js:3:9)\n    at http://127.0.0.1:8080/page:12:5';
    expect(initiatorOf(stack)).toBe('connect (http://127.0.0.1:8080/app.js:3:9)');
  });

  it('picks the first page frame of a Firefox stack', () => {
    // Firefox frames are `name@url:line:col`; an anonymous frame has an empty name.
    expect(initiatorOf(FIREFOX_STACK)).toMatch(/^@?http:\/\/127\.0\.0\.1:8080\/page:12:5$/);
  });

  it('picks a named Firefox frame over later ones', () => {
    const stack = 'construct@moz-extension://x/src/content/page-hook.js:1:2\nconnect@http://127.0.0.1:8080/app.js:3:9\n@http://127.0.0.1:8080/page:12:5\n';
    expect(initiatorOf(stack)).toBe('connect@http://127.0.0.1:8080/app.js:3:9');
  });

  it("returns '' when there is no page frame", () => {
    expect(initiatorOf('')).toBe('');
    expect(initiatorOf('Error')).toBe('');
    expect(initiatorOf('Error\n    at Object.construct (chrome-extension://abc/src/content/page-hook.js:1:2)')).toBe('');
    expect(initiatorOf('construct@moz-extension://x/src/content/page-hook.js:1:2\n')).toBe('');
  });

  it('is what a created stream records as its initiator', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(0, 1, { stack: FIREFOX_STACK }), create(1, 1, { stack: 'no frames here' })]);
    expect(streamOf(log, 'd1:0').initiator).toBe(initiatorOf(FIREFOX_STACK));
    expect(streamOf(log, 'd1:0').initiator).toContain('http://127.0.0.1:8080/page:12:5');
    expect(streamOf(log, 'd1:1').initiator).toBe('');
  });
});

describe('TabLog: counter-only changes', () => {
  it('takeDelta reports a change of the counters alone', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(1)]);
    log.takeDelta();
    log.apply(top, [], 4);
    expect(log.takeDelta()?.counters.invalidRecords).toBe(4);
    expect(log.takeDelta()).toBeNull();
    log.apply(top, [event(99, 1, 'for a stream that does not exist')]);
    expect(log.takeDelta()?.counters.invalidRecords).toBe(5);
  });
});

describe('TabLog.nextPage', () => {
  const old: RecordOrigin = { doc: { id: 'old', url: PAGE, top: true }, frameId: 0 };
  const fresh: RecordOrigin = { doc: { id: 'new', url: `${PAGE}?2`, top: true }, frameId: 0 };

  it("keeps the new page's streams that overtook the navigation, and drops the old page's", () => {
    const log = new TabLog(1, BIG);
    log.apply(old, [create(1, 100), event(1, 150, 'old page')]);
    log.apply(fresh, [create(1, 1000), event(1, 1010, 'new page')]);
    log.apply(old, [create(2, 980), event(2, 1011, 'old page, late')]);
    const next = log.nextPage(990, `${PAGE}?2`, false);
    expect(next).not.toBe(log);
    const snap = next.snapshot();
    expect(snap.streams.map((s) => [s.id, s.page])).toEqual([['new:1', 2]]);
    // Seqs are never reused in a tab: they go on from the old page's.
    expect(snap.events.map((e) => [e.seq, e.data])).toEqual([[2, 'new page']]);
    expect(snap.firstSeq).toBe(2);
    expect(snap.pages).toEqual([{ n: 2, url: `${PAGE}?2`, startedAt: 990 }]);
    next.apply(fresh, [event(1, 1020, 'later')]);
    expect(next.snapshot().events.map((e) => e.seq)).toEqual([2, 4]);
  });

  it("a body stream that overtook the navigation goes on parsing into the new page's log", () => {
    const log = new TabLog(1, BIG);
    log.apply(fresh, [
      { k: 'response', sid: 2, t: 1000, kind: 'fetch', url: 'http://127.0.0.1:8080/llm', status: 200, statusText: 'OK', headers: [], headersAt: 1001, stack: '' },
      { k: 'chunk', sid: 2, t: 1002, text: 'data: a\n\ndata: b' },
    ]);
    const next = log.nextPage(990, `${PAGE}?2`, false);
    next.apply(fresh, [{ k: 'chunk', sid: 2, t: 1003, text: '\n\n' }]);
    expect(next.snapshot().events.map((e) => e.data)).toEqual(['a', 'b']);
  });

  it('with preserve, keeps every stream, each marked with its page, and starts the counters afresh only without', () => {
    const log = new TabLog(1, BIG);
    log.apply(old, [create(1, 100), event(1, 150, 'old page')], 2);
    log.apply(fresh, [create(1, 1000)]);
    log.takeDelta();
    const same = log.nextPage(990, `${PAGE}?2`, true);
    expect(same).toBe(log);
    const delta = log.takeDelta()!;
    // The streams that overtook the navigation move to the new page; the panel hears of it.
    expect(delta.streams.map((s) => [s.id, s.page])).toEqual([['new:1', 2]]);
    expect(delta.pages.map((p) => [p.n, p.url])).toEqual([[1, PAGE], [2, `${PAGE}?2`]]);
    const snap = log.snapshot();
    expect(snap.streams.map((s) => [s.id, s.page])).toEqual([['old:1', 1], ['new:1', 2]]);
    expect(snap.events.map((e) => e.data)).toEqual(['old page']);
    expect(snap.counters.invalidRecords).toBe(2);
    expect(log.nextPage(2000, PAGE, false).snapshot().counters.invalidRecords).toBe(0);
  });
});

describe('TabLog: fetch and XHR body streams', () => {
  const response = (sid: number, kind: 'fetch' | 'xhr' = 'fetch'): PageRecord => ({
    k: 'response',
    sid,
    t: 10,
    kind,
    url: 'http://127.0.0.1:8080/llm',
    status: 200,
    statusText: 'OK',
    headers: [['content-type', 'text/event-stream']],
    redirected: false,
    headersAt: 12,
    stack: FIREFOX_STACK,
  });
  const chunk = (sid: number, t: number, text: string, bytes?: number): PageRecord =>
    bytes === undefined ? { k: 'chunk', sid, t, text } : { k: 'chunk', sid, t, text, bytes };

  it('creates an open stream with the response facts as its one attempt', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [response(1, 'xhr')]);
    const s = streamOf(log, 'd1:1');
    expect(s).toMatchObject({ kind: 'xhr', state: 'open', source: 'response-body', listenedTypes: [], initiator: initiatorOf(FIREFOX_STACK) });
    expect(s.attempts).toEqual([{ n: 1, startedAt: 10, openedAt: 12, headersAt: 12, status: 200, statusText: 'OK', headers: [['content-type', 'text/event-stream']] }]);
  });

  it('parses the body across chunks: events with raw text, comments, retry, in wire order, at the time of the chunk that completed them', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [response(1), chunk(1, 20, ': hi\n\nretry: 500\nid: 7\nevent: tok', 40), chunk(1, 30, 'en\ndata: a\ndata: b\n\n')]);
    const events = log.snapshot().events;
    expect(events.map((e) => [e.kind, e.type, e.id, e.data, e.time])).toEqual([
      ['comment', '', '', 'hi', 20],
      ['retry', '', '', '500', 20],
      ['event', 'token', '7', 'a\nb', 30],
    ]);
    expect(events[2]!.raw).toBe('retry: 500\nid: 7\nevent: token\ndata: a\ndata: b\n\n');
    const s = streamOf(log, 'd1:1');
    expect(s).toMatchObject({ eventCount: 1, lastEventId: '7', retry: 500 });
    // Wire bytes: as the page hook measured them, or the UTF-8 size of the text.
    expect(s.bytes).toBe(40 + utf8('en\ndata: a\ndata: b\n\n'));
  });

  it('ends the stream: how, why, and the discarded tail that had no blank line', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [response(1), chunk(1, 20, 'data: kept\n\ndata: lost'), { k: 'end', sid: 1, t: 40, how: 'aborted', error: 'AbortError: stop' }]);
    const s = streamOf(log, 'd1:1');
    expect(s).toMatchObject({ state: 'closed', closedBy: 'page' });
    expect(s.attempts[0]).toMatchObject({ end: 'aborted', endedAt: 40, endReason: 'AbortError: stop', discarded: 'data: lost' });
    expect(log.snapshot().events.map((e) => e.data)).toEqual(['kept']);
    // Nothing more is taken for an ended stream.
    log.apply(top, [chunk(1, 50, 'data: late\n\n')]);
    expect(log.snapshot().counters.invalidRecords).toBe(1);
  });

  it('a body read to its end closes the stream without blaming anyone; an error blames the network', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [response(1), { k: 'end', sid: 1, t: 40, how: 'done', error: '' }, response(2), { k: 'end', sid: 2, t: 41, how: 'error', error: 'TypeError: network error' }]);
    expect(streamOf(log, 'd1:1').closedBy).toBeUndefined();
    expect(streamOf(log, 'd1:2').closedBy).toBe('error');
  });

  it('refuses EventSource records for a body stream and body records for an EventSource', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [response(1), create(2), { k: 'open', sid: 1, t: 1 }, chunk(2, 1, 'data: x\n\n')]);
    expect(log.snapshot().counters.invalidRecords).toBe(2);
    expect(log.snapshot().events).toEqual([]);
  });
});

function utf8(s: string): number {
  return new TextEncoder().encode(s).length;
}

describe('TabLog.applyBatch', () => {
  it('applies each numbered batch of a document once, also when it is resent', () => {
    const log = new TabLog(1, BIG);
    expect(log.applyBatch(top, 1, [create(1, 1)], 0)).toBe(true);
    expect(log.applyBatch(top, 2, [event(1, 2, 'a')], 0)).toBe(true);
    // The ack of batch 2 was lost: the bridge resends it on a new port.
    expect(log.applyBatch(top, 2, [event(1, 2, 'a')], 0)).toBe(false);
    expect(log.applyBatch(top, 3, [event(1, 3, 'b')], 0)).toBe(true);
    // Another document numbers its own batches.
    expect(log.applyBatch(child, 1, [create(1, 4)], 0)).toBe(true);
    expect(log.snapshot().events.map((e) => e.data)).toEqual(['a', 'b']);
    // Still known after a navigation.
    expect(log.nextPage(0, PAGE, false).applyBatch(top, 3, [event(1, 3, 'b')], 0)).toBe(false);
  });

  it('a run of events (as the bridge forwards them) gives the log its records, one for one', () => {
    const records = [create(1, 1), open(1, 2), event(1, 3, 'a', { id: '1' }), event(1, 4, 'b', { type: 'tick', id: '2' }), event(2, 5, 'no stream')];
    const byRecords = new TabLog(1, BIG);
    byRecords.applyBatch(top, 1, records, 0);
    const byRun = new TabLog(1, BIG);
    const run: EventRun = { k: 'events', sid: 1, origin: 'http://127.0.0.1:8080', t: [3, 4], type: ['message', 'tick'], data: ['a', 'b'], id: ['1', '2'] };
    const lost: EventRun = { ...run, sid: 2, t: [5], type: ['message'], data: ['no stream'], id: [''] };
    byRun.applyBatch(top, 1, [create(1, 1), open(1, 2), run, lost], 0);
    expect(byRun.snapshot()).toStrictEqual(byRecords.snapshot());
    expect(byRun.snapshot().counters.invalidRecords).toBe(1);
  });
});

describe('TabLog: saved and restored (a background restarted from storage)', () => {
  const response = (sid: number, t: number): PageRecord => ({
    k: 'response', sid, t, kind: 'fetch', url: `http://127.0.0.1:8080/llm/${sid}`, status: 200, statusText: 'OK',
    headers: [['content-type', 'text/event-stream']], headersAt: t + 1, stack: FIREFOX_STACK,
  });
  const chunk = (sid: number, t: number, text: string): PageRecord => ({ k: 'chunk', sid, t, text });
  const network = (requestId: string, url: string, extra: Partial<NetworkAttempt> = {}): NetworkAttempt => ({
    requestId, tabId: 1, frameId: 0, url, method: 'GET', startedAt: 1, redirects: [], status: 200, statusLine: 'HTTP/1.1 200 OK', ...extra,
  });

  /** What a store keeps of a log: its meta, its streams and its records, through JSON like IndexedDB's clone. */
  function restart(log: TabLog, limits = BIG): TabLog {
    const { streams, events } = log.snapshot();
    const copy = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
    return TabLog.restore(copy(log.saveMeta()), copy(streams), copy(events).reverse(), limits);
  }

  it('goes on exactly as the log that was saved: mid-block bodies, reconnects, pending network, dedupe, drops', () => {
    const limits: LogLimits = { maxEvents: 6, maxBytes: 1_000_000 };
    const inputs: ((log: TabLog) => void)[] = [
      (l) => l.applyBatch(top, 1, [create(1, 10), open(1, 11), event(1, 12, 'one', { id: '1' }), response(2, 13)], 0),
      (l) => l.applyNetwork(network('r1', 'http://127.0.0.1:8080/sse/1')),
      (l) => l.applyBatch(top, 2, [chunk(2, 14, ': hi\n\nid: 5\nevent: tok\ndata: he'), error(1, 15)], 1),
      // A reconnect the network sees before the page does.
      (l) => l.applyNetwork(network('r2', 'http://127.0.0.1:8080/sse/1', { lastEventId: '1' })),
      (l) => l.applyBatch(top, 3, [chunk(2, 16, 'llo\r'), open(1, 17), event(1, 18, 'two', { id: '2' })], 0),
      (l) => l.applyBatch(top, 3, [chunk(2, 16, 'llo\r'), open(1, 17), event(1, 18, 'two', { id: '2' })], 0),
      (l) => l.applyBatch(top, 4, [chunk(2, 19, '\n\ndata: x\n\n'), ...[3, 4, 5, 6, 7].map((i) => event(1, 19 + i, `e${i}`))], 0),
      (l) => l.applyBatch(top, 5, [{ k: 'end', sid: 2, t: 30, how: 'done', error: '' }, close(1, 31)], 0),
    ];
    for (let cut = 0; cut <= inputs.length; cut++) {
      const straight = new TabLog(1, limits);
      let restarted = new TabLog(1, limits);
      inputs.forEach((input, i) => {
        if (i === cut) restarted = restart(restarted, limits);
        input(straight);
        input(restarted);
      });
      const { events, streams, counters, firstSeq, pages } = straight.snapshot();
      expect(restarted.snapshot(), `restarted before input ${cut}`).toEqual({ kind: 'snapshot', tabId: 1, events, streams, counters, firstSeq, pages });
      expect(restarted.saveMeta()).toEqual(straight.saveMeta());
    }
    // The inputs do reach what they test: drops, a record split over chunks, the resent batch skipped.
    const log = new TabLog(1, limits);
    for (const input of inputs) input(log);
    const snap = log.snapshot();
    expect(snap.counters).toEqual({ droppedEvents: 4, droppedStreams: 0, invalidRecords: 1, unsavedWrites: 0 });
    expect(streamOf(log, 'd1:1').attempts.map((a) => a.lastEventIdSent)).toEqual([undefined, '1']);
    expect(datas(snap.events)).toEqual(['x', 'e3', 'e4', 'e5', 'e6', 'e7']);
    expect(snap.events.map((e) => e.seq)).toEqual([5, 6, 7, 8, 9, 10]);
  });

  it('restores the records from their seq on, whatever order the store gives them in', () => {
    const log = new TabLog(1, { maxEvents: 2, maxBytes: 1e9 });
    log.apply(top, [create(1, 1), event(1, 2, 'a'), event(1, 3, 'b'), event(1, 4, 'c')]);
    const { streams, events } = log.snapshot();
    const stale = [{ ...events[0]!, seq: 1, data: 'dropped long ago' }, ...events];
    const restored = TabLog.restore(log.saveMeta(), streams, stale.reverse(), BIG);
    expect(datas(restored.snapshot().events)).toEqual(['b', 'c']);
    expect(restored.firstSeq).toBe(2);
    // Nothing is pending for panels: they get snapshots.
    expect(restored.takeDelta()).toBeNull();
  });
});

describe('TabLog: bounds set by the user, and huge events', () => {
  it('setLimits drops the oldest records beyond the new bounds at once, and counts them', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(1, 1), ...[1, 2, 3, 4, 5].map((i) => event(1, i, 'x'.repeat(10)))]);
    log.takeDelta();
    log.setLimits({ maxEvents: 3, maxBytes: 1e9 });
    const delta = log.takeDelta()!;
    expect(delta.counters.droppedEvents).toBe(2);
    expect(delta.firstSeq).toBe(3);
    log.setLimits({ maxEvents: 100, maxBytes: 34 }); // each counts 17: data, no id, 'message'
    expect(datas(log.snapshot().events)).toHaveLength(2);
    expect(log.snapshot().counters.droppedEvents).toBe(3);
  });

  it('keeps a body event over LIMITS.data cut, with its true size; the stream counts all its bytes', () => {
    const log = new TabLog(1, BIG);
    const big = 'é'.repeat(3 * 1024 * 1024);
    log.apply(top, [
      { k: 'response', sid: 1, t: 1, kind: 'fetch', url: 'http://127.0.0.1:8080/big', status: 200, statusText: 'OK', headers: [], headersAt: 2, stack: '' },
      { k: 'chunk', sid: 1, t: 3, text: `data: ${big.slice(0, 1000)}` },
      { k: 'chunk', sid: 1, t: 4, text: `${big.slice(1000)}\n\n: ${big}\n` },
    ]);
    const [e, c] = log.snapshot().events;
    expect(e).toMatchObject({ kind: 'event', size: 6 * 1024 * 1024, truncated: true });
    expect(e!.data).toBe(big.slice(0, LIMITS.data));
    expect(e!.raw!.length).toBe(LIMITS.data);
    expect(c).toMatchObject({ kind: 'comment', size: 6 * 1024 * 1024, truncated: true });
    expect(streamOf(log, 'd1:1').bytes).toBe(2 * utf8(big) + utf8('data: \n\n: \n'));
  });
});

describe('TabLog: streams beyond MAX_STREAMS', () => {
  it('drops the oldest closed streams with no record left, counted; open ones and those with records stay', () => {
    const log = new TabLog(1, { maxEvents: 5, maxBytes: 1e9 });
    // Stream 1 stays open; stream 2 is closed but has a record kept; the rest are created and closed.
    log.apply(top, [create(1, 1), create(2, 2), event(2, 3, 'kept'), close(2, 4)]);
    for (let sid = 3; sid <= MAX_STREAMS; sid++) log.apply(top, [create(sid, sid), close(sid, sid)]);
    log.takeDelta();
    expect(log.snapshot().streams).toHaveLength(MAX_STREAMS);
    log.apply(top, [create(MAX_STREAMS + 1, 1e6), create(MAX_STREAMS + 2, 1e6)]);
    const delta = log.takeDelta()!;
    expect(delta.removedStreams).toEqual(['d1:3', 'd1:4']);
    expect(delta.counters.droppedStreams).toBe(2);
    const ids = new Set(log.snapshot().streams.map((s) => s.id));
    expect(ids.size).toBe(MAX_STREAMS);
    expect(['d1:1', 'd1:2', 'd1:5', `d1:${MAX_STREAMS + 2}`].every((id) => ids.has(id))).toBe(true);
    // Once its record is dropped, stream 2 may go too.
    log.apply(top, [1, 2, 3, 4, 5].map((i) => event(1, 10 + i, `e${i}`)));
    log.apply(top, [create(MAX_STREAMS + 3, 1e6)]);
    expect(log.takeDelta()!.removedStreams).toEqual(['d1:2']);
    // A record for a dropped stream is refused and counted, like any unknown stream's.
    log.apply(top, [event(3, 1e6, 'late')]);
    expect(log.snapshot().counters.invalidRecords).toBe(1);
  });
});

describe('TabLog: a document restored from the back/forward cache', () => {
  const old: RecordOrigin = { doc: { id: 'old', url: PAGE, top: true }, frameId: 0 };
  const other: RecordOrigin = { doc: { id: 'other', url: `${PAGE}?b`, top: true }, frameId: 0 };
  const body = (sid: number): PageRecord => ({
    k: 'response', sid, t: 5, kind: 'fetch', url: 'http://127.0.0.1:8080/llm', status: 200, statusText: 'OK', headers: [], headersAt: 6, stack: '',
  });

  it('gets its streams back (in the current page) with its next batch, bodies mid-block included; nothing is invalid', () => {
    let log = new TabLog(1, BIG);
    log.applyBatch(old, 1, [create(1, 1), open(1, 2), event(1, 3, 'before'), body(2), { k: 'chunk', sid: 2, t: 7, text: 'data: he' }], 0);
    log = log.nextPage(100, `${PAGE}?b`, false); // away
    log.applyBatch(other, 1, [create(1, 101)], 0);
    expect(log.snapshot().streams.map((s) => s.id)).toEqual(['other:1']);
    log = log.nextPage(200, PAGE, false); // back: the cache restores `old`
    log.applyBatch(old, 2, [event(1, 201, 'after'), { k: 'chunk', sid: 2, t: 202, text: 'llo\n\n' }], 0);
    const snap = log.snapshot();
    expect(snap.streams.map((s) => [s.id, s.page])).toEqual([['old:1', 3], ['old:2', 3]]);
    expect(snap.events.map((e) => [e.streamId, e.data])).toEqual([['old:1', 'after'], ['old:2', 'hello']]);
    expect(snap.counters.invalidRecords).toBe(0);
    // Its stream still counts what it got before (its records went with the page).
    expect(streamOf(log, 'old:1').eventCount).toBe(2);
  });

  it('keeps the archive across a restart, and at most the newest 1000 streams in it', () => {
    let log = new TabLog(1, BIG);
    log.apply(old, [create(1, 1), body(2), { k: 'chunk', sid: 2, t: 7, text: 'data: he' }]);
    log = log.nextPage(100, `${PAGE}?b`, false);
    const restored = TabLog.restore(log.saveMeta(), log.snapshot().streams, log.snapshot().events, BIG, log.archivedStreams());
    restored.apply(old, [{ k: 'chunk', sid: 2, t: 202, text: 'llo\n\n' }]);
    expect(restored.snapshot().events.map((e) => e.data)).toEqual(['hello']);

    let many = new TabLog(1, BIG);
    for (let d = 0; d < 12; d++) {
      const doc: RecordOrigin = { doc: { id: `d${d}`, url: PAGE, top: true }, frameId: 0 };
      many.apply(doc, Array.from({ length: 100 }, (_, i) => create(i, d * 1000 + 1)));
      many = many.nextPage(d * 1000 + 500, PAGE, false);
    }
    const kept = many.archivedStreams();
    expect(kept).toHaveLength(1000);
    expect(kept[0]!.id).toBe('d2:0');
  });
});

describe('TabLog.clear', () => {
  it('forgets the records and the closed streams, keeps open ones going (not counted as dropped)', () => {
    const log = new TabLog(1, BIG);
    log.apply(top, [create(1, 1), open(1, 2), event(1, 3, 'a'), create(2, 4), close(2, 5)], 1);
    const cleared = log.clear();
    let snap = cleared.snapshot();
    expect(snap.streams.map((s) => s.id)).toEqual(['d1:1']);
    expect(snap.events).toEqual([]);
    expect(snap.counters).toEqual({ droppedEvents: 0, droppedStreams: 0, invalidRecords: 0, unsavedWrites: 0 });
    cleared.apply(top, [event(1, 6, 'b')]);
    snap = cleared.snapshot();
    expect(snap.events.map((e) => [e.seq, e.data])).toEqual([[2, 'b']]);
    expect(snap.pages).toEqual(log.snapshot().pages);
  });
});
