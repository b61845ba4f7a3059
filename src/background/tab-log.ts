// One tab's capture: its streams and a bounded, sequence-numbered log of their records
// (events, and for fetch/XHR bodies also comments and retry fields). Pure logic (no browser
// API), so it is unit-tested directly.
import type { Attempt, EventRecord, FrameInfo, PageInfo, Stream } from '../shared/model';
import { LIMITS, eventOfRun, type Counters, type DocInfo, type LogDelta, type LogSnapshot, type PageItem, type PageRecord } from '../shared/protocol';
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings';
import { SseParser, type SseParserState } from '../shared/sse/parser';
import { utf8Length } from '../shared/text';
import { failureOf, type NetworkAttempt } from './network';

export interface LogLimits {
  maxEvents: number;
  /** UTF-8 bytes of event data kept. */
  maxBytes: number;
}

export const limitsOf = (s: Settings): LogLimits => ({ maxEvents: s.maxEvents, maxBytes: s.maxMegabytes * 1024 * 1024 });

export const DEFAULT_LIMITS = limitsOf(DEFAULT_SETTINGS);

/**
 * A log's state apart from its streams and records (which are stored one by one), as plain
 * data: what a restarted background needs to go on exactly where the stopped one was.
 */
export interface TabLogMeta {
  tabId: number;
  nextSeq: number;
  firstSeq: number;
  counters: Counters;
  pages: PageInfo[];
  lastSeq: [string, number][];
  pendingNetwork: NetworkAttempt[];
  networkMatch: [string, { streamId: string; n: number }][];
  networkCount: [string, number][];
  parsers: [string, SseParserState][];
}

/** Where a batch of page records came from. */
export interface RecordOrigin {
  doc: DocInfo;
  frameId: number;
}

export class TabLog {
  /** In creation order (a Map keeps insertion order): the oldest first. */
  private readonly streams = new Map<string, Stream>();
  /** How many of each stream's records the log still holds. */
  private readonly kept = new Map<string, number>();
  /** Streams evicted since the last takeDelta(). */
  private removedStreams: string[] = [];
  /**
   * The streams of earlier pages' documents, by document id, oldest first (without "preserve
   * log"): a document restored from the back/forward cache goes on with its streams, which
   * come back with its next batch. Their parsers and network matches stay in the maps below.
   */
  private archive = new Map<string, Stream[]>();
  /** Records in seq order; the oldest `head` entries are already dropped (compacted lazily). */
  private events: EventRecord[] = [];
  private head = 0;
  private bytes = 0;
  private nextSeq = 1;
  private counters: Counters = { droppedEvents: 0, droppedStreams: 0, invalidRecords: 0, unsavedWrites: 0 };
  private sentCounters: Counters = { ...this.counters };
  /** The SSE parser of each fetch/XHR stream whose body is still open. */
  private parsers = new Map<string, SseParser>();
  /** Arrival time of the chunk being parsed: the time of the records it completes. */
  private chunkTime = 0;
  /** Network attempts that no stream claimed yet (the page's records may still be on their way). */
  private pendingNetwork: NetworkAttempt[] = [];
  /** requestId → the stream and attempt number it was matched to. */
  private networkMatch = new Map<string, { streamId: string; n: number }>();
  /** How many network attempts each stream has been matched with. */
  private networkCount = new Map<string, number>();
  /** The last batch applied from each document (its bridge numbers them). */
  private lastSeq = new Map<string, number>();

  /** What changed since the last takeDelta(). */
  private changedStreams = new Set<string>();
  private newEventsFrom = 0;
  private pagesChanged = false;

  constructor(
    readonly tabId: number,
    private limits: LogLimits = DEFAULT_LIMITS,
    /** The current page is the last. */
    private readonly pages: PageInfo[] = [{ n: 1, url: '', startedAt: 0 }],
  ) {}

