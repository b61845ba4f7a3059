// The timeline's layout: where attempts, event ticks, the event rate and gaps go on a time axis
// `width` px wide. Pure (no DOM), so it is tested and measured alone; Timeline.tsx draws it.
//
// Cost: TimelineIndex takes each event once (the store's log is appended to in place), keeping
// each stream's event times sorted; a layout then bins them per pixel column by binary search,
// so it costs O(lanes × width × log n) however many events there are.
import type { Attempt, EventRecord, Stream } from '../../shared/model';
import { clockTime, duration, grouped, shortUrl } from './format';

/** A time without events longer than this is a gap, by default (the event table's default is close). */
export const DEFAULT_GAP_MS = 3000;
/** "All streams" shows the most recently active ones, so that lanes stay readable. */
export const MAX_LANES = 20;
/** A bar is drawn at least this wide, so that a short attempt is still seen. */
const MIN_BAR_PX = 3;
/** Axis labels are at least this far apart. */
const MIN_LABEL_PX = 80;

interface AttemptEvents {
  first: number;
  last: number;
  count: number;
}

/** One stream's events (records of kind 'event': comments and retry fields are not events). */
class StreamEvents {
  /** Arrival times, ascending; `length` of them are used. */
  times = new Float64Array(16);
  length = 0;
  attempts = new Map<number, AttemptEvents>();
  /** Candidate gaps (at least the index's gapMs) between consecutive events of one attempt, by start. */
  gaps: { start: number; end: number }[] = [];

  add(time: number, attempt: number, gapMs: number): void {
    if (this.length === this.times.length) {
      const grown = new Float64Array(this.times.length * 2);
      grown.set(this.times);
      this.times = grown;
    }
    const a = this.attempts.get(attempt);
    if (!a) this.attempts.set(attempt, { first: time, last: time, count: 1 });
    else {
      if (time >= a.last && time - a.last >= gapMs) this.gaps.push({ start: a.last, end: time });
      a.first = Math.min(a.first, time);
      a.last = Math.max(a.last, time);
      a.count++;
    }
    if (this.length === 0 || time >= this.times[this.length - 1]!) {
      this.times[this.length++] = time;
      return;
    }
    // Arrived out of order (rare: clocks of different sources): put it in place, and split the gap it falls in.
    const at = lowerBound(this.times, this.length, time, 0);
    this.times.copyWithin(at + 1, at, this.length);
    this.times[at] = time;
    this.length++;
    const g = this.gaps.findIndex((gap) => gap.start < time && time < gap.end);
    if (g >= 0) {
      const { start, end } = this.gaps[g]!;
      const parts = [{ start, end: time }, { start: time, end }].filter((p) => p.end - p.start >= gapMs);
      this.gaps.splice(g, 1, ...parts);
    }
  }
}

/** The events of each stream, kept in step with the store's log with O(new events) work per update. */
export class TimelineIndex {
  private log: readonly EventRecord[] | null = null;
  private seen = 0;
  private lastSeq = -1;
  private streams = new Map<string, StreamEvents>();

  constructor(readonly gapMs = DEFAULT_GAP_MS) {}

  /** `events`: the tab's log in seq order. The store appends to it in place and replaces it when it drops old records. */
  update(events: readonly EventRecord[]): void {
    const appended = events === this.log && events.length >= this.seen && (this.seen === 0 || events[this.seen - 1]?.seq === this.lastSeq);
    if (!appended) {
      this.log = events;
      this.seen = 0;
      this.streams.clear();
    }
    for (let i = this.seen; i < events.length; i++) {
      const e = events[i]!;
      if (e.kind !== 'event') continue;
      let s = this.streams.get(e.streamId);
      if (!s) this.streams.set(e.streamId, (s = new StreamEvents()));
      s.add(e.time, e.attempt, this.gapMs);
    }
    this.seen = events.length;
    this.lastSeq = events[events.length - 1]?.seq ?? -1;
  }

  stream(id: string): StreamEvents | undefined {
    return this.streams.get(id);
  }
}

/** open: connected now; connecting: not yet; failed: never gave an event stream; error: dropped after opening; closed: ended otherwise. */
export type Outcome = 'open' | 'connecting' | 'failed' | 'error' | 'closed';

