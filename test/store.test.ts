import { describe, expect, it, vi } from 'vitest';
import { isMarker, type Row } from '../src/devtools/panel/rows';
import { PanelStore, parseView } from '../src/devtools/panel/store';
import type { EventRecord, PageInfo, Stream } from '../src/shared/model';
import type { Counters, LogDelta, LogSnapshot } from '../src/shared/protocol';
import { stream } from './support/timeline-data';

function ev(seq: number, streamId = 'a'): EventRecord {
  return {
    seq,
    kind: 'event',
    streamId,
    attempt: 1,
    time: 1000 + seq,
    type: 'message',
    id: String(seq),
    data: `d${seq}`,
    origin: 'http://127.0.0.1:8080',
    size: 2,
    source: 'page-hook',
  };
}

const counters = (droppedEvents = 0, invalidRecords = 0): Counters => ({ droppedEvents, droppedStreams: 0, invalidRecords, unsavedWrites: 0 });
const PAGES: PageInfo[] = [{ n: 1, url: 'http://127.0.0.1:8080/page', startedAt: 0 }];

// In these logs seqs start at 1, so after dropping D records the first kept is D + 1.
const snapshot = (streams: Stream[], events: EventRecord[], c = counters(), firstSeq = c.droppedEvents + 1): LogSnapshot => ({
  kind: 'snapshot', tabId: 1, streams, events, firstSeq, pages: PAGES, counters: c,
});
const delta = (streams: Stream[], events: EventRecord[], c = counters(), firstSeq = c.droppedEvents + 1): LogDelta => ({
  kind: 'delta', tabId: 1, streams, removedStreams: [], events, firstSeq, pages: PAGES, counters: c,
});

const seqs = (events: EventRecord[]) => events.map((e) => e.seq);
const recordSeqs = (rows: Row[]) => rows.flatMap((r) => (isMarker(r) ? [] : [r.seq]));
/** The records the table shows (its rows without the connection markers). */
const visibleEvents = (store: PanelStore) => store.rows().filter((r): r is EventRecord => !isMarker(r));

describe('PanelStore: snapshot', () => {
  it('starts empty', () => {
    const store = new PanelStore();
    expect(store.streams.size).toBe(0);
    expect(store.events).toEqual([]);
    expect(visibleEvents(store)).toEqual([]);
    expect(store.counters).toEqual(counters());
    expect(store.selectedStream).toBeNull();
    expect(store.selectedEvent).toBeNull();
  });

  it('replaces streams, events and counters', () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a'), stream('b')], [ev(1, 'a'), ev(2, 'b')], counters(1, 2)));
    store.apply(snapshot([stream('c')], [ev(10, 'c')], counters(5, 6)));
    expect([...store.streams.keys()]).toEqual(['c']);
    expect(seqs(store.events)).toEqual([10]);
    expect(store.counters).toEqual(counters(5, 6));
    expect(visibleEvents(store).map((e) => e.seq)).toEqual([10]);
  });

  it('clears a selected stream and event that no longer exist', () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a'), stream('b')], [ev(1, 'a'), ev(2, 'b')]));
    store.selectStream('b');
    store.selectEvent(2);
    store.apply(snapshot([stream('a')], [ev(1, 'a')]));
    expect(store.selectedStream).toBeNull();
    expect(store.selectedEvent).toBeNull();
    expect(seqs(visibleEvents(store))).toEqual([1]);
  });

  it('keeps a selected stream and event that still exist', () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a'), stream('b')], [ev(1, 'a'), ev(2, 'b')]));
    store.selectStream('b');
    store.selectEvent(2);
    store.apply(snapshot([stream('b')], [ev(2, 'b'), ev(3, 'b')]));
    expect(store.selectedStream).toBe('b');
    expect(store.selectedEvent).toBe(2);
    expect(seqs(visibleEvents(store))).toEqual([2, 3]);
  });
});

