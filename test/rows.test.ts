import { describe, expect, it } from 'vitest';
import { buildRows, COMMENTS, CONNECTION, Deltas, isMarker, markersOf, textMatcher, typeCounts, type Row } from '../src/devtools/panel/rows';
import type { EventRecord, Stream } from '../src/shared/model';

function stream(id: string, extra: Partial<Stream> = {}): Stream {
  return {
    id, page: 1, kind: 'eventsource', url: `http://127.0.0.1/${id}`, withCredentials: false, frame: { id: 0, url: '', top: true }, createdAt: 0,
    initiator: '', stack: '', state: 'open', attempts: [], eventCount: 0, bytes: 0, lastEventId: '', listenedTypes: [], source: 'page-hook', ...extra,
  };
}
let nextSeq = 1;
function rec(streamId: string, time: number, data: string, extra: Partial<EventRecord> = {}): EventRecord {
  return { seq: nextSeq++, kind: 'event', streamId, attempt: 1, time, type: 'message', id: '', data, origin: '', size: data.length, source: 'page-hook', ...extra };
}
const describeRow = (r: Row) => (isMarker(r) ? `[${r.text}]` : r.data);

describe('markersOf', () => {
  it('a reconnect loop: open, error with the HTTP status, reconnect with the Last-Event-ID sent, and close() by the page', () => {
    const s = stream('a', {
      attempts: [
        { n: 1, startedAt: 0, openedAt: 10, status: 200, statusText: 'OK', endedAt: 20, end: 'error' },
        { n: 2, startedAt: 3020, lastEventIdSent: '7', status: 500, statusText: 'Internal Server Error', failure: 'HTTP 500', endedAt: 3030, end: 'error' },
        { n: 3, startedAt: 6030, openedAt: 6040, endedAt: 7000, end: 'closed' },
      ],
    });
    expect(markersOf(s).map((m) => [m.time, m.what, m.text])).toEqual([
      [10, 'open', 'open · HTTP 200 OK'],
      [20, 'error', 'error: connection lost'],
      [3020, 'reconnect', 'reconnect #2, Last-Event-ID "7"'],
      [3030, 'error', 'error: HTTP 500 Internal Server Error: not an event stream'],
      [6030, 'reconnect', 'reconnect #3'],
      [6040, 'open', 'open'],
      [7000, 'close', 'close() by the page'],
    ]);
  });

  it('a connection that never opened, and a body that ended', () => {
    expect(markersOf(stream('a', { attempts: [{ n: 1, startedAt: 0, endedAt: 5, end: 'error', failure: 'net::ERR_CONNECTION_REFUSED' }] }))[0]!.text).toBe(
      'error: net::ERR_CONNECTION_REFUSED',
    );
    expect(markersOf(stream('b', { kind: 'fetch', attempts: [{ n: 1, openedAt: 1, endedAt: 9, end: 'done' }] })).map((m) => m.text)).toEqual(['open', 'done']);
  });
});