export interface Bar {
  /** The attempt's number; a bar of several attempts too short to tell apart runs from `n` to `last`. */
  n: number;
  last: number;
  outcome: Outcome;
  start: number;
  end: number;
  x0: number;
  x1: number;
  /** Where the connection opened (x0..xOpen was connecting); absent when it never did. */
  xOpen?: number;
  title: string;
}

export interface Gap {
  start: number;
  end: number;
  ms: number;
  x0: number;
  x1: number;
  /** Still going on: the stream is open and nothing came since `start`. */
  ongoing: boolean;
  /** Gaps too close together to draw apart are one mark; this counts them. */
  count: number;
  title: string;
}

export interface Lane {
  stream: Stream;
  label: string;
  bars: Bar[];
  /** Events per pixel column. */
  ticks: Uint32Array;
  /** Events per second around each pixel column (a moving window). */
  rate: Float64Array;
  peakRate: number;
  /** Events in the range. */
  events: number;
  gaps: Gap[];
  longestGap: Gap | undefined;
}

export interface AxisTick {
  x: number;
  time: number;
  label: string;
}

export interface TimelineLayout {
  start: number;
  end: number;
  width: number;
  msPerPx: number;
  lanes: Lane[];
  /** Streams left out of "all streams" (the least recently active). */
  hidden: number;
  axis: AxisTick[];
  attempts: number;
  reconnects: number;
  events: number;
  longestGap: { gap: Gap; lane: Lane } | undefined;
  gapMs: number;
  /** "3 attempts, 2 reconnects, 120 events, longest gap 3.2 s". */
  summary: string;
}

export interface TimelineOptions {
  streams: ReadonlyMap<string, Stream>;
  /** A stream's id, or null for all streams. */
  selected: string | null;
  /** The right edge while a shown stream is still live. */
  now: number;
  width: number;
  /** [start, end] in epoch ms; by default from the first thing shown to now (or to the last, when all shown streams are closed). */
  range?: readonly [number, number] | undefined;
}

export function layoutTimeline(index: TimelineIndex, o: TimelineOptions): TimelineLayout {
  const width = Math.max(1, Math.floor(o.width));
  const { shown, hidden } = pickStreams(index, o);
  let [start, end] = o.range ?? defaultRange(index, shown, o.now);
  if (end - start < 1000) end = start + 1000;
  const msPerPx = (end - start) / width;
  const scale = { start, end, width, msPerPx, now: o.now };
  const lanes = shown.map((s) => layoutLane(s, index.stream(s.id), index.gapMs, scale, shown.length > 1));
  let attempts = 0;
  let reconnects = 0;
  let events = 0;
  let longestGap: TimelineLayout['longestGap'];
  for (const lane of lanes) {
    attempts += lane.stream.attempts.length;
    reconnects += Math.max(0, lane.stream.attempts.length - 1);
    events += lane.events;
    if (lane.longestGap && lane.longestGap.ms > (longestGap?.gap.ms ?? -1)) longestGap = { gap: lane.longestGap, lane };
  }
  const layout = { start, end, width, msPerPx, lanes, hidden, axis: axisTicks(start, end, width), attempts, reconnects, events, longestGap, gapMs: index.gapMs, summary: '' };
  layout.summary = summarize(layout);
  return layout;
}

/** The time at pixel `x`. */
export function timeAt(layout: TimelineLayout, x: number): number {
  return layout.start + Math.min(Math.max(x, 0), layout.width) * layout.msPerPx;
}

function lastActivity(s: Stream, events: StreamEvents | undefined): number {
  let t = s.createdAt;
  if (events && events.length > 0) t = Math.max(t, events.times[events.length - 1]!);
  for (const a of s.attempts) t = Math.max(t, a.endedAt ?? a.openedAt ?? a.startedAt ?? t);
  return t;
}

function firstActivity(s: Stream, events: StreamEvents | undefined): number {
  let t = s.createdAt;
  if (events && events.length > 0) t = Math.min(t, events.times[0]!);
  const a = s.attempts[0];
  return Math.min(t, a?.startedAt ?? t, a?.openedAt ?? t);
}

function pickStreams(index: TimelineIndex, o: TimelineOptions): { shown: Stream[]; hidden: number } {
  if (o.selected !== null) {
    const s = o.streams.get(o.selected);
    return { shown: s ? [s] : [], hidden: 0 };
  }
  let all = [...o.streams.values()];
  if (all.length > MAX_LANES) {
    const recent = all.map((s) => ({ s, t: lastActivity(s, index.stream(s.id)) }));
    recent.sort((a, b) => b.t - a.t);
    all = recent.slice(0, MAX_LANES).map((r) => r.s);
  }
  // Oldest on top, as they were created.
  all.sort((a, b) => a.createdAt - b.createdAt);
  return { shown: all, hidden: o.streams.size - all.length };
}