describe('PanelStore: delta', () => {
  it('appends events and upserts streams', () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a'), stream('b')], [ev(1, 'a'), ev(2, 'b')]));
    store.apply(delta([stream('a', { state: 'closed', eventCount: 7 }), stream('c')], [ev(3, 'a'), ev(4, 'c')], counters(0, 3)));
    expect([...store.streams.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect(store.streams.get('a')!.state).toBe('closed');
    expect(store.streams.get('a')!.eventCount).toBe(7);
    expect(store.streams.get('b')!.state).toBe('open');
    expect(seqs(store.events)).toEqual([1, 2, 3, 4]);
    expect(store.counters).toEqual(counters(0, 3));
  });

  it('a delta with no events keeps the events', () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a')], [ev(1), ev(2)]));
    store.apply(delta([stream('a', { state: 'closed' })], []));
    expect(seqs(store.events)).toEqual([1, 2]);
    expect(store.streams.get('a')!.state).toBe('closed');
  });

  it('drops the events older than the first the background keeps', () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a')], [ev(1), ev(2), ev(3), ev(4), ev(5)], counters(0)));
    store.apply(delta([], [ev(6), ev(7)], counters(3)));
    expect(seqs(store.events)).toEqual([4, 5, 6, 7]);
    expect(store.counters.droppedEvents).toBe(3);
    // Same count again: nothing more is dropped.
    store.apply(delta([], [ev(8)], counters(3)));
    expect(seqs(store.events)).toEqual([4, 5, 6, 7, 8]);
    store.apply(delta([], [], counters(5)));
    expect(seqs(store.events)).toEqual([6, 7, 8]);
  });

  it('drops by seq, not by count: after a navigation seqs go on from the old page', () => {
    const store = new PanelStore();
    // The new page's log: 2 records kept from seq 41 on, nothing dropped yet.
    store.apply(snapshot([stream('a')], [ev(41), ev(42)], counters(0), 41));
    store.apply(delta([], [ev(43)], counters(0), 41));
    expect(seqs(store.events)).toEqual([41, 42, 43]);
    store.selectEvent(41);
    store.apply(delta([], [ev(44)], counters(2), 43));
    expect(seqs(store.events)).toEqual([43, 44]);
    expect(store.selectedEvent).toBeNull();
  });

  it('drops relative to the snapshot’s counters', () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a')], [ev(11), ev(12), ev(13)], counters(10)));
    store.apply(delta([], [ev(14)], counters(11)));
    expect(seqs(store.events)).toEqual([12, 13, 14]);
  });

  it('the selected event survives a delta', () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a')], [ev(1), ev(2)]));
    store.selectEvent(2);
    store.apply(delta([], [ev(3)]));
    expect(store.selectedEvent).toBe(2);
    expect(store.event(store.selectedEvent)?.data).toBe('d2');
  });
});

describe('PanelStore: the records shown', () => {
  it('filters by the selected stream; null shows all', () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a'), stream('b')], [ev(1, 'a'), ev(2, 'b'), ev(3, 'a'), ev(4, 'b')]));
    expect(seqs(visibleEvents(store))).toEqual([1, 2, 3, 4]);
    store.selectStream('a');
    expect(store.selectedStream).toBe('a');
    expect(seqs(visibleEvents(store))).toEqual([1, 3]);
    store.selectStream('b');
    expect(seqs(visibleEvents(store))).toEqual([2, 4]);
    store.selectStream('nope');
    expect(visibleEvents(store)).toEqual([]);
    store.selectStream(null);
    expect(seqs(visibleEvents(store))).toEqual([1, 2, 3, 4]);
  });

  it('rows() is cached: the same array while nothing it depends on changed', () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a'), stream('b')], [ev(1, 'a'), ev(2, 'b'), ev(3, 'a')]));
    store.selectStream('a');
    const first = store.rows();
    expect(store.rows()).toBe(first);
    store.selectEvent(3); // selecting an event changes no filter
    expect(store.rows()).toBe(first);
    store.setFilter({ text: 'd3' });
    const filtered = store.rows();
    expect(filtered).not.toBe(first);
    expect(recordSeqs(filtered)).toEqual([3]);
  });

  it('rows() is recomputed after new events, for the selected stream', () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a'), stream('b')], [ev(1, 'a'), ev(2, 'b')]));
    store.selectStream('a');
    const before = store.rows();
    expect(recordSeqs(before)).toEqual([1]);
    store.apply(delta([], [ev(3, 'b'), ev(4, 'a')]));
    const after = store.rows();
    expect(recordSeqs(after)).toEqual([1, 4]);
    expect(store.rows()).toBe(after);
  });

  it('is recomputed after new events, for all streams', () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a')], [ev(1)]));
    expect(seqs(visibleEvents(store))).toEqual([1]);
    store.apply(delta([], [ev(2), ev(3)]));
    expect(seqs(visibleEvents(store))).toEqual([1, 2, 3]);
  });

  it('is recomputed when a delta adds and drops the same number of events', () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a'), stream('b')], [ev(1, 'a'), ev(2, 'b'), ev(3, 'a')]));
    store.selectStream('a');
    expect(seqs(visibleEvents(store))).toEqual([1, 3]);
    store.apply(delta([], [ev(4, 'a')], counters(1)));
    expect(seqs(visibleEvents(store))).toEqual([3, 4]);
  });

  it('is recomputed after a snapshot of the same length', () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a')], [ev(1), ev(2)]));
    store.selectStream('a');
    expect(seqs(visibleEvents(store))).toEqual([1, 2]);
    store.apply(snapshot([stream('a')], [ev(5), ev(6)]));
    expect(seqs(visibleEvents(store))).toEqual([5, 6]);
  });
});

