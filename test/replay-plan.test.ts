// The replay's plan (src/cli/replay/plan.ts, wire.ts): what each connection to a replayed
// stream gets, when, and how it ends. Pure: no server here (see replay-server.test.ts).
import { describe, expect, it } from 'vitest';
import { EMPTY_COUNTERS, toCapture, type Capture } from '../src/shared/capture/capture';
import type { Attempt, EventRecord, Stream } from '../src/shared/model';
import { planAttempt, planReplay, pathOf, type AttemptPlan } from '../src/cli/replay/plan';
import { UNKNOWN_ID, wireRecords } from '../src/cli/replay/wire';
import { SseParser } from '../src/shared/sse/parser';
import { stream, T0 } from './support/app-stream';

let seq = 0;
function rec(time: number, over: Partial<EventRecord> = {}): EventRecord {
  return { seq: seq++, kind: 'event', streamId: 'd:1', attempt: 1, time, type: 'message', id: '', data: 'x', origin: '', size: 1, source: 'page-hook', ...over };
}

function capture(streams: Stream[], events: EventRecord[] = []): Capture {
  return toCapture(
    { streams, events, firstSeq: events[0]?.seq ?? 0, pages: [{ n: 1, url: 'http://app.test/', startedAt: T0 }], counters: EMPTY_COUNTERS },
    { exportedAt: new Date(T0), tool: 'SSE Inspector test', userAgent: 'test', pageUrl: 'http://app.test/', scope: 'all', redacted: [] },
  );
}

const attempt = (over: Partial<Attempt>): Attempt => ({ n: 1, startedAt: T0, ...over });
/** What an EventSource would dispatch from everything the plan writes. */
function dispatched(plan: AttemptPlan, lastEventId = ''): [string, string, string][] {
  const got: [string, string, string][] = [];
  const parser = new SseParser((r) => r.kind === 'event' && got.push([r.type, r.id, r.data]), { lastEventId });
  parser.feed(plan.writes.map((w) => w.text).join(''));
  return got;
}

describe('timing', () => {
  it("writes each record at its offset from the attempt's open, divided by the speed", () => {
    const a = attempt({ openedAt: T0 + 100, endedAt: T0 + 900, end: 'error' });
    const records = [rec(T0 + 100, { data: 'a' }), rec(T0 + 350, { data: 'b' }), rec(T0 + 351.5, { data: 'c' })];
    expect(planAttempt(a, records, '', 1).writes.map((w) => w.at)).toEqual([0, 250, 251.5]);
    const fast = planAttempt(a, records, '', 2);
    expect(fast.writes.map((w) => w.at)).toEqual([0, 125, 125.75]);
    expect(fast.endAt).toBe(400);
  });

  it('starts from the headers, else the first record, when the open is unknown', () => {
    const records = [rec(T0 + 300), rec(T0 + 500)];
    expect(planAttempt(attempt({ headersAt: T0 + 200, status: 200 }), records, '', 1).writes.map((w) => w.at)).toEqual([100, 300]);
    expect(planAttempt(attempt({}), records, '', 1).writes.map((w) => w.at)).toEqual([0, 200]);
  });

  it('keeps wire order: a record never goes before the previous one, nor before the start', () => {
    const records = [rec(T0 + 50), rec(T0 + 400), rec(T0 + 399)];
    expect(planAttempt(attempt({ openedAt: T0 + 100 }), records, '', 1).writes.map((w) => w.at)).toEqual([0, 300, 300]);
  });

  it('ends no earlier than the last write', () => {
    const a = attempt({ openedAt: T0, endedAt: T0 + 100, end: 'done' });
    expect(planAttempt(a, [rec(T0 + 300)], '', 1).endAt).toBe(300);
  });
});