function defaultRange(index: TimelineIndex, shown: Stream[], now: number): [number, number] {
  if (shown.length === 0) return [now - 60_000, now];
  let start = Infinity;
  let end = -Infinity;
  let live = false;
  for (const s of shown) {
    const events = index.stream(s.id);
    start = Math.min(start, firstActivity(s, events));
    end = Math.max(end, lastActivity(s, events));
    live ||= s.state !== 'closed';
  }
  // Closed streams end at their last moment: the picture stays still instead of shrinking as time passes.
  return [start, live ? Math.max(end, now) : end + (end - start) * 0.02];
}

interface Scale {
  start: number;
  end: number;
  width: number;
  msPerPx: number;
  now: number;
}

const toX = (sc: Scale, t: number) => (t - sc.start) / sc.msPerPx;

function layoutLane(stream: Stream, events: StreamEvents | undefined, gapMs: number, sc: Scale, labelled: boolean): Lane {
  const ticks = binEvents(events, sc);
  let inRange = 0;
  for (const c of ticks) inRange += c;
  const rate = rateOf(ticks, inRange, sc);
  let peakRate = 0;
  for (const r of rate) peakRate = Math.max(peakRate, r);
  const gaps = gapsOf(stream, events, gapMs, sc);
  let longestGap: Gap | undefined;
  for (const g of gaps) if (g.ms > (longestGap?.ms ?? -1)) longestGap = g;
  return {
    stream,
    label: labelled ? shortUrl(stream.url) : '',
    bars: barsOf(stream, events, sc),
    ticks,
    rate,
    peakRate,
    events: inRange,
    gaps,
    longestGap,
  };
}