  /** A log as saved by saveMeta(), with its streams and its records (in any order; older ones than `meta.firstSeq` are skipped). */
  static restore(meta: TabLogMeta, streams: readonly Stream[], events: readonly EventRecord[], limits: LogLimits, archived: readonly Stream[] = []): TabLog {
    const log = new TabLog(meta.tabId, limits, meta.pages);
    for (const s of streams) log.streams.set(s.id, s);
    for (const s of archived) log.archiveStream(s);
    log.events = events.filter((e) => e.seq >= meta.firstSeq).sort((a, b) => a.seq - b.seq);
    for (const e of log.events) log.keep(e);
    log.newEventsFrom = log.events.length;
    log.nextSeq = meta.nextSeq;
    log.counters = { ...meta.counters };
    log.sentCounters = { ...meta.counters };
    log.lastSeq = new Map(meta.lastSeq);
    log.pendingNetwork = meta.pendingNetwork;
    log.networkMatch = new Map(meta.networkMatch);
    log.networkCount = new Map(meta.networkCount);
    const archivedById = new Map(archived.map((s) => [s.id, s]));
    for (const [id, state] of meta.parsers) {
      const s = log.streams.get(id) ?? archivedById.get(id);
      if (s) log.parsers.set(id, log.bodyParser(s, state));
    }
    log.enforceLimits();
    return log;
  }

  saveMeta(): TabLogMeta {
    return {
      tabId: this.tabId,
      nextSeq: this.nextSeq,
      firstSeq: this.firstSeq,
      counters: { ...this.counters },
      pages: this.pages.map((p) => ({ ...p })),
      lastSeq: [...this.lastSeq],
      pendingNetwork: [...this.pendingNetwork],
      networkMatch: [...this.networkMatch],
      networkCount: [...this.networkCount],
      parsers: [...this.parsers].map(([id, p]) => [id, p.save()]),
    };
  }

  /** The seq of the oldest record kept (the next one's when there are none). */
  get firstSeq(): number {
    return this.events[this.head]?.seq ?? this.nextSeq;
  }

  /** New bounds apply at once: the oldest records beyond them are dropped (and counted). */
  setLimits(limits: LogLimits): void {
    this.limits = limits;
    this.enforceLimits();
  }

  /** Counts a failed write of the log to storage (shown in the panel). */
  countUnsavedWrite(): void {
    this.counters.unsavedWrites++;
  }

  /**
   * Applies a document's numbered batch once: a bridge resends what was not acknowledged, on
   * a new port, and some of that may have been applied already. Returns whether it was new.
   */
  applyBatch(origin: RecordOrigin, seq: number, records: readonly PageItem[], invalid: number): boolean {
    if (seq <= (this.lastSeq.get(origin.doc.id) ?? 0)) return false;
    this.lastSeq.set(origin.doc.id, seq);
    this.apply(origin, records, invalid);
    return true;
  }

  /** Applies a validated batch from one document (runs spread into their events); records that fit no stream are counted invalid. */
  apply(origin: RecordOrigin, records: readonly PageItem[], invalid = 0): void {
    if (this.archive.size > 0) this.unarchive(origin.doc.id);
    this.counters.invalidRecords += invalid;
    for (const r of records) {
      if (r.k !== 'events') {
        if (!this.applyOne(origin, r)) this.counters.invalidRecords++;
        continue;
      }
      for (let i = 0; i < r.t.length; i++) if (!this.applyOne(origin, eventOfRun(r, i))) this.counters.invalidRecords++;
    }
    // New streams or attempts may be what waiting network attempts belong to.
    if (this.pendingNetwork.length > 0) this.pendingNetwork = this.pendingNetwork.filter((a) => !this.matchNetwork(a));
    this.enforceLimits();
  }

  /** Whether the current page has an EventSource it has not closed (the browser may reconnect it). */
  hasOpenEventSource(): boolean {
    const page = this.pages[this.pages.length - 1]!.n;
    for (const s of this.streams.values()) if (s.kind === 'eventsource' && s.state !== 'closed' && s.page === page) return true;
    return false;
  }

