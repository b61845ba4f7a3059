import { describe, expect, it } from 'vitest';
import { axisTicks, layoutTimeline, timeAt, TimelineIndex, type TimelineOptions } from '../src/devtools/panel/timeline-layout';
import type { EventRecord, Stream } from '../src/shared/model';
import { ev, firehose, reconnectLoop, stall, stream, T0 } from './support/timeline-data';

function layout(streams: Stream[], events: EventRecord[], o: Partial<TimelineOptions> = {}, gapMs?: number) {
  const index = new TimelineIndex(gapMs);
  index.update(events);
  return layoutTimeline(index, { streams: new Map(streams.map((s) => [s.id, s])), selected: streams.length === 1 ? streams[0]!.id : null, now: T0 + 60_000, width: 600, ...o });
}

describe('timeline layout: attempts', () => {
  it('draws a reconnect loop as one bar per attempt, each ended by an error', () => {
    const { stream: s, events } = reconnectLoop(12);
    const l = layout([s], events);
    expect(l.lanes[0]!.bars.map((b) => [b.n, b.outcome])).toEqual(s.attempts.map((a) => [a.n, 'error']));
    expect(l.summary).toBe('12 attempts, 11 reconnects, 12 events, no gap over 3.0 s');
    expect(l.lanes[0]!.bars[3]!.title).toMatch(/^#4: ended with an error after 50 ms, HTTP 200 text\/event-stream, 1 event, /);
  });

  it('tells failed, open, connecting and closed attempts apart', () => {
    const s = stream('a', {
      attempts: [
        { n: 1, startedAt: T0, endedAt: T0 + 100, end: 'error', status: 500, failure: 'HTTP 500 text/html' },
        { n: 2, startedAt: T0 + 3000, openedAt: T0 + 3050, endedAt: T0 + 9000, end: 'error' },
        { n: 3, startedAt: T0 + 12_000, openedAt: T0 + 12_100 },
      ],
    });
    const open = layout([s], []).lanes[0]!.bars;
    expect(open.map((b) => b.outcome)).toEqual(['failed', 'error', 'open']);
    // Still open: it reaches now, the right edge.
    expect(open[2]!.x1).toBe(600);
    expect(open[0]!.xOpen).toBeUndefined();
    expect(open[1]!.xOpen).toBeCloseTo((3050 / 60_000) * 600);

    const connecting = stream('b', { attempts: [{ n: 1, startedAt: T0 }], state: 'connecting' });
    expect(layout([connecting], []).lanes[0]!.bars[0]!.outcome).toBe('connecting');
    const closed = stream('c', { attempts: [{ n: 1, startedAt: T0, openedAt: T0 + 10, endedAt: T0 + 5000, end: 'closed' }], state: 'closed' });
    const c = layout([closed], [], { now: T0 + 3_600_000 });
    expect(c.lanes[0]!.bars[0]!.outcome).toBe('closed');
    // A closed stream's picture ends soon after its end, not at now an hour later.
    expect(c.end).toBeLessThan(T0 + 6000);
  });

  it('merges attempts less than a pixel apart, still covering every attempt', () => {
    const { stream: s, events } = reconnectLoop(2000);
    const l = layout([s], events, { width: 100, now: T0 + 2000 * 3100 });
    const bars = l.lanes[0]!.bars;
    expect(bars.length).toBeLessThanOrEqual(100);
    expect(bars[0]!.n).toBe(1);
    expect(bars[bars.length - 1]!.last).toBe(2000);
    for (let i = 1; i < bars.length; i++) expect(bars[i]!.n).toBe(bars[i - 1]!.last + 1);
    expect(l.summary).toMatch(/^2\u00a0000 attempts, 1\u00a0999 reconnects, 2\u00a0000 events/);
  });
});

describe('timeline layout: gaps', () => {
  it('marks a stall with its duration', () => {
    const { stream: s, events } = stall(3200, 20_000);
    const l = layout([s], events, { now: T0 + 20_000 });
    const gaps = l.lanes[0]!.gaps;
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ start: T0 + 10_000, end: T0 + 13_200, ms: 3200, ongoing: false });
    expect(gaps[0]!.title).toBe('3.2 s without events (12:00:10.000 – 12:00:13.200)'.replace(/12:/g, new Date(T0).getHours() + ':'));
    expect(l.summary).toBe('1 attempt, 0 reconnects, 17 events, longest gap 3.2 s');
  });

  it('marks nothing below the threshold, and follows the threshold given', () => {
    const { stream: s, events } = stall(2500, 20_000);
    expect(layout([s], events, { now: T0 + 20_000 }).lanes[0]!.gaps).toEqual([]);
    expect(layout([s], events, { now: T0 + 20_000 }, 2000).lanes[0]!.gaps.map((g) => g.ms)).toEqual([2500]);
  });

  it('marks a stall going on now, from the last event to now', () => {
    const { stream: s, events } = stall(100_000, 0);
    const l = layout([s], events, { now: T0 + 25_000 });
    expect(l.lanes[0]!.gaps.map((g) => [g.start - T0, g.end - T0, g.ongoing])).toEqual([[10_000, 25_000, true]]);
    expect(l.lanes[0]!.gaps[0]!.x1).toBe(600);
    expect(l.summary).toMatch(/longest gap 15\.0 s \(still going on\)$/);
  });

  it('draws no gap where the log dropped the oldest events, only after the first one it holds', () => {
    const { stream: s, events } = stall(5000, 30_000);
    // The first 12 events (up to 16 s, the stall among them) were dropped (bounded memory): the
    // stream says it got more than are held. From its opening to the first held event (17 s) is
    // not a gap: the events of that time are gone, not missing.
    const l = layout([s], events.slice(12), { now: T0 + 30_000 });
    expect(l.lanes[0]!.gaps).toEqual([]);
    expect(l.summary).toMatch(/no gap over 3\.0 s$/);
    // With all of them held, the stall is one.
    expect(layout([s], events, { now: T0 + 30_000 }).lanes[0]!.gaps.map((g) => [g.start - T0, g.ms])).toEqual([[10_000, 5000]]);
    // A stall after the first held event is still one.
    const late = stall(5000, 30_000);
    const stalled = layout([late.stream], late.events.slice(3), { now: T0 + 30_000 });
    expect(stalled.lanes[0]!.gaps.map((g) => [g.start - T0, g.ms])).toEqual([[10_000, 5000]]);
  });

  it('does not count the time between attempts, but does count a silent open attempt', () => {
    const s = stream('a', {
      attempts: [
        { n: 1, startedAt: T0, openedAt: T0 + 10, endedAt: T0 + 1000, end: 'error' },
        { n: 2, startedAt: T0 + 11_000, openedAt: T0 + 11_010, endedAt: T0 + 16_010, end: 'error' },
      ],
      state: 'closed',
    });
    const gaps = layout([s], [ev('a', T0 + 500, 1)]).lanes[0]!.gaps;
    expect(gaps.map((g) => [g.start - T0, g.ms])).toEqual([[11_010, 5000]]);
  });
});

