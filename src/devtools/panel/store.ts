// The panel's state: what the background sent (streams, events, counters) and what the user
// selected. Pure; the views read it and re-render when it says it changed.
import type { EventRecord, PageInfo, Stream } from '../../shared/model';
import type { Counters, ToPanel } from '../../shared/protocol';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';

export class PanelStore {
  streams = new Map<string, Stream>();
  events: EventRecord[] = [];
  counters: Counters = { droppedEvents: 0, droppedStreams: 0, invalidRecords: 0, unsavedWrites: 0 };
  /** The tab's page sessions whose streams are shown; the last is the current page. */
  pages: PageInfo[] = [];
  settings: Settings = DEFAULT_SETTINGS;
  /** null: all streams. */
  selectedStream: string | null = null;
  selectedEvent: number | null = null;
  /** Counts changes, so a view can tell whether it missed one. */
  version = 0;
  private listeners = new Set<() => void>();
  private filtered: { key: string; events: EventRecord[] } | null = null;

  apply(msg: ToPanel): void {
    if (msg.kind === 'snapshot') {
      this.streams = new Map(msg.streams.map((s) => [s.id, s]));
      this.events = msg.events;
      if (this.selectedStream !== null && !this.streams.has(this.selectedStream)) this.selectedStream = null;
      if (this.selectedEvent !== null && !this.events.some((e) => e.seq === this.selectedEvent)) this.selectedEvent = null;
    } else {
      for (const s of msg.streams) this.streams.set(s.id, s);
      for (const id of msg.removedStreams) this.streams.delete(id);
      if (this.selectedStream !== null && !this.streams.has(this.selectedStream)) this.selectedStream = null;
      for (const e of msg.events) this.events.push(e);
      // The background dropped its records older than firstSeq (bounded memory): so does the panel.
      if ((this.events[0]?.seq ?? Infinity) < msg.firstSeq) {
        const firstKept = this.events.findIndex((e) => e.seq >= msg.firstSeq);
        this.events = firstKept < 0 ? [] : this.events.slice(firstKept);
        if (this.selectedEvent !== null && this.selectedEvent < msg.firstSeq) this.selectedEvent = null;
      }
    }
    this.pages = msg.pages;
    this.counters = msg.counters;
    this.filtered = null;
    this.changed();
  }

  setSettings(settings: Settings): void {
    this.settings = settings;
    this.changed();
  }

  selectStream(id: string | null): void {
    this.selectedStream = id;
    this.filtered = null;
    this.changed();
  }

  selectEvent(seq: number | null): void {
    this.selectedEvent = seq;
    this.changed();
  }

  /** Events (not comments or retry fields) of all streams. */
  eventCount(): number {
    let n = 0;
    for (const s of this.streams.values()) n += s.eventCount;
    return n;
  }

  /** The records of the selected stream (or of all), in arrival order. */
  visibleEvents(): EventRecord[] {
    const key = `${this.selectedStream}|${this.events.length}`;
    if (this.filtered?.key !== key) {
      const id = this.selectedStream;
      this.filtered = { key, events: id === null ? this.events : this.events.filter((e) => e.streamId === id) };
    }
    return this.filtered.events;
  }

  /** The page a stream came from, when that is not the current page (kept by "preserve log"). */
  earlierPage(s: Stream): PageInfo | undefined {
    const current = this.pages[this.pages.length - 1];
    return current && s.page < current.n ? this.pages.find((p) => p.n === s.page) : undefined;
  }

  event(seq: number | null): EventRecord | undefined {
    return seq === null ? undefined : this.events.find((e) => e.seq === seq);
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