  /**
   * Adds what the network saw of one request to the stream attempt it belongs to: an
   * EventSource's n-th request is its n-th attempt; a fetch/XHR stream has one request.
   */
  applyNetwork(a: NetworkAttempt): void {
    const known = this.networkMatch.get(a.requestId);
    if (known) {
      const s = this.streams.get(known.streamId);
      if (s) this.annotate(s, known.n, a);
      return;
    }
    if (!this.matchNetwork(a)) {
      // The newest report of a request replaces an older one still waiting.
      const i = this.pendingNetwork.findIndex((p) => p.requestId === a.requestId);
      if (i >= 0) this.pendingNetwork[i] = a;
      else this.pendingNetwork.push(a);
      // Requests no stream ever claims (e.g. from a worker, which has no page hook) must not pile up.
      if (this.pendingNetwork.length > MAX_PENDING_NETWORK) this.pendingNetwork.shift();
    }
  }

  private matchNetwork(a: NetworkAttempt): boolean {
    const requested = a.redirects.length > 0 ? a.redirects[0]!.split(' ')[1] : a.url;
    for (const s of this.streams.values()) {
      if (s.frame.id !== a.frameId) continue;
      const matched = this.networkCount.get(s.id) ?? 0;
      const fits =
        s.kind === 'eventsource'
          ? s.url === requested && matched < s.attempts.length
          : !a.unconfirmed && (s.url === a.url || s.url === requested) && matched === 0;
      if (!fits) continue;
      this.networkCount.set(s.id, matched + 1);
      this.networkMatch.set(a.requestId, { streamId: s.id, n: matched + 1 });
      this.annotate(s, matched + 1, a);
      return true;
    }
    return false;
  }

  private annotate(s: Stream, n: number, a: NetworkAttempt): void {
    const attempt = s.attempts[n - 1];
    if (!attempt) return;
    attempt.startedAt ??= a.startedAt;
    attempt.method = a.method;
    if (n === 1) s.method = a.method;
    if (a.requestBytes !== undefined) attempt.requestBytes = a.requestBytes;
    if (a.lastEventId !== undefined) attempt.lastEventIdSent = a.lastEventId;
    if (a.requestHeaders !== undefined) attempt.requestHeaders = a.requestHeaders;
    if (a.requestHeadersPartial) attempt.requestHeadersPartial = true;
    else delete attempt.requestHeadersPartial;
    if (a.redirects.length > 0) attempt.redirects = a.redirects;
    if (a.status !== undefined) {
      attempt.status ??= a.status;
      attempt.statusText ??= a.statusLine?.replace(/^\S+\s+\d+\s*/, '') ?? '';
      attempt.contentType = a.contentType ?? '';
      attempt.headers ??= a.headers;
      attempt.headersAt ??= a.headersAt;
    }
    const failure = failureOf(a);
    if (failure !== undefined) attempt.failure = failure;
    // What the network says ended a good stream (a dropped connection, an abort).
    else if (a.error) attempt.endReason ??= a.error;
    this.changedStreams.add(s.id);
  }

  /**
   * A new page committed at `at` (a navigation to `url`). With `preserve`, this log goes on
   * with a new page session; otherwise the new page's log keeps only the streams created
   * since: the new page's documents, whose first messages can overtake the browser's
   * navigation event. Records keep their seq (a seq is never reused in a tab).
   */
  nextPage(at: number, url: string, preserve: boolean): TabLog {
    const page: PageInfo = { n: this.pages[this.pages.length - 1]!.n + 1, url, startedAt: at };
    const isNew = (s: Stream) => s.createdAt >= at - CLOCK_SLACK_MS;
    if (preserve) {
      this.pages.push(page);
      this.pagesChanged = true;
      for (const s of this.streams.values()) {
        if (!isNew(s)) continue;
        s.page = page.n;
        this.changedStreams.add(s.id);
      }
      return this;
    }
    for (const s of this.streams.values()) if (isNew(s)) s.page = page.n;
    const next = this.carryOver([page], isNew, { archiveTheRest: true, keepRecords: true });
    next.pendingNetwork = this.pendingNetwork.filter((a) => a.startedAt >= at - CLOCK_SLACK_MS);
    return next;
  }