describe('timeline layout: events', () => {
  it('bins 200 000 events into at most one mark per pixel column, with their rate', () => {
    const { stream: s, events } = firehose(200_000, 50_000);
    const t0 = performance.now();
    const index = new TimelineIndex();
    index.update(events);
    const t1 = performance.now();
    const l = layoutTimeline(index, { streams: new Map([[s.id, s]]), selected: s.id, now: T0 + 60_000, width: 1000 });
    const t2 = performance.now();
    console.log(`timeline, 200 000 events: index ${(t1 - t0).toFixed(1)} ms, layout ${(t2 - t1).toFixed(1)} ms`);
    const lane = l.lanes[0]!;
    expect(lane.ticks).toHaveLength(1000);
    expect(lane.ticks.reduce((a, b) => a + b, 0)).toBe(200_000);
    expect(lane.events).toBe(200_000);
    // 4 000 events/s for 50 s, then nothing: the rate says so, away from the edges of the burst.
    expect(lane.rate[400]).toBeCloseTo(4000, -1);
    expect(lane.rate[950]).toBe(0);
    expect(lane.peakRate).toBeGreaterThan(3900);
    expect(lane.peakRate).toBeLessThan(4100);
    // The silence after the burst, to now, is a gap going on.
    expect(lane.gaps.map((g) => g.ongoing)).toEqual([true]);
  });

  it('puts each event in the pixel column of its time, one at the end in the last', () => {
    const times = [0, 99.9, 100, 30_050, 59_999, 60_000];
    const l = layout([stream('a')], times.map((t) => ev('a', T0 + t)), { now: T0 + 60_000, width: 600 });
    const columns = [...l.lanes[0]!.ticks].flatMap((n, x) => Array<number>(n).fill(x));
    expect(columns).toEqual([0, 0, 1, 300, 599, 599]);
  });

  it('counts only events: comments and retry fields are not ticks', () => {
    const s = stream('a');
    const l = layout([s], [ev('a', T0 + 100), ev('a', T0 + 200, 1, 'comment'), ev('a', T0 + 300, 1, 'retry')]);
    expect(l.lanes[0]!.events).toBe(1);
  });

  it('indexes an appended log incrementally as it would from scratch, and starts over on a new log', () => {
    const { stream: s, events } = stall(4000, 30_000);
    const opts = { streams: new Map([[s.id, s]]), selected: s.id, now: T0 + 30_000, width: 300 };
    const whole = new TimelineIndex();
    whole.update(events);
    const growing = new TimelineIndex();
    const log: EventRecord[] = [];
    for (const e of events) {
      log.push(e);
      growing.update(log);
    }
    const a = layoutTimeline(whole, opts);
    const b = layoutTimeline(growing, opts);
    expect(b.lanes[0]!.gaps).toEqual(a.lanes[0]!.gaps);
    expect([...b.lanes[0]!.ticks]).toEqual([...a.lanes[0]!.ticks]);
    // The store drops old records by replacing its array.
    growing.update(log.slice(15));
    expect(layoutTimeline(growing, opts).lanes[0]!.events).toBe(events.length - 15);
  });

  it('places an event that arrives out of order, splitting the gap it falls in', () => {
    const s = stream('a');
    const log = [ev('a', T0 + 1000), ev('a', T0 + 9000)];
    const index = new TimelineIndex();
    index.update(log);
    log.push(ev('a', T0 + 5000));
    index.update(log);
    const l = layoutTimeline(index, { streams: new Map([[s.id, s]]), selected: 'a', now: T0 + 10_000, width: 100 });
    expect(l.lanes[0]!.gaps.map((g) => [g.start - T0, g.end - T0])).toEqual([[1000, 5000], [5000, 9000]]);
    expect(l.lanes[0]!.ticks.reduce((x, y) => x + y, 0)).toBe(3);
  });
});

