// Keeps the tabs' logs in IndexedDB, so that a background that was stopped (an MV3 service
// worker is stopped when idle, and may be at any moment) starts again where it was. The hub
// writes each flush in one transaction and acknowledges a bridge's batch only once that has
// committed: until then the bridge keeps the batch and resends it to a restarted background.
import type { EventRecord, Stream } from '../shared/model';
import type { TabLogMeta } from './tab-log';

/** What one flush writes for one tab. */
export interface TabSave {
  tabId: number;
  /** The stored log is dropped first, and `streams` and `events` are all of it. */
  replace: boolean;
  meta: TabLogMeta;
  /** Streams that changed (all of them with `replace`). */
  streams: Stream[];
  /** Streams the log dropped. */
  removedStreams: string[];
  /** With `replace`: the streams the log keeps aside for earlier pages' documents (TabLog.archivedStreams). */
  archived: Stream[];
  /** Records added since the last save (all kept ones with `replace`). */
  events: EventRecord[];
  /** `events` as JSON, when the hub made it already (to send it to the panels too). */
  eventsJson?: string;
}

export interface StoredTab {
  meta: TabLogMeta;
  streams: Stream[];
  events: EventRecord[];
  archived: Stream[];
}

export interface LogStore {
  load(): Promise<StoredTab[]>;
  /** Writes the saves, then forgets the removed tabs, in one transaction. */
  save(saves: readonly TabSave[], removedTabs: readonly number[]): Promise<void>;
}

/** Stands in for storage where there is none (tests of the routing alone). */
export const NO_STORE: LogStore = { load: async () => [], save: async () => undefined };

const DB_NAME = 'sse-inspector';
const DB_VERSION = 1;
const TABS = 'tabs';
const STREAMS = 'streams';
/** Records are stored in chunks, one per flush: a firehose costs one put per flush, not per event. */
const CHUNKS = 'chunks';

interface StreamRow {
  tabId: number;
  id: string;
  stream: Stream;
  archived?: true;
}

interface ChunkRow {
  tabId: number;
  /** The seq of its first record. */
  first: number;
  last: number;
  /**
   * The records, as JSON text: IndexedDB clones one string far faster than thousands of objects
   * (at a firehose, cloning them was the background's largest cost).
   */
  json?: string;
  /** The records, as rows written before `json` had them. */
  events?: EventRecord[];
}

/** All keys of one tab in a store keyed [tabId, …]: arrays sort after numbers and strings. */
const ofTab = (tabId: number) => IDBKeyRange.bound([tabId], [tabId, []]);

export class IdbLogStore implements LogStore {
  /** The chunks stored for each tab, as [first, last] seqs in ascending order. */
  private readonly chunks = new Map<number, [number, number][]>();

  private constructor(private readonly db: IDBDatabase) {}

  /** Opens the database; `clear` empties it (a new browser session: tab ids start over). */
  static async open(factory: IDBFactory = indexedDB, clear = false): Promise<IdbLogStore> {
    const request = factory.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore(TABS, { keyPath: 'tabId' });
      db.createObjectStore(STREAMS, { keyPath: ['tabId', 'id'] });
      db.createObjectStore(CHUNKS, { keyPath: ['tabId', 'first'] });
    };
    const store = new IdbLogStore(await done(request));
    if (clear) {
      const tx = store.transaction();
      for (const name of [TABS, STREAMS, CHUNKS]) tx.objectStore(name).clear();
      await committed(tx);
    }
    return store;
  }

  async load(): Promise<StoredTab[]> {
    const tx = this.db.transaction([TABS, STREAMS, CHUNKS], 'readonly');
    const [metas, streams, chunks] = await Promise.all([
      done(tx.objectStore(TABS).getAll() as IDBRequest<TabLogMeta[]>),
      done(tx.objectStore(STREAMS).getAll() as IDBRequest<StreamRow[]>),
      done(tx.objectStore(CHUNKS).getAll() as IDBRequest<ChunkRow[]>),
    ]);
    const tabs = new Map<number, StoredTab>(metas.map((meta) => [meta.tabId, { meta, streams: [], events: [], archived: [] }]));
    for (const row of streams) tabs.get(row.tabId)?.[row.archived ? 'archived' : 'streams'].push(row.stream);
    // getAll returns them in key order: by tab, then by first seq.
    for (const row of chunks) {
      const tab = tabs.get(row.tabId);
      if (!tab) continue;
      const events = row.events ?? (JSON.parse(row.json ?? '[]') as EventRecord[]);
      for (const e of events) tab.events.push(e);
      this.chunksOf(row.tabId).push([row.first, row.last]);
    }
    return [...tabs.values()];
  }

  async save(saves: readonly TabSave[], removedTabs: readonly number[]): Promise<void> {
    const tx = this.transaction();
    const tabs = tx.objectStore(TABS);
    const streams = tx.objectStore(STREAMS);
    const chunkStore = tx.objectStore(CHUNKS);
    // The chunk lists change only once the transaction commits.
    const after = new Map<number, [number, number][]>();
    for (const save of saves) {
      const { tabId, meta, events } = save;
      let chunks = save.replace ? [] : (after.get(tabId) ?? [...this.chunksOf(tabId)]);
      if (save.replace) {
        streams.delete(ofTab(tabId));
        chunkStore.delete(ofTab(tabId));
      }
      tabs.put(meta);
      for (const stream of save.streams) streams.put({ tabId, id: stream.id, stream } satisfies StreamRow);
      for (const id of save.removedStreams) streams.delete([tabId, id]);
      for (const stream of save.archived) streams.put({ tabId, id: stream.id, stream, archived: true } satisfies StreamRow);
      if (events.length > 0) {
        const row: ChunkRow = { tabId, first: events[0]!.seq, last: events[events.length - 1]!.seq, json: save.eventsJson ?? JSON.stringify(events) };
        chunkStore.put(row);
        chunks.push([row.first, row.last]);
      }
      // Chunks whose records have all been dropped from the log.
      const gone = chunks.findIndex(([, last]) => last >= meta.firstSeq);
      const dropped = gone === -1 ? chunks.length : gone;
      if (dropped > 0) {
        chunkStore.delete(IDBKeyRange.bound([tabId, chunks[0]![0]], [tabId, chunks[dropped - 1]![0]]));
        chunks = chunks.slice(dropped);
      }
      after.set(tabId, chunks);
    }
    for (const tabId of removedTabs) {
      tabs.delete(tabId);
      streams.delete(ofTab(tabId));
      chunkStore.delete(ofTab(tabId));
      after.set(tabId, []);
    }
    await committed(tx);
    for (const [tabId, chunks] of after) {
      if (chunks.length > 0) this.chunks.set(tabId, chunks);
      else this.chunks.delete(tabId);
    }
  }

  private transaction(): IDBTransaction {
    // Relaxed: a stopped worker is what this guards against, not a power cut.
    return this.db.transaction([TABS, STREAMS, CHUNKS], 'readwrite', { durability: 'relaxed' });
  }

  private chunksOf(tabId: number): [number, number][] {
    let chunks = this.chunks.get(tabId);
    if (!chunks) this.chunks.set(tabId, (chunks = []));
    return chunks;
  }
}

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}