  /**
   * The user cleared the log: its records go, and the streams that are over; open ones stay
   * (their next records need them). Nothing of this is counted as dropped.
   */
  clear(): TabLog {
    const next = this.carryOver(this.pages, (s) => s.state !== 'closed', { archiveTheRest: false, keepRecords: false });
    next.pendingNetwork = [...this.pendingNetwork];
    return next;
  }

  /**
   * A new log (seqs going on) with the streams that `keep` says, their parsers and network
   * matches, and optionally their records; the others are archived or forgotten.
   */
  private carryOver(pages: PageInfo[], keep: (s: Stream) => boolean, { archiveTheRest, keepRecords }: { archiveTheRest: boolean; keepRecords: boolean }): TabLog {
    const next = new TabLog(this.tabId, this.limits, pages);
    next.nextSeq = this.nextSeq;
    for (const [doc, list] of this.archive) next.archive.set(doc, [...list]);
    for (const s of this.streams.values()) {
      if (keep(s)) {
        next.streams.set(s.id, s);
        next.changedStreams.add(s.id);
      } else if (archiveTheRest) next.archiveStream(s);
    }
    next.trimArchive();
    const known = (id: string) => next.streams.has(id) || next.archive.has(docOf(id));
    for (const [id, parser] of this.parsers) {
      const s = next.streams.get(id) ?? next.archive.get(docOf(id))?.find((a) => a.id === id);
      // A parser adds to the log that made it: the next log makes its own, from where this one is.
      if (s) next.parsers.set(id, next.bodyParser(s, parser.save()));
    }
    for (const [id, matched] of this.networkCount) if (known(id)) next.networkCount.set(id, matched);
    if (keepRecords) {
      for (const e of this.events.slice(this.head)) {
        if (!next.streams.has(e.streamId)) continue;
        next.events.push(e);
        next.keep(e);
      }
    }
    for (const [requestId, match] of this.networkMatch) if (known(match.streamId)) next.networkMatch.set(requestId, match);
    for (const [doc, seq] of this.lastSeq) next.lastSeq.set(doc, seq);
    return next;
  }

  /** The streams kept aside for documents of earlier pages (see `archive`). */
  archivedStreams(): Stream[] {
    return [...this.archive.values()].flat().map(cloneStream);
  }

  private archiveStream(s: Stream): void {
    const doc = docOf(s.id);
    const list = this.archive.get(doc);
    if (list) list.push(s);
    else this.archive.set(doc, [s]);
  }

  /** Keeps the newest documents' streams, at most MAX_ARCHIVED_STREAMS. */
  private trimArchive(): void {
    let total = 0;
    for (const list of this.archive.values()) total += list.length;
    for (const [doc, list] of this.archive) {
      if (total <= MAX_ARCHIVED_STREAMS) return;
      this.archive.delete(doc);
      total -= list.length;
      for (const s of list) {
        this.parsers.delete(s.id);
        this.networkCount.delete(s.id);
      }
    }
  }

  /** A document of an earlier page speaks again (restored from the back/forward cache): its streams are back, in the current page. */
  private unarchive(doc: string): void {
    const list = this.archive.get(doc);
    if (!list) return;
    this.archive.delete(doc);
    const page = this.pages[this.pages.length - 1]!.n;
    for (const s of list) {
      s.page = page;
      this.streams.set(s.id, s);
      this.changedStreams.add(s.id);
    }
    if (this.streams.size > MAX_STREAMS) this.evictStreams();
  }

  snapshot(): LogSnapshot {
    return {
      kind: 'snapshot',
      tabId: this.tabId,
      streams: [...this.streams.values()].map(cloneStream),
      events: this.events.slice(this.head),
      firstSeq: this.firstSeq,
      pages: this.pages.map((p) => ({ ...p })),
      counters: { ...this.counters },
    };
  }

