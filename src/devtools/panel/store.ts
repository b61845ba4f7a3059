// The panel's state: what the background sent (streams, events, counters) and how the user
// looks at it (selection, filter, sort, columns, pause). Pure; the views read it and re-render
// when it says it changed. The view part is handed to `persist` on each change, so a reloaded
// panel comes back as it was.
import type { EventRecord, PageInfo, Stream } from '../../shared/model';
import type { CaptureLog } from '../../shared/capture/capture';
import type { Imported } from '../../shared/capture/import';
import type { Counters, ToPanel } from '../../shared/protocol';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import { buildRows, Deltas, EMPTY_FILTER, typeCounts, type ColumnId, type Filter, type Row, type Sort } from './rows';

export const ALL_COLUMNS: readonly ColumnId[] = ['time', 'delta', 'stream', 'type', 'id', 'size', 'data'];

/** How the user looks at the capture: kept across panel reloads. */
export interface ViewState {
  selectedStream: string | null;
  selectedEvent: number | null;
  filter: Filter;
  sort: Sort | null;
  /** Visible columns, in order. */
  columns: ColumnId[];
  /** Column widths in px (data takes the rest). */
  widths: Partial<Record<ColumnId, number>>;
  /** Time as the clock, or since the stream was created. */
  relativeTime: boolean;
  /** A time since the previous event of the stream above this is a gap, marked. */
  gapMs: number;
  /** Height of the detail pane, in px. */
  detailHeight: number;
  /** The timeline above the table is shown. */
  timeline: boolean;
}

export const DEFAULT_VIEW: ViewState = {
  selectedStream: null,
  selectedEvent: null,
  filter: EMPTY_FILTER,
  sort: null,
  columns: [...ALL_COLUMNS],
  widths: {},
  relativeTime: false,
  gapMs: 2000,
  detailHeight: 240,
  timeline: true,
};

/** A view state as stored (by an older version, or damaged): only the parts that are well-formed. */
export function parseView(x: Record<string, unknown>): Partial<ViewState> {
  const view: Partial<ViewState> = {};
  const isStrings = (a: unknown): a is string[] => Array.isArray(a) && a.every((s) => typeof s === 'string');
  if (x.selectedStream === null || typeof x.selectedStream === 'string') view.selectedStream = x.selectedStream;
  if (x.selectedEvent === null || Number.isInteger(x.selectedEvent)) view.selectedEvent = x.selectedEvent as number | null;
  const f = x.filter as Partial<Filter> | undefined;
  if (f && typeof f.text === 'string' && typeof f.regex === 'boolean' && isStrings(f.hiddenTypes)) view.filter = { text: f.text, regex: f.regex, hiddenTypes: f.hiddenTypes };
  const sort = x.sort as Partial<Sort> | null | undefined;
  if (sort === null || (sort && ALL_COLUMNS.includes(sort.column!) && typeof sort.descending === 'boolean')) view.sort = sort as Sort | null;
  if (isStrings(x.columns) && x.columns.includes('data')) view.columns = ALL_COLUMNS.filter((c) => (x.columns as string[]).includes(c));
  if (typeof x.widths === 'object' && x.widths !== null) {
    view.widths = Object.fromEntries(Object.entries(x.widths).filter(([c, w]) => ALL_COLUMNS.includes(c as ColumnId) && Number.isFinite(w) && w > 0));
  }
  if (typeof x.relativeTime === 'boolean') view.relativeTime = x.relativeTime;
  if (Number.isFinite(x.gapMs) && (x.gapMs as number) > 0) view.gapMs = x.gapMs as number;
  if (Number.isFinite(x.detailHeight) && (x.detailHeight as number) > 0) view.detailHeight = x.detailHeight as number;
  if (typeof x.timeline === 'boolean') view.timeline = x.timeline;
  return view;
}

export class PanelStore {
  streams = new Map<string, Stream>();
  events: EventRecord[] = [];
  counters: Counters = { droppedEvents: 0, droppedStreams: 0, invalidRecords: 0, unsavedWrites: 0 };
  /** The tab's page sessions whose streams are shown; the last is the current page. */
  pages: PageInfo[] = [];
  /** The seq of the oldest record the log kept (older ones were dropped). */
  firstSeq = 0;
  /** The file shown instead of the live capture (until the user goes back to it). */
  imported: Omit<Imported, 'log'> | null = null;
  /** Why the last file could not be opened (the capture shown is unchanged). */
  importError: string | null = null;
  settings: Settings = DEFAULT_SETTINGS;
  view: ViewState;
  /** While paused the table stays as it was; what arrives meanwhile is kept and shown on resume. */
  paused: { rows: Row[]; events: number } | null = null;
  /** Counts changes, so a view can tell whether it missed one. */
  version = 0;
  /** Time since the previous event of the same stream, per record. */
  deltas = new Deltas();
  private listeners = new Set<() => void>();
  /** The rows, and what they were built from (the view's parts are replaced, never changed). */
  private cache: { data: number; stream: string | null; filter: Filter; sort: Sort | null; rows: Row[] } | null = null;
  private dataVersion = 0;

  constructor(
    view: Partial<ViewState> = {},
    private readonly persist: (view: ViewState) => void = () => undefined,
  ) {
    this.view = { ...DEFAULT_VIEW, ...view };
  }

  get selectedStream(): string | null {
    return this.view.selectedStream;
  }

  get selectedEvent(): number | null {
    return this.view.selectedEvent;
  }

