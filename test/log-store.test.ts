// The IndexedDB log store, on fake-indexeddb (an implementation of the IndexedDB spec for Node).
// The browser tests (e2e/worker-restart.test.ts) run it in real Chromium and Firefox.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { IdbLogStore, type TabSave } from '../src/background/log-store';
import { TabLog, type RecordOrigin } from '../src/background/tab-log';
import type { PageRecord } from '../src/shared/protocol';

const top: RecordOrigin = { doc: { id: 'd1', url: 'http://127.0.0.1/page', top: true }, frameId: 0 };
const create = (sid: number): PageRecord => ({ k: 'create', sid, t: 1, url: `http://127.0.0.1/sse/${sid}`, withCredentials: false, stack: '' });
const event = (sid: number, data: string): PageRecord => ({ k: 'event', sid, t: 2, type: 'message', data, id: '', origin: '' });

/** What the hub writes after applying `records` to `log`: its changes, or all of it. */
function saveOf(log: TabLog, replace = false): TabSave {
  const snapshot = log.snapshot();
  const delta = log.takeDelta();
  return replace
    ? { tabId: log.tabId, replace, meta: log.saveMeta(), streams: snapshot.streams, removedStreams: [], archived: log.archivedStreams(), events: snapshot.events }
    : { tabId: log.tabId, replace, meta: log.saveMeta(), streams: delta?.streams ?? [], removedStreams: delta?.removedStreams ?? [], archived: [], events: delta?.events ?? [] };
}

async function reopen(factory: IDBFactory): Promise<ReturnType<TabLog['snapshot']>[]> {
  const store = await IdbLogStore.open(factory);
  return (await store.load()).map(({ meta, streams, events, archived }) => TabLog.restore(meta, streams, events, { maxEvents: 1e6, maxBytes: 1e9 }, archived).snapshot());
}

describe('IdbLogStore', () => {
  it('stores changes flush by flush; a new store on the same database loads the same logs', async () => {
    const factory = new IDBFactory();
    const store = await IdbLogStore.open(factory);
    const a = new TabLog(1);
    const b = new TabLog(2);
    a.apply(top, [create(1), event(1, 'a1')]);
    b.apply(top, [create(1), event(1, 'b1')]);
    await store.save([saveOf(a), saveOf(b)], []);
    a.apply(top, [event(1, 'a2'), event(1, 'a3')]);
    await store.save([saveOf(a)], []);
    const loaded = await reopen(factory);
    expect(loaded).toEqual([a.snapshot(), b.snapshot()]);
    expect(loaded[0]!.events.map((e) => e.data)).toEqual(['a1', 'a2', 'a3']);
  });

  it('deletes the chunks whose records were all dropped, and loads only the kept ones', async () => {
    const factory = new IDBFactory();
    const store = await IdbLogStore.open(factory);
    const log = new TabLog(1, { maxEvents: 3, maxBytes: 1e9 });
    log.apply(top, [create(1)]);
    for (let i = 1; i <= 10; i++) {
      log.apply(top, [event(1, `e${i}`)]);
      await store.save([saveOf(log)], []);
    }
    const [loaded] = await reopen(factory);
    expect(loaded!.events.map((e) => e.data)).toEqual(['e8', 'e9', 'e10']);
    expect(loaded!.counters.droppedEvents).toBe(7);
    // One chunk per flush; only those with kept records remain.
    const raw = await new Promise<unknown[]>((resolve) => {
      const open = factory.open('sse-inspector');
      open.onsuccess = () => {
        const req = open.result.transaction('chunks').objectStore('chunks').getAll();
        req.onsuccess = () => resolve(req.result);
      };
    });
    expect(raw).toHaveLength(3);
  });

  it('replace drops what was stored of the tab first; removed tabs are forgotten', async () => {
    const factory = new IDBFactory();
    const store = await IdbLogStore.open(factory);
    const log = new TabLog(1);
    const other = new TabLog(2);
    log.apply(top, [create(1), event(1, 'old page')]);
    other.apply(top, [create(1), event(1, 'other tab')]);
    await store.save([saveOf(log), saveOf(other)], []);
    const next = log.nextPage(10, 'http://127.0.0.1/next', false);
    await store.save([saveOf(next, true)], []);
    let loaded = await reopen(factory);
    expect(loaded.map((s) => [s.tabId, s.streams.length, s.events.length])).toEqual([[1, 0, 0], [2, 1, 1]]);
    expect(loaded[0]!.pages[0]!.url).toBe('http://127.0.0.1/next');
    // The old page's stream is kept aside (for a return from the back/forward cache), apart from the streams.
    expect((await (await IdbLogStore.open(factory)).load())[0]!.archived.map((x) => x.id)).toEqual(['d1:1']);
    await store.save([], [2]);
    loaded = await reopen(factory);
    expect(loaded.map((s) => s.tabId)).toEqual([1]);
  });

  it('deletes the streams the log dropped', async () => {
    const factory = new IDBFactory();
    const store = await IdbLogStore.open(factory);
    const log = new TabLog(1);
    log.apply(top, [create(1), create(2)]);
    await store.save([saveOf(log)], []);
    await store.save([{ ...saveOf(log), removedStreams: ['d1:1'] }], []);
    const [loaded] = await reopen(factory);
    expect(loaded!.streams.map((s) => s.id)).toEqual(['d1:2']);
  });

  it('open(factory, true) starts empty (a new browser session)', async () => {
    const factory = new IDBFactory();
    const log = new TabLog(1);
    log.apply(top, [create(1), event(1, 'x')]);
    await (await IdbLogStore.open(factory)).save([saveOf(log)], []);
    expect(await (await IdbLogStore.open(factory, true)).load()).toEqual([]);
  });
});