  /** Changes since the previous call (or since the log began); null when there are none. */
  takeDelta(): LogDelta | null {
    const from = Math.max(this.newEventsFrom, this.head);
    const c = this.counters;
    const sent = this.sentCounters;
    const countersChanged = (Object.keys(c) as (keyof Counters)[]).some((k) => c[k] !== sent[k]);
    if (this.changedStreams.size === 0 && from >= this.events.length && !countersChanged && !this.pagesChanged && this.removedStreams.length === 0) return null;
    const delta: LogDelta = {
      kind: 'delta',
      tabId: this.tabId,
      streams: [...this.changedStreams].flatMap((id) => {
        const s = this.streams.get(id);
        return s ? [cloneStream(s)] : [];
      }),
      removedStreams: this.removedStreams,
      events: this.events.slice(from),
      firstSeq: this.firstSeq,
      pages: this.pages.map((p) => ({ ...p })),
      counters: { ...this.counters },
    };
    this.removedStreams = [];
    this.pagesChanged = false;
    this.changedStreams.clear();
    this.newEventsFrom = this.events.length;
    this.sentCounters = { ...this.counters };
    return delta;
  }

  private applyOne(origin: RecordOrigin, r: PageRecord): boolean {
    const id = `${origin.doc.id}:${r.sid}`;
    if (r.k === 'create' || r.k === 'response') {
      if (this.streams.has(id)) return false;
      const page = this.currentPage(origin);
      this.streams.set(id, r.k === 'create' ? newEventSource(id, origin, page, r) : this.newBodyStream(id, origin, page, r));
      this.changedStreams.add(id);
      if (this.streams.size > MAX_STREAMS) this.evictStreams();
      return true;
    }
    const s = this.streams.get(id);
    if (!s) return false;
    const applied = s.kind === 'eventsource' ? this.applyEventSource(s, r) : this.applyBody(s, r);
    if (applied) this.changedStreams.add(id);
    return applied;
  }

  /** What the page hook saw of a native EventSource: its lifecycle and dispatched events. */
  private applyEventSource(s: Stream, r: PageRecord): boolean {
    const current = s.attempts[s.attempts.length - 1]!;
    switch (r.k) {
      case 'open': {
        // An open after an ended attempt is a reconnect that succeeded: a new attempt.
        const a = current.endedAt === undefined && current.openedAt === undefined ? current : newAttempt(s);
        a.openedAt = r.t;
        s.state = 'open';
        return true;
      }
      case 'error': {
        // An error after an ended attempt means a reconnect failed before it opened.
        const a = current.endedAt === undefined ? current : newAttempt(s);
        a.endedAt = r.t;
        a.end = 'error';
        if (r.readyState === 2) {
          s.state = 'closed';
          s.closedBy = 'error';
        } else s.state = 'connecting';
        return true;
      }
      case 'close':
        if (current.endedAt === undefined) {
          current.endedAt = r.t;
          current.end = 'closed';
        }
        s.state = 'closed';
        s.closedBy = 'page';
        return true;
      case 'listen':
        if (!s.listenedTypes.includes(r.type)) s.listenedTypes.push(r.type);
        return true;
      case 'event': {
        const size = r.fullSize ?? utf8Length(r.data);
        const e = this.append(s, { kind: 'event', time: r.t, type: r.type, id: r.id, data: r.data, origin: r.origin, size, source: 'page-hook' });
        if (r.fullSize !== undefined || r.cut) e.truncated = true;
        s.bytes += size;
        s.lastEventId = r.id;
        return true;
      }
      default:
        return false;
    }
  }