/** The first index in times[from..length) whose time is >= t. */
function lowerBound(times: Float64Array, length: number, t: number, from: number): number {
  let lo = from;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Events per pixel column, by binary search of each column's start: independent of the number of events. */
function binEvents(events: StreamEvents | undefined, sc: Scale): Uint32Array {
  const ticks = new Uint32Array(sc.width);
  if (!events || events.length === 0) return ticks;
  let at = lowerBound(events.times, events.length, sc.start, 0);
  for (let col = 0; col < sc.width; col++) {
    // The last column includes an event exactly at the end.
    const next = col === sc.width - 1 ? lowerBound(events.times, events.length, sc.end, at) + countAt(events, sc.end) : lowerBound(events.times, events.length, sc.start + (col + 1) * sc.msPerPx, at);
    ticks[col] = next - at;
    at = next;
  }
  return ticks;
}

function countAt(events: StreamEvents, t: number): number {
  let n = 0;
  for (let i = lowerBound(events.times, events.length, t, 0); i < events.length && events.times[i] === t; i++) n++;
  return n;
}

/**
 * Events per second, averaged over a window wide enough to hold a few events at the lane's mean
 * rate while it had events (else a 1/s stream over a minute would be a comb of spikes, not a rate).
 */
function rateOf(ticks: Uint32Array, total: number, sc: Scale): Float64Array {
  const width = ticks.length;
  const rate = new Float64Array(width);
  if (total === 0) return rate;
  let first = 0;
  let last = width - 1;
  while (ticks[first] === 0) first++;
  while (ticks[last] === 0) last--;
  const meanPx = (last - first + 1) / total;
  const half = Math.max(2, Math.min(Math.ceil(2 * meanPx), Math.floor(width / 16)));
  const prefix = new Float64Array(width + 1);
  for (let i = 0; i < width; i++) prefix[i + 1] = prefix[i]! + ticks[i]!;
  for (let i = 0; i < width; i++) {
    const lo = Math.max(0, i - half);
    const hi = Math.min(width, i + half + 1);
    rate[i] = (prefix[hi]! - prefix[lo]!) / (((hi - lo) * sc.msPerPx) / 1000);
  }
  return rate;
}

const END_WORDS: Record<NonNullable<Attempt['end']>, string> = {
  error: 'ended with an error',
  closed: 'closed by the page',
  done: 'body ended',
  aborted: 'aborted',
  cancelled: 'cancelled by the page',
};

function barsOf(stream: Stream, events: StreamEvents | undefined, sc: Scale): Bar[] {
  const bars: Bar[] = [];
  const attempts = stream.attempts;
  for (let i = 0; i < attempts.length; i++) {
    const a = attempts[i]!;
    const next = attempts[i + 1];
    const got = events?.attempts.get(a.n);
    const ended = a.endedAt !== undefined || a.end !== undefined || next !== undefined || stream.state === 'closed';
    const start = a.startedAt ?? a.openedAt ?? got?.first ?? a.endedAt;
    if (start === undefined) continue;
    const end = a.endedAt ?? (ended ? (next?.startedAt ?? next?.openedAt ?? got?.last ?? start) : Math.max(sc.now, got?.last ?? start));
    if (end < sc.start || start > sc.end) continue;
    const opened = a.openedAt ?? (got ? got.first : undefined);
    const outcome: Outcome = !ended
      ? opened !== undefined
        ? 'open'
        : 'connecting'
      : a.failure !== undefined || (opened === undefined && a.end === 'error')
        ? 'failed'
        : a.end === 'error'
          ? 'error'
          : 'closed';
    let x0 = Math.max(0, toX(sc, start));
    let x1 = Math.min(sc.width, toX(sc, end));
    if (x1 - x0 < MIN_BAR_PX) {
      x0 = Math.min(x0, sc.width - MIN_BAR_PX);
      x1 = x0 + MIN_BAR_PX;
    }
    const prev = bars[bars.length - 1];
    // Short attempts that touch (a fast reconnect loop over a long range) make one bar: bounds the marks by the width.
    if (prev && prev.outcome === outcome && prev.x1 - prev.x0 < 2 * MIN_BAR_PX && x0 < prev.x1 + 1) {
      prev.last = a.n;
      prev.end = Math.max(prev.end, end);
      prev.x1 = Math.max(prev.x1, x1);
      prev.title = `#${prev.n}–#${a.n}: ${a.n - prev.n + 1} attempts, ${outcomeWords(outcome, a)}, ${clockTime(prev.start)} – ${clockTime(prev.end)}`;
      continue;
    }
    const bar: Bar = { n: a.n, last: a.n, outcome, start, end, x0, x1, title: attemptTitle(a, outcome, start, end, got?.count ?? 0) };
    if (opened !== undefined && opened > start) bar.xOpen = Math.min(x1, Math.max(x0, toX(sc, opened)));
    else if (opened !== undefined) bar.xOpen = x0;
    bars.push(bar);
  }
  return bars;
}

function outcomeWords(outcome: Outcome, a: Attempt): string {
  switch (outcome) {
    case 'open':
      return 'open';
    case 'connecting':
      return 'connecting';
    case 'failed':
      return `failed${a.failure ? ` (${a.failure})` : ''}, never gave an event stream`;
    case 'error':
    case 'closed':
      return a.end ? END_WORDS[a.end] : 'ended';
  }
}

/** "#3: ended with an error after 1.2 s, HTTP 200 text/event-stream, 4 events, 14:03:07.412 – 14:03:08.600" */
function attemptTitle(a: Attempt, outcome: Outcome, start: number, end: number, events: number): string {
  const parts = [`#${a.n}: ${outcomeWords(outcome, a)}${outcome === 'open' || outcome === 'connecting' ? ' for' : ' after'} ${duration(end - start)}`];
  if (a.status !== undefined) parts.push(`HTTP ${a.status}${a.contentType ? ` ${a.contentType}` : ''}`);
  if (a.lastEventIdSent !== undefined) parts.push(`sent Last-Event-ID ${JSON.stringify(a.lastEventIdSent)}`);
  parts.push(`${grouped(events)} event${events === 1 ? '' : 's'}`);
  parts.push(`${clockTime(start)} – ${outcome === 'open' || outcome === 'connecting' ? 'now' : clockTime(end)}`);
  return parts.join(', ');
}

/**
 * Times without events while connected: between two events of an attempt, from its opening to
 * its first event, and from its last event to its end (or to now, while it is open: a stall).
 * The time between attempts is not a gap: the bars show it, and neither is the time of events
 * the log dropped.
 */
function gapsOf(stream: Stream, events: StreamEvents | undefined, gapMs: number, sc: Scale): Gap[] {
  const found: { start: number; end: number; ongoing: boolean }[] = [];
  for (const g of events?.gaps ?? []) found.push({ ...g, ongoing: false });
  const attempts = stream.attempts;
  for (let i = 0; i < attempts.length; i++) {
    const a = attempts[i]!;
    const got = events?.attempts.get(a.n);
    const open = a.openedAt ?? got?.first;
    if (open === undefined) continue;
    const next = attempts[i + 1];
    const live = a.endedAt === undefined && a.end === undefined && next === undefined && stream.state !== 'closed';
    const close = a.endedAt ?? (live ? sc.now : (next?.startedAt ?? got?.last ?? open));
    if (!got) {
      if (close - open >= gapMs) found.push({ start: open, end: close, ongoing: live });
      continue;
    }
    if (got.first - open >= gapMs) found.push({ start: open, end: got.first, ongoing: false });
    if (close - got.last >= gapMs) found.push({ start: got.last, end: close, ongoing: live });
  }
  found.sort((x, y) => x.start - y.start);
  // The log dropped this stream's oldest events (bounded memory): before its first event still
  // held, the time without events is unknown, not a gap.
  const held = events?.length ?? 0;
  const knownFrom = stream.eventCount <= held ? -Infinity : held > 0 ? events!.times[0]! : Infinity;
  const gaps: Gap[] = [];
  for (const f of found) {
    if (f.end <= sc.start || f.start >= sc.end || f.start < knownFrom) continue;
    const x0 = Math.max(0, toX(sc, f.start));
    const x1 = Math.min(sc.width, toX(sc, f.end));
    const ms = f.end - f.start;
    const prev = gaps[gaps.length - 1];
    // Narrow gaps that touch are drawn as one mark that says how many it holds: bounds the marks by the width.
    if (prev && prev.x1 - prev.x0 < 2 && x0 < prev.x1 + 1) {
      prev.count++;
      prev.x1 = Math.max(prev.x1, x1);
      prev.end = Math.max(prev.end, f.end);
      prev.ongoing ||= f.ongoing;
      if (ms > prev.ms) prev.ms = ms;
      prev.title = `${prev.count} gaps without events, the longest ${duration(prev.ms)} (${clockTime(prev.start)} – ${clockTime(prev.end)})`;
      continue;
    }
    const title = f.ongoing
      ? `${duration(ms)} without events, still open (since ${clockTime(f.start)})`
      : `${duration(ms)} without events (${clockTime(f.start)} – ${clockTime(f.end)})`;
    gaps.push({ start: f.start, end: f.end, ms, x0, x1, ongoing: f.ongoing, count: 1, title });
  }
  return gaps;
}

const STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000];