describe('timeline layout: lanes and axis', () => {
  it('shows the 20 most recently active streams of all, oldest on top, and counts the rest', () => {
    const streams = Array.from({ length: 30 }, (_, i) => stream(`s${i}`, { createdAt: T0 + i * 1000, attempts: [] }));
    // s0 is the oldest, but had an event lately.
    const l = layout(streams, [ev('s0', T0 + 50_000)], { selected: null });
    expect(l.lanes.map((lane) => lane.stream.id)).toEqual(['s0', ...Array.from({ length: 19 }, (_, i) => `s${i + 11}`)]);
    expect(l.hidden).toBe(10);
    expect(l.lanes[0]!.label).toBe('/sse/s0');
    expect(l.summary).toMatch(/^20 streams, .*, 10 less recent streams not shown$/);
  });

  it('labels round times, as precise as the step needs', () => {
    const minute = axisTicks(T0, T0 + 60_000, 600);
    expect(minute.map((t) => t.time - T0)).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
    expect(minute[1]!.label).toMatch(/^\d\d:00:10$/);
    expect(minute[3]!.x).toBe(300);
    const second = axisTicks(T0 + 250, T0 + 1250, 1000);
    expect(second.map((t) => t.time - T0)).toEqual([300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200]);
    expect(second[0]!.label).toMatch(/^\d\d:00:00\.300$/);
    expect(axisTicks(T0, T0 + 3_600_000, 600)[1]!.label).toMatch(/^\d\d:10$/);
  });

  it('shows a range given, clipping what crosses its edges', () => {
    const { stream: s, events } = stall(3200, 20_000);
    const l = layout([s], events, { range: [T0 + 5000, T0 + 12_000], width: 700 });
    expect(l.lanes[0]!.events).toBe(6);
    expect(l.lanes[0]!.gaps.map((g) => [g.ms, g.x0, g.x1])).toEqual([[3200, 500, 700]]);
    expect(l.lanes[0]!.bars.map((b) => [b.x0, b.x1])).toEqual([[0, 700]]);
  });

  it('maps a pixel back to its time', () => {
    const l = layout([stream('a')], [], { now: T0 + 60_000, width: 600 });
    expect(timeAt(l, 300)).toBe(T0 + 30_000);
    expect(timeAt(l, 900)).toBe(T0 + 60_000);
  });
});