  /** A fetch/XHR response body as the page read it, parsed here as an EventSource would. */
  private applyBody(s: Stream, r: PageRecord): boolean {
    const parser = this.parsers.get(s.id);
    const attempt = s.attempts[0]!;
    if (!parser || attempt.end !== undefined) return false;
    switch (r.k) {
      case 'chunk':
        this.chunkTime = r.t;
        parser.feed(r.text);
        s.bytes += r.bytes ?? utf8Length(r.text);
        return true;
      case 'end': {
        const { discarded } = parser.end();
        this.parsers.delete(s.id);
        if (discarded !== '') attempt.discarded = discarded;
        attempt.endedAt = r.t;
        attempt.end = r.how;
        if (r.error !== '') attempt.endReason = r.error;
        s.state = 'closed';
        s.closedBy = r.how === 'cancelled' || r.how === 'aborted' ? 'page' : r.how === 'error' ? 'error' : undefined;
        if (s.closedBy === undefined) delete s.closedBy;
        return true;
      }
      default:
        return false;
    }
  }

  /** The current page's number; its URL, when unknown yet, is that of its top document. */
  private currentPage(origin: RecordOrigin): number {
    const page = this.pages[this.pages.length - 1]!;
    if (page.url === '' && origin.doc.top) {
      page.url = origin.doc.url;
      this.pagesChanged = true;
    }
    return page.n;
  }

  private newBodyStream(id: string, origin: RecordOrigin, page: number, r: Extract<PageRecord, { k: 'response' }>): Stream {
    const s: Stream = {
      ...streamBase(id, origin, page, r.t, r.stack),
      kind: r.kind,
      url: r.url,
      state: 'open',
      attempts: [{ n: 1, startedAt: r.t, openedAt: r.headersAt, headersAt: r.headersAt, status: r.status, statusText: r.statusText, headers: r.headers }],
      listenedTypes: [],
      source: 'response-body',
    };
    this.parsers.set(id, this.bodyParser(s));
    return s;
  }

  /** The parser of a body stream's records (from where `state` left off). */
  private bodyParser(s: Stream, state?: SseParserState): SseParser {
    const base = { time: 0, type: '', id: '', origin: '', source: 'response-body' } as const;
    return new SseParser((record) => {
      const time = this.chunkTime;
      if (record.kind === 'event') {
        this.append(s, { ...base, kind: 'event', time, type: record.type, id: record.id, ...capped(record.data), raw: record.raw.slice(0, LIMITS.data) });
        s.lastEventId = record.id;
      } else if (record.kind === 'comment') {
        this.append(s, { ...base, kind: 'comment', time, ...capped(record.text) });
      } else if (record.kind === 'retry') {
        this.append(s, { ...base, kind: 'retry', time, data: String(record.ms), size: 0 });
        s.retry = record.ms;
      } else if (record.kind === 'no-data') {
        s.lastEventId = record.id;
      }
    }, state);
  }

  /** Adds a record to the log and counts it in its stream (event records only). */
  private append(s: Stream, fields: Omit<EventRecord, 'seq' | 'streamId' | 'attempt'>): EventRecord {
    const e: EventRecord = { seq: this.nextSeq++, streamId: s.id, attempt: s.attempts[s.attempts.length - 1]!.n, ...fields };
    this.events.push(e);
    this.keep(e);
    if (e.kind === 'event') s.eventCount++;
    return e;
  }

  private keep(e: EventRecord): void {
    this.bytes += memoryOf(e);
    this.kept.set(e.streamId, (this.kept.get(e.streamId) ?? 0) + 1);
  }

  /**
   * Beyond MAX_STREAMS (a page that creates streams in a loop), the oldest closed streams
   * with no record left in the log go, counted. Open ones and those with records stay.
   */
  private evictStreams(): void {
    for (const s of this.streams.values()) {
      if (this.streams.size <= MAX_STREAMS) return;
      if (s.state !== 'closed' || (this.kept.get(s.id) ?? 0) > 0) continue;
      this.streams.delete(s.id);
      this.kept.delete(s.id);
      this.parsers.delete(s.id);
      this.networkCount.delete(s.id);
      this.changedStreams.delete(s.id);
      this.removedStreams.push(s.id);
      this.counters.droppedStreams++;
    }
  }