/** Ticks at round times (every 5 s, every minute…), labelled as the clock reads them. */
export function axisTicks(start: number, end: number, width: number): AxisTick[] {
  const msPerPx = (end - start) / width;
  const step = STEPS.find((s) => s / msPerPx >= MIN_LABEL_PX) ?? STEPS[STEPS.length - 1]!;
  // Sub-second steps need milliseconds, minute steps no seconds.
  const chars = step < 1000 ? 12 : step < 60_000 ? 8 : 5;
  // Round in local time, so that minute and hour ticks fall on the clock's minutes and hours.
  const offset = new Date(start).getTimezoneOffset() * 60_000;
  const ticks: AxisTick[] = [];
  for (let t = Math.ceil((start - offset) / step) * step + offset; t <= end; t += step) {
    ticks.push({ x: (t - start) / msPerPx, time: t, label: clockTime(t).slice(0, chars) });
  }
  return ticks;
}

function summarize(l: Omit<TimelineLayout, 'summary'>): string {
  const plural = (n: number, noun: string) => `${grouped(n)} ${noun}${n === 1 ? '' : 's'}`;
  if (l.lanes.length === 0) return 'No stream';
  const parts: string[] = [];
  if (l.lanes.length > 1 || l.hidden > 0) parts.push(plural(l.lanes.length, 'stream'));
  parts.push(plural(l.attempts, 'attempt'), plural(l.reconnects, 'reconnect'), plural(l.events, 'event'));
  parts.push(l.longestGap ? `longest gap ${duration(l.longestGap.gap.ms)}${l.longestGap.gap.ongoing ? ' (still going on)' : ''}` : `no gap over ${duration(l.gapMs)}`);
  if (l.hidden > 0) parts.push(`${plural(l.hidden, 'less recent stream')} not shown`);
  return parts.join(', ');
}