describe('buildRows', () => {
  const streams = new Map([
    ['a', stream('a', { attempts: [{ n: 1, openedAt: 5, endedAt: 35, end: 'error' }] })],
    ['b', stream('b', { attempts: [] })],
  ]);
  const records = [
    rec('a', 10, 'alpha', { id: '1' }),
    rec('b', 20, 'beta'),
    rec('a', 30, 'keep-alive', { kind: 'comment', type: '' }),
    rec('a', 40, 'gamma', { type: 'update', id: 'x9' }),
  ];
  const base = { records, streams, streamId: null, filter: { text: '', regex: false, hiddenTypes: [] }, sort: null, deltas: new Deltas() };

  it('merges the connection markers in by time', () => {
    expect(buildRows(base).map(describeRow)).toEqual(['[open]', 'alpha', 'beta', 'keep-alive', '[error: connection lost]', 'gamma']);
  });

  it('filters by stream, by hidden types (comments, connection), and by text over data and id', () => {
    expect(buildRows({ ...base, streamId: 'b' }).map(describeRow)).toEqual(['beta']);
    expect(buildRows({ ...base, filter: { text: '', regex: false, hiddenTypes: [COMMENTS, CONNECTION, 'update'] } }).map(describeRow)).toEqual(['alpha', 'beta']);
    expect(buildRows({ ...base, filter: { text: 'X9', regex: false, hiddenTypes: [] } }).map(describeRow)).toEqual(['gamma']);
    expect(buildRows({ ...base, filter: { text: '^(alpha|beta)$', regex: true, hiddenTypes: [] } }).map(describeRow)).toEqual(['alpha', 'beta']);
    // Plain text is literal, whatever its characters.
    expect(buildRows({ ...base, records: [rec('a', 1, 'a.b (c)'), rec('a', 2, 'axb c')], filter: { text: '.B (', regex: false, hiddenTypes: [CONNECTION] } }).map(describeRow)).toEqual(['a.b (c)']);
    // The markers match by their text.
    expect(buildRows({ ...base, filter: { text: 'lost', regex: false, hiddenTypes: [] } }).map(describeRow)).toEqual(['[error: connection lost]']);
  });

  it('a bad regular expression filters nothing, and says why', () => {
    expect(textMatcher({ text: '(', regex: true, hiddenTypes: [] })).toEqual({ error: expect.stringMatching(/./) });
    expect(buildRows({ ...base, filter: { text: '(', regex: true, hiddenTypes: [CONNECTION] } })).toHaveLength(4);
  });

  it('sorts by a column, stably, either way', () => {
    const hidden = { text: '', regex: false, hiddenTypes: [CONNECTION] };
    expect(buildRows({ ...base, filter: hidden, sort: { column: 'data', descending: false } }).map(describeRow)).toEqual(['alpha', 'beta', 'gamma', 'keep-alive']);
    expect(buildRows({ ...base, filter: hidden, sort: { column: 'stream', descending: true } }).map(describeRow)).toEqual(['beta', 'alpha', 'keep-alive', 'gamma']);
  });

  it('counts records per type key', () => {
    expect([...typeCounts(records, null)]).toEqual([['message', 2], [COMMENTS, 1], ['update', 1]]);
    expect([...typeCounts(records, 'b')]).toEqual([['message', 1]]);
  });

  it('filters 200 000 records by a regex in one pass (time logged, not asserted)', () => {
    const many: EventRecord[] = [];
    for (let i = 0; i < 200_000; i++) many.push(rec(i % 2 ? 'a' : 'b', i, `{"i":${i},"text":"token ${i % 97}"}`, { id: String(i) }));
    const time = (text: string, regex: boolean) => {
      const started = performance.now();
      const rows = buildRows({ ...base, records: many, filter: { text, regex, hiddenTypes: [] } });
      console.info(`${regex ? 'regex' : 'text'} filter over 200 000 records: ${(performance.now() - started).toFixed(1)} ms, ${rows.length} rows`);
      return rows;
    };
    time('TOKEN 42"', false);
    const rows = time('token 4[0-9]\\b', true);
    expect(rows.filter((r) => !isMarker(r))).toHaveLength(many.filter((e) => /token 4[0-9]\b/.test(e.data)).length);
  });
});

describe('Deltas', () => {
  it('time since the previous event of the same stream; comments are not events; dropped records are forgotten', () => {
    const d = new Deltas();
    const [a1, b1, c, a2] = [rec('a', 100, 'x'), rec('b', 150, 'y'), rec('a', 160, '', { kind: 'comment' }), rec('a', 400, 'z')];
    d.add([a1!, b1!]);
    d.add([c!, a2!]);
    expect([a1, b1, c, a2].map((e) => d.of(e!.seq))).toEqual([undefined, undefined, undefined, 300]);
    d.dropBefore(a2!.seq + 1);
    expect(d.of(a2!.seq)).toBeUndefined();
  });
});