  private enforceLimits(): void {
    const { maxEvents, maxBytes } = this.limits;
    while (this.events.length - this.head > maxEvents || (this.bytes > maxBytes && this.head < this.events.length)) {
      const e = this.events[this.head]!;
      this.bytes -= memoryOf(e);
      const left = this.kept.get(e.streamId)! - 1;
      if (left > 0) this.kept.set(e.streamId, left);
      else this.kept.delete(e.streamId);
      this.head++;
      this.counters.droppedEvents++;
    }
    // Compact once the dropped prefix is an eighth of the array: dropped records are freed soon
    // (memory stays within about 1/7 over the bound), and dropping stays O(1) amortised.
    if (this.head > 1024 && this.head * 8 > this.events.length) {
      this.newEventsFrom = Math.max(0, this.newEventsFrom - this.head);
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
  }
}

/** Page and browser clocks may differ by a little: what counts as "since a navigation". */
const CLOCK_SLACK_MS = 5;

/** Streams of earlier pages' documents kept aside, at most (see `archive`). */
const MAX_ARCHIVED_STREAMS = 1000;

/** The document a stream id belongs to (ids are `<document id>:<stream number>`). */
const docOf = (streamId: string) => streamId.slice(0, streamId.lastIndexOf(':'));

/** Streams kept per tab, at most (see evictStreams). */
export const MAX_STREAMS = 10_000;

/** Network attempts kept waiting for their stream, at most. */
const MAX_PENDING_NETWORK = 500;

function newAttempt(s: Stream): Attempt {
  const a: Attempt = { n: s.attempts.length + 1 };
  s.attempts.push(a);
  return a;
}

/** What every stream starts with. */
function streamBase(id: string, { doc, frameId }: RecordOrigin, page: number, createdAt: number, stack: string) {
  const frame: FrameInfo = { id: frameId, url: doc.url, top: doc.top };
  return { id, page, frame, createdAt, initiator: initiatorOf(stack), stack, withCredentials: false, eventCount: 0, bytes: 0, lastEventId: '' };
}

function newEventSource(id: string, origin: RecordOrigin, page: number, r: Extract<PageRecord, { k: 'create' }>): Stream {
  return {
    ...streamBase(id, origin, page, r.t, r.stack),
    kind: 'eventsource',
    url: r.url,
    withCredentials: r.withCredentials,
    state: 'connecting',
    attempts: [{ n: 1, startedAt: r.t }],
    // The page hook always listens to `message` (as well as open and error).
    listenedTypes: ['message'],
    source: 'page-hook',
  };
}

/** What a record holds, roughly in bytes: what the log's byte bound counts. */
const memoryOf = (e: EventRecord) => e.size + e.id.length + e.type.length + (e.raw?.length ?? 0);

/** Data as kept: cut to LIMITS.data (as the bridge cuts an EventSource's), with its true UTF-8 size. */
function capped(data: string): { data: string; size: number; truncated?: true } {
  const size = utf8Length(data);
  return data.length > LIMITS.data ? { data: data.slice(0, LIMITS.data), size, truncated: true } : { data, size };
}

function cloneStream(s: Stream): Stream {
  return {
    ...s,
    frame: { ...s.frame },
    attempts: s.attempts.map((a) => ({ ...a, ...(a.headers ? { headers: a.headers.map(([k, v]): [string, string] => [k, v]) } : {}) })),
    listenedTypes: [...s.listenedTypes],
  };
}

/** The first stack line that is not the extension's own code: where the page created the stream. */
export function initiatorOf(stack: string): string {
  const lines = stack.split('\n').map((l) => l.trim());
  const frame = lines.find((l) => /:\d+:\d+\)?$/.test(l) && !/(chrome|moz)-extension:\/\//.test(l));
  return (frame ?? '').replace(/^at |^@/, '');
}