  apply(msg: ToPanel): void {
    if (msg.kind === 'snapshot') {
      this.streams = new Map(msg.streams.map((s) => [s.id, s]));
      this.events = msg.events;
      this.deltas = new Deltas();
      this.deltas.add(this.events);
    } else {
      for (const s of msg.streams) this.streams.set(s.id, s);
      for (const id of msg.removedStreams) this.streams.delete(id);
      for (const e of msg.events) this.events.push(e);
      this.deltas.add(msg.events);
      // The background dropped its records older than firstSeq (bounded memory): so does the panel.
      if ((this.events[0]?.seq ?? Infinity) < msg.firstSeq) {
        const firstKept = this.events.findIndex((e) => e.seq >= msg.firstSeq);
        this.events = firstKept < 0 ? [] : this.events.slice(firstKept);
        this.deltas.dropBefore(msg.firstSeq);
      }
    }
    const { selectedStream, selectedEvent } = this.view;
    if (selectedStream !== null && !this.streams.has(selectedStream)) this.view = { ...this.view, selectedStream: null };
    if (selectedEvent !== null && !this.event(selectedEvent)) this.view = { ...this.view, selectedEvent: null };
    this.pages = msg.pages;
    this.counters = msg.counters;
    this.firstSeq = msg.firstSeq;
    this.dataVersion++;
    this.changed();
  }

  /** Shows an opened file instead of the live capture; messages from the background are then ignored by the caller. */
  showImport({ log, ...info }: Imported): void {
    this.paused = null;
    this.imported = info;
    this.importError = null;
    this.view = { ...this.view, selectedStream: null, selectedEvent: null };
    this.apply({ kind: 'snapshot', tabId: -1, ...log });
  }

  /** Back to the live capture: the caller asks the background for a fresh snapshot. */
  showLive(): void {
    this.imported = null;
    this.changed();
  }

  setImportError(message: string | null): void {
    this.importError = message;
    this.changed();
  }

  /** What is shown, as a capture's log (for export). */
  log(): CaptureLog {
    return { streams: [...this.streams.values()], events: this.events, firstSeq: this.firstSeq, pages: this.pages, counters: this.counters };
  }

  setSettings(settings: Settings): void {
    this.settings = settings;
    this.changed();
  }

  /** Changes how the capture is shown (and remembers it). */
  setView(patch: Partial<ViewState>): void {
    this.view = { ...this.view, ...patch };
    this.persist(this.view);
    this.changed();
  }

  selectStream(id: string | null): void {
    this.setView({ selectedStream: id, selectedEvent: null });
  }

  selectEvent(seq: number | null): void {
    this.setView({ selectedEvent: seq });
  }

  setFilter(patch: Partial<Filter>): void {
    this.setView({ filter: { ...this.view.filter, ...patch } });
  }

  pause(on: boolean): void {
    this.paused = on ? { rows: this.rows(), events: this.events.length === 0 ? 0 : this.events[this.events.length - 1]!.seq } : null;
    this.changed();
  }

  /** Records that arrived since the pause (the table shows them on resume). */
  arrivedWhilePaused(): number {
    if (!this.paused) return 0;
    const since = this.paused.events;
    let n = 0;
    for (let i = this.events.length - 1; i >= 0 && this.events[i]!.seq > since; i--) n++;
    return n;
  }

  /** Events (not comments or retry fields) of all streams. */
  eventCount(): number {
    let n = 0;
    for (const s of this.streams.values()) n += s.eventCount;
    return n;
  }

  /** The table's rows: filtered, with connection markers, sorted as asked; frozen while paused. */
  rows(): Row[] {
    if (this.paused) return this.paused.rows;
    const { selectedStream: stream, filter, sort } = this.view;
    const c = this.cache;
    if (c?.data !== this.dataVersion || c.stream !== stream || c.filter !== filter || c.sort !== sort) {
      const rows = buildRows({ records: this.events, streams: this.streams, streamId: stream, filter, sort, deltas: this.deltas });
      this.cache = { data: this.dataVersion, stream, filter, sort, rows };
    }
    return this.cache!.rows;
  }

  /** The table's columns: the stream column only when all streams are shown. */
  visibleColumns(): ColumnId[] {
    const { columns, selectedStream } = this.view;
    return selectedStream === null ? columns : columns.filter((c) => c !== 'stream');
  }

  /** Records per type key (for the type filter), over the selected stream or all. */
  typeCounts(): Map<string, number> {
    return typeCounts(this.events, this.view.selectedStream);
  }

  /** The page a stream came from, when that is not the current page (kept by "preserve log"). */
  earlierPage(s: Stream): PageInfo | undefined {
    const current = this.pages[this.pages.length - 1];
    return current && s.page < current.n ? this.pages.find((p) => p.n === s.page) : undefined;
  }

  /** Selects the first record at or after `time` (of `streamId`, if given): a click on the timeline. */
  selectAt(time: number, streamId: string | undefined): void {
    const r = this.events.find((e) => e.time >= time && (streamId === undefined || e.streamId === streamId));
    if (r) this.selectEvent(r.seq);
  }

  event(seq: number | null): EventRecord | undefined {
    if (seq === null) return undefined;
    // Records are in seq order: binary search.
    let lo = 0;
    let hi = this.events.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.events[mid]!.seq;
      if (s === seq) return this.events[mid];
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    this.version++;
    for (const fn of this.listeners) fn();
  }
}