describe('PanelStore: subscribe and event()', () => {
  it('calls listeners on apply, selectStream and selectEvent; unsubscribe stops them', () => {
    const store = new PanelStore();
    const a = vi.fn();
    const b = vi.fn();
    const unsubscribeA = store.subscribe(a);
    store.subscribe(b);
    store.apply(snapshot([stream('a')], [ev(1)]));
    expect(a).toHaveBeenCalledTimes(1);
    store.apply(delta([], [ev(2)]));
    expect(a).toHaveBeenCalledTimes(2);
    store.selectStream('a');
    expect(a).toHaveBeenCalledTimes(3);
    store.selectEvent(1);
    expect(a).toHaveBeenCalledTimes(4);
    expect(b).toHaveBeenCalledTimes(4);

    unsubscribeA();
    store.apply(delta([], [ev(3)]));
    store.selectStream(null);
    store.selectEvent(null);
    expect(a).toHaveBeenCalledTimes(4);
    expect(b).toHaveBeenCalledTimes(7);
  });

  it('listeners see the new state', () => {
    const store = new PanelStore();
    const seen: number[][] = [];
    store.subscribe(() => seen.push(seqs(visibleEvents(store))));
    store.apply(snapshot([stream('a')], [ev(1)]));
    store.apply(delta([], [ev(2)]));
    expect(seen).toEqual([[1], [1, 2]]);
  });

  it('event(seq) finds an event by seq', () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a')], [ev(4), ev(7), ev(9)]));
    expect(store.event(7)).toEqual(ev(7));
    expect(store.event(9)?.data).toBe('d9');
    expect(store.event(5)).toBeUndefined();
    expect(store.event(null)).toBeUndefined();
    // Four dropped in the background: seqs 1..4 are gone.
    store.apply(delta([], [ev(10)], counters(4)));
    expect(store.event(4)).toBeUndefined();
    expect(store.event(7)?.data).toBe('d7');
    expect(store.event(10)?.data).toBe('d10');
  });
});

describe('PanelStore: drops that outran the panel', () => {
  it('keeps the events the background still has when it dropped more than the panel ever saw', () => {
    // Background log bounded at 3: the panel saw 1..3, then 10 more arrived before the next push.
    const store = new PanelStore();
    store.apply(snapshot([stream('a')], [ev(1), ev(2), ev(3)]));
    store.apply(delta([], [ev(11), ev(12), ev(13)], counters(10)));
    expect(seqs(store.events)).toEqual([11, 12, 13]);
  });

  it('drops exactly the events with seq up to the drop count', () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a')], [ev(1), ev(2), ev(3), ev(4)]));
    store.apply(delta([], [ev(5)], counters(2)));
    expect(seqs(store.events)).toEqual([3, 4, 5]);
  });
});

describe('PanelStore: streams the background dropped', () => {
  it('removes them, and the selection if it was one of them', () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a'), stream('b')], []));
    store.selectStream('b');
    store.apply({ ...delta([stream('c')], []), removedStreams: ['b'] });
    expect([...store.streams.keys()]).toEqual(['a', 'c']);
    expect(store.selectedStream).toBeNull();
  });
});

describe('parseView: a stored view state', () => {
  it('keeps the well-formed parts and drops the rest', () => {
    expect(
      parseView({
        selectedStream: 'a', selectedEvent: 'x', filter: { text: 'hi', regex: true, hiddenTypes: ['(comment)'] }, sort: { column: 'nope', descending: true },
        columns: ['data', 'time', 'bogus'], widths: { time: 90, data: -1, evil: 5 }, relativeTime: 'yes', gapMs: 500, detailHeight: null,
      }),
    ).toEqual({ selectedStream: 'a', filter: { text: 'hi', regex: true, hiddenTypes: ['(comment)'] }, columns: ['time', 'data'], widths: { time: 90 }, gapMs: 500 });
    expect(parseView({ filter: null, columns: ['time'] })).toEqual({});
  });

  it('a store made with it persists each change of the view', () => {
    const saved: unknown[] = [];
    const store = new PanelStore(parseView({ relativeTime: true }), (v) => saved.push(v));
    expect(store.view.relativeTime).toBe(true);
    store.setFilter({ text: 'x' });
    expect(saved).toEqual([expect.objectContaining({ relativeTime: true, filter: { text: 'x', regex: false, hiddenTypes: [] } })]);
  });
});

describe('PanelStore: pause', () => {
  it('keeps the rows still while paused, counts what arrived, and shows it on resume', () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a', { attempts: [] })], [ev(1), ev(2)]));
    store.pause(true);
    const frozen = store.rows();
    store.apply(delta([], [ev(3), ev(4)]));
    expect(store.rows()).toBe(frozen);
    expect(store.arrivedWhilePaused()).toBe(2);
    store.pause(false);
    expect(recordSeqs(store.rows())).toEqual([1, 2, 3, 4]);
    expect(store.arrivedWhilePaused()).toBe(0);
  });
});