describe('response and ending', () => {
  it('ends as the attempt ended: error → destroy, done → end, closed/aborted/cancelled/open → hold', () => {
    const ending = (end: Attempt['end']) => planAttempt(attempt({ openedAt: T0, endedAt: T0 + 5, end }), [], '', 1).ending;
    expect(ending('error')).toBe('destroy');
    expect(ending('done')).toBe('end');
    expect(ending('closed')).toBe('hold');
    expect(ending('aborted')).toBe('hold');
    expect(ending('cancelled')).toBe('hold');
    expect(ending(undefined)).toBe('hold');
  });

  it('answers 200 text/event-stream when no status was captured', () => {
    expect(planAttempt(attempt({ openedAt: T0 }), [], '', 1).response).toEqual({
      status: 200,
      statusText: 'OK',
      headers: [
        ['content-type', 'text/event-stream'],
        ['cache-control', 'no-cache'],
      ],
    });
  });

  it('replays a failed attempt as its status and content type, ended (not dropped)', () => {
    const a = attempt({ headersAt: T0 + 20, endedAt: T0 + 30, end: 'error', status: 500, statusText: 'Internal Server Error', contentType: 'text/html', failure: 'HTTP 500 text/html' });
    const plan = planAttempt(a, [], '', 1);
    expect(plan.response).toEqual({ status: 500, statusText: 'Internal Server Error', headers: [['content-type', 'text/html']] });
    expect(plan.ending).toBe('end');
    expect(plan.endAt).toBe(10);
  });

  it('keeps the captured headers but hop-by-hop, length, encoding and CORS ones', () => {
    const headers: [string, string][] = [
      ['Content-Type', 'text/event-stream; charset=utf-8'],
      ['X-Request-Id', 'abc'],
      ['Transfer-Encoding', 'chunked'],
      ['Connection', 'keep-alive'],
      ['Content-Length', '10'],
      ['Content-Encoding', 'gzip'],
      ['Access-Control-Allow-Origin', 'https://app.example'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
    ];
    expect(planAttempt(attempt({ openedAt: T0, status: 200, headers }), [], '', 1).response?.headers).toEqual([
      ['content-type', 'text/event-stream; charset=utf-8'],
      ['x-request-id', 'abc'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]);
  });

  it('a connection that never got a response fails without one, as late as it did', () => {
    const plan = planAttempt(attempt({ endedAt: T0 + 40, end: 'error' }), [], '', 2);
    expect(plan).toMatchObject({ response: undefined, ending: 'destroy', endAt: 20, writes: [] });
    // Still waiting for an answer when captured: it never gets one.
    expect(planAttempt(attempt({}), [], '', 1)).toMatchObject({ response: undefined, ending: 'hold' });
  });

  it('writes the unterminated block the stream ended with, at its end', () => {
    const plan = planAttempt(attempt({ openedAt: T0, endedAt: T0 + 70, end: 'done', discarded: 'data: tail' }), [rec(T0 + 10)], '', 1);
    expect(plan.writes.at(-1)).toEqual({ at: 70, text: 'data: tail' });
  });
});

describe('wire text', () => {
  it('writes events as toSse does, the id only when it changes, comments and retry fields too', () => {
    const records = [
      rec(T0, { type: 'update', id: '1', data: 'a' }),
      rec(T0, { id: '1', data: 'b' }),
      rec(T0, { kind: 'comment', type: '', id: '', data: 'keep-alive' }),
      rec(T0, { kind: 'retry', type: '', id: '', data: '500' }),
      rec(T0, { id: '', data: 'c\nd' }),
    ];
    expect(wireRecords(records).map((w) => w.text)).toEqual(['event: update\nid: 1\ndata: a\n\n', 'data: b\n\n', ': keep-alive\n\n', 'retry: 500\n\n', 'id:\ndata: c\ndata: d\n\n']);
  });

  it("after a reconnect, writes the first event's id whatever it is", () => {
    const records = [rec(T0, { id: '7', data: 'a' }), rec(T0, { id: '', data: 'b' })];
    expect(wireRecords([records[0]!], UNKNOWN_ID)[0]!.text).toBe('id: 7\ndata: a\n\n');
    expect(wireRecords([records[1]!], UNKNOWN_ID)[0]!.text).toBe('id:\ndata: b\n\n');
  });

  it("uses an event's raw wire text, without writing its comment and retry lines twice", () => {
    const body = { source: 'response-body' as const };
    const records = [
      rec(T0, { ...body, kind: 'comment', type: '', data: 'alone' }),
      rec(T0, { ...body, kind: 'comment', type: '', data: 'in block' }),
      rec(T0, { ...body, kind: 'retry', type: '', data: '300' }),
      rec(T0, { ...body, type: 'tick', id: '5', data: 'x', raw: ': in block\r\nretry: 300\r\nevent: tick\r\nid: 5\r\ndata: x\r\n\r\n' }),
    ];
    // The first comment was a block of its own (': alone\n\n'): it is not in the event's raw.
    expect(wireRecords(records).map((w) => w.text)).toEqual([': alone\n\n', '', '', records[3]!.raw]);
  });

  it("falls back to toSse when the raw text does not read back as the event (cut, or its id came earlier)", () => {
    // The id came in a block without data (`id: 9\n\n`), which has no record: raw lacks it.
    const noId = rec(T0, { id: '9', data: 'x', raw: 'data: x\n\n', source: 'response-body' });
    expect(wireRecords([noId])[0]!.text).toBe('id: 9\ndata: x\n\n');
    const cut = rec(T0, { data: 'xxxx', raw: 'data: xx', truncated: true, source: 'response-body' });
    expect(wireRecords([cut])[0]!.text).toBe('data: xxxx\n\n');
  });
});

describe('a capture', () => {
  it('numbers its streams, and serves each at its original path and query when no other has it', () => {
    const c = capture([
      stream({ id: 'a', url: 'http://app.test/events?room=1' }),
      stream({ id: 'b', url: 'http://app.test/llm', kind: 'fetch', method: 'POST', source: 'response-body' }),
      stream({ id: 'c', url: 'http://app.test/llm' }),
      stream({ id: 'd', url: 'data:text/event-stream,x' }),
    ]);
    const plan = planReplay(c);
    expect(plan.streams.map((s) => [s.n, s.path, s.method])).toEqual([
      [1, '/events?room=1', 'GET'],
      [2, undefined, 'POST'],
      [3, undefined, 'GET'],
      [4, undefined, 'GET'],
    ]);
    expect(pathOf('https://x.test/a/b?c=1#frag')).toBe('/a/b?c=1');
  });

  it('replays a reconnect loop attempt by attempt, each with its own records', () => {
    const attempts: Attempt[] = [1, 2, 3].map((n) => ({
      n,
      startedAt: T0 + (n - 1) * 1000,
      openedAt: T0 + (n - 1) * 1000 + 10,
      endedAt: T0 + (n - 1) * 1000 + 200,
      end: n < 3 ? 'error' : 'closed',
      status: 200,
      headers: [['content-type', 'text/event-stream']],
    }));
    const events = attempts.flatMap((a) => [rec(a.openedAt! + 20, { attempt: a.n, id: String(a.n), data: `first of ${a.n}` }), rec(a.openedAt! + 120, { attempt: a.n, id: String(a.n), data: `second of ${a.n}` })]);
    const plan = planReplay(capture([stream({ attempts })], events), 2);
    const s = plan.streams[0]!;
    expect(s.events).toBe(6);
    expect(s.attempts.map((a) => a.ending)).toEqual(['destroy', 'destroy', 'hold']);
    // Each reconnect came 800 ms after the error: at 2× speed the replay asks for 400.
    expect(s.attempts.map((a) => a.retry)).toEqual([400, 400, undefined]);
    expect(s.notes.join()).toMatch(/retry/);
    s.attempts.forEach((a, i) => {
      expect(a.writes.map((w) => w.at)).toEqual(i < 2 ? [0, 10, 60] : [10, 60]);
      expect(dispatched(a)).toEqual([
        ['message', String(i + 1), `first of ${i + 1}`],
        ['message', String(i + 1), `second of ${i + 1}`],
      ]);
    });
    expect(s.attempts[0]!.endAt).toBe(95);
  });

  it('sends no retry of its own for a source that sees retry fields', () => {
    const attempts: Attempt[] = [
      { n: 1, startedAt: T0, openedAt: T0, endedAt: T0 + 100, end: 'error' },
      { n: 2, startedAt: T0 + 3100, openedAt: T0 + 3110 },
    ];
    expect(planReplay(capture([stream({ attempts, source: 'response-body', kind: 'xhr' })])).streams[0]!.attempts[0]!.retry).toBeUndefined();
  });

  it('says what it cannot replay', () => {
    const c = capture([stream()], [rec(T0 + 20, { truncated: true }), rec(T0 + 30, { attempt: 4 })]);
    c.counters = { ...EMPTY_COUNTERS, droppedEvents: 12 };
    const plan = planReplay(c);
    expect(plan.notes.join()).toMatch(/12 oldest events/);
    expect(plan.streams[0]!.notes.join()).toMatch(/1 records of attempts not in the capture.*1 records were cut/);
  });

  it('refuses a speed that is not a positive number', () => {
    expect(() => planReplay(capture([stream()]), 0)).toThrow(RangeError);
    expect(() => planReplay(capture([stream()]), Number.NaN)).toThrow(RangeError);
  });
});
