// The hub between bridges, panels and storage, with ports simulated and IndexedDB from
// fake-indexeddb. A "stopped worker" is a hub whose store stops answering: whatever it did not
// write is gone, as in a real stop; a new hub on the same database is the restarted worker.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { Runtime } from 'webextension-polyfill';
import { describe, expect, it } from 'vitest';
import { Hub } from '../src/background/hub';
import { IdbLogStore, type LogStore } from '../src/background/log-store';
import type { NetworkDetail } from '../src/background/network';
import type { EventRecord } from '../src/shared/model';
import { PROTOCOL_VERSION, wireToPanel, type BridgeBatch, type PageRecord, type ToPanel, type ToPanelWire } from '../src/shared/protocol';
import { DEFAULT_SETTINGS } from '../src/shared/settings';
import { prng } from './support/prng';

const TAB = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One end of a runtime port, as the hub sees it; `received` is what the hub posted to it. */
class FakePort {
  received: unknown[] = [];
  private readonly messageListeners: ((m: unknown) => void)[] = [];
  private readonly disconnectListeners: (() => void)[] = [];
  readonly onMessage = { addListener: (fn: (m: unknown) => void) => void this.messageListeners.push(fn) };
  readonly onDisconnect = { addListener: (fn: () => void) => void this.disconnectListeners.push(fn) };
  constructor(
    readonly name: string,
    readonly sender?: Runtime.MessageSender,
  ) {}
  postMessage(m: unknown): void {
    this.received.push(structuredClone(m));
  }
  disconnect(): void {}
  /** The other end sends `m`. */
  send(m: unknown): void {
    for (const fn of this.messageListeners) fn(structuredClone(m));
  }
  close(): void {
    for (const fn of this.disconnectListeners) fn();
  }
  asPort(): Runtime.Port {
    return this as unknown as Runtime.Port;
  }
}

/** A store that can be cut off: after stop() nothing more is written and no write completes. */
function stoppable(store: LogStore): LogStore & { stop(): void } {
  let stopped = false;
  return {
    load: () => store.load(),
    save: (saves, removed) => (stopped ? new Promise<void>(() => undefined) : store.save(saves, removed)),
    stop: () => void (stopped = true),
  };
}

async function startHub(factory: IDBFactory, settings = DEFAULT_SETTINGS, live = (ids: number[]) => new Set(ids), eventsAsJson = false) {
  const store = stoppable(await IdbLogStore.open(factory));
  const hub = new Hub(eventsAsJson);
  const started = hub.start(store, settings, async (ids) => live(ids));
  return { hub, store, started };
}

/** A bridge of one document: numbers its batches, keeps them until acknowledged, resends on a new port. */
class FakeBridge {
  port: FakePort | undefined;
  private readonly outbox: BridgeBatch[] = [];
  private seq = 1;
  constructor(private readonly docId: string) {}
  connect(hub: Hub): void {
    this.port = new FakePort('bridge', { tab: { id: TAB } as Runtime.MessageSender['tab'], frameId: 0 });
    hub.connect(this.port.asPort());
    for (const b of this.outbox) this.port.send(b);
  }
  send(records: PageRecord[]): void {
    const batch: BridgeBatch = { kind: 'batch', v: PROTOCOL_VERSION, doc: { id: this.docId, url: 'http://127.0.0.1/page', top: true }, seq: this.seq++, records, invalid: 0 };
    this.outbox.push(batch);
    this.port?.send(batch);
  }
  /** Takes the acks the hub posted. */
  readAcks(): void {
    for (const m of this.port?.received.splice(0) ?? []) {
      const seq = (m as { seq: number }).seq;
      while (this.outbox.length > 0 && this.outbox[0]!.seq <= seq) this.outbox.shift();
    }
  }
  get unacked(): number {
    return this.outbox.length;
  }
}

/** A started hub on `factory`, with a bridge of one document connected to it. */
async function withBridge(factory: IDBFactory, eventsAsJson = false) {
  const run = await startHub(factory, DEFAULT_SETTINGS, undefined, eventsAsJson);
  await run.started;
  const bridge = new FakeBridge('doc');
  bridge.connect(run.hub);
  return { ...run, bridge };
}

/** A panel: applies the snapshot and deltas it gets, as the panel's connection and store do. */
function panelOf(hub: Hub) {
  const port = new FakePort('panel');
  hub.connect(port.asPort());
  port.send({ kind: 'subscribe', v: PROTOCOL_VERSION, tabId: TAB });
  return {
    port,
    events(): EventRecord[] {
      let events: EventRecord[] = [];
      for (const m of (port.received as ToPanelWire[]).map(wireToPanel)) {
        if (m.kind === 'snapshot') events = [...m.events];
        else events.push(...m.events);
      }
      return events;
    },
  };
}

const create: PageRecord = { k: 'create', sid: 1, t: 1, url: 'http://127.0.0.1/sse', withCredentials: false, stack: '' };
const event = (i: number): PageRecord => ({ k: 'event', sid: 1, t: 1 + i, type: 'message', data: `e${i}`, id: String(i), origin: '' });

describe('Hub: storage and acknowledgements', () => {
  it('acknowledges a batch only once it is stored; a restarted hub has every acknowledged event', async () => {
    const factory = new IDBFactory();
    const first = await withBridge(factory);
    const { bridge } = first;
    bridge.send([create, event(1)]);
    bridge.send([event(2)]);
    bridge.readAcks();
    expect(bridge.unacked).toBe(2); // nothing is written yet
    await sleep(120);
    bridge.readAcks();
    expect(bridge.unacked).toBe(0);

    first.store.stop(); // the worker is stopped: this batch is applied but never written
    bridge.send([event(3)]);
    await sleep(120);
    bridge.readAcks();
    expect(bridge.unacked).toBe(1);

    const second = await startHub(factory);
    const panel = panelOf(second.hub); // before the logs are loaded: it waits
    await second.started;
    expect(panel.events().map((e) => e.data)).toEqual(['e1', 'e2']);
    bridge.connect(second.hub); // the bridge resends batch 3
    await sleep(120);
    bridge.readAcks();
    expect(bridge.unacked).toBe(0);
    expect(panel.events().map((e) => e.data)).toEqual(['e1', 'e2', 'e3']);
  });

  it('stopped at random moments, 20 times, it loses nothing and duplicates nothing', async () => {
    const factory = new IDBFactory();
    const rnd = prng(77);
    const bridge = new FakeBridge('doc');
    let run = await startHub(factory);
    await run.started;
    bridge.connect(run.hub);
    bridge.send([create]);
    let i = 0;
    for (let stop = 0; stop < 20; stop++) {
      const n = Math.floor(rnd() * 30);
      for (let k = 0; k < n; k++) {
        bridge.send([event(++i), event(++i)]);
        if (rnd() < 0.2) await sleep(Math.floor(rnd() * 70));
        bridge.readAcks();
      }
      run.store.stop();
      run = await startHub(factory);
      bridge.connect(run.hub);
      await run.started;
    }
    await sleep(120);
    bridge.readAcks();
    expect(bridge.unacked).toBe(0);
    const panel = panelOf(run.hub);
    const datas = panel.events().map((e) => e.data);
    expect(datas).toEqual(Array.from({ length: i }, (_, k) => `e${k + 1}`));
    expect(new Set(panel.events().map((e) => e.seq)).size).toBe(i);
  });

  it('a panel gets each change once, after it is stored, and a later panel gets it in its snapshot', async () => {
    const factory = new IDBFactory();
    const { hub, bridge } = await withBridge(factory);
    const early = panelOf(hub);
    bridge.send([create, event(1)]);
    const late = panelOf(hub);
    bridge.send([event(2)]);
    await sleep(120);
    expect(early.events().map((e) => e.data)).toEqual(['e1', 'e2']);
    expect(late.events().map((e) => e.data)).toEqual(['e1', 'e2']);
    expect(late.port.received[0]).toMatchObject({ kind: 'snapshot' });
  });

  it('with events as JSON (Firefox), panels get the stored JSON text, and read the same events', async () => {
    const factory = new IDBFactory();
    const { hub, bridge, store } = await withBridge(factory, true);
    const panel = panelOf(hub);
    bridge.send([create, event(1), event(2)]);
    await sleep(120);
    const delta = panel.port.received.find((m) => (m as ToPanelWire).kind === 'delta') as ToPanelWire;
    expect(delta.events).toEqual([]);
    expect(JSON.parse(delta.eventsJson!).map((e: EventRecord) => e.data)).toEqual(['e1', 'e2']);
    expect(panel.events().map((e) => e.data)).toEqual(['e1', 'e2']);
    // What was stored is that same text: a restarted hub has the events.
    store.stop();
    const restarted = await startHub(factory);
    await restarted.started;
    expect(panelOf(restarted.hub).events().map((e) => e.data)).toEqual(['e1', 'e2']);
  });

  it('a navigation without preserve log replaces the stored log; with it, keeps it', async () => {
    const factory = new IDBFactory();
    const first = await withBridge(factory);
    const { bridge } = first;
    bridge.send([create, event(1)]);
    await sleep(120);
    first.hub.resetTab(TAB, Date.now(), 'http://127.0.0.1/next');
    await sleep(120);
    const second = await startHub(factory);
    await second.started;
    expect(panelOf(second.hub).port.received[0]).toMatchObject({ kind: 'snapshot', streams: [], events: [], pages: [{ n: 2, url: 'http://127.0.0.1/next' }] });

    const bridge2 = new FakeBridge('doc2');
    bridge2.connect(second.hub);
    bridge2.send([create, event(1)]);
    second.hub.setSettings({ ...DEFAULT_SETTINGS, preserveLog: true });
    second.hub.resetTab(TAB, Date.now(), 'http://127.0.0.1/third');
    await sleep(120);
    const third = await startHub(factory, { ...DEFAULT_SETTINGS, preserveLog: true });
    await third.started;
    const snap = panelOf(third.hub).port.received[0] as ToPanel;
    expect(snap.streams.map((s) => s.page)).toEqual([2]);
    expect(snap.pages.map((p) => p.n)).toEqual([2, 3]);
    expect(snap.events.map((e) => e.data)).toEqual(['e1']);
  });

  it('a panel opened on a tab with no capture gets an empty one, and nothing is stored for it', async () => {
    const factory = new IDBFactory();
    const { hub, started } = await startHub(factory);
    await started;
    const panel = panelOf(hub);
    await sleep(120);
    expect(panel.port.received).toEqual([expect.objectContaining({ kind: 'snapshot', tabId: TAB, streams: [], events: [] })]);
    expect(await (await IdbLogStore.open(factory)).load()).toEqual([]);
  });

  it('a panel that clears the log clears it for every panel, and in storage', async () => {
    const factory = new IDBFactory();
    const first = await withBridge(factory);
    const { bridge } = first;
    const panel = panelOf(first.hub);
    const other = panelOf(first.hub);
    bridge.send([create, event(1), event(2)]);
    await sleep(120);
    panel.port.send({ kind: 'clear', tabId: TAB });
    bridge.send([event(3)]);
    await sleep(120);
    expect(panel.events().map((e) => e.data)).toEqual(['e3']);
    expect(other.events().map((e) => e.data)).toEqual(['e3']);
    const second = await startHub(factory);
    await second.started;
    expect((panelOf(second.hub).port.received[0] as ToPanel).events.map((e) => e.data)).toEqual(['e3']);
  });

  it('what comes for a closed tab after it closed (an aborted request, a last batch) does not bring its log back', async () => {
    const factory = new IDBFactory();
    const { hub, bridge } = await withBridge(factory);
    bridge.send([create, event(1)]);
    await sleep(120);
    hub.removeTab(TAB);
    bridge.send([event(2)]);
    hub.applyNetwork({ requestId: 'r', tabId: TAB, frameId: 0, url: 'http://127.0.0.1/sse', method: 'GET', startedAt: 1, redirects: [], error: 'net::ERR_ABORTED' });
    await sleep(120);
    bridge.readAcks();
    expect(bridge.unacked).toBe(0);
    expect(await (await IdbLogStore.open(factory)).load()).toEqual([]);
  });

  it('a stored log that does not restore is dropped, and the hub works on', async () => {
    const factory = new IDBFactory();
    const damaged: LogStore = {
      load: async () => [{ meta: { tabId: TAB } as never, streams: [], events: [], archived: [] }],
      save: (saves, removed) => IdbLogStore.open(factory).then((s) => s.save(saves, removed)),
    };
    const hub = new Hub();
    const errors = console.error;
    console.error = () => undefined;
    try {
      await hub.start(damaged, DEFAULT_SETTINGS, async (ids) => new Set(ids));
    } finally {
      console.error = errors;
    }
    const bridge = new FakeBridge('doc');
    bridge.connect(hub);
    bridge.send([create, event(1)]);
    await sleep(120);
    expect(panelOf(hub).events().map((e) => e.data)).toEqual(['e1']);
  });

  it('forgets closed tabs, also those closed while it was stopped', async () => {
    const factory = new IDBFactory();
    const first = await withBridge(factory);
    const { bridge } = first;
    bridge.send([create, event(1)]);
    await sleep(120);
    // The tab is gone when the worker restarts.
    const second = await startHub(factory, DEFAULT_SETTINGS, () => new Set());
    await second.started;
    await sleep(120);
    const third = await startHub(factory);
    await third.started;
    expect((panelOf(third.hub).port.received[0] as ToPanel).events).toEqual([]);
  });

  it('new bounds drop the oldest events, in storage too', async () => {
    const factory = new IDBFactory();
    const first = await withBridge(factory);
    const { bridge } = first;
    bridge.send([create, ...[1, 2, 3, 4, 5].map(event)]);
    await sleep(120);
    first.hub.setSettings({ ...DEFAULT_SETTINGS, maxEvents: 100 });
    bridge.send(Array.from({ length: 150 }, (_, k) => event(6 + k)));
    await sleep(120);
    const second = await startHub(factory, { ...DEFAULT_SETTINGS, maxEvents: 100 });
    await second.started;
    const snap = panelOf(second.hub).port.received[0] as ToPanel;
    expect(snap.events).toHaveLength(100);
    expect(snap.events[0]!.data).toBe('e56');
    expect(snap.counters.droppedEvents).toBe(55);
  });

  it('a failed write is counted for the panel, and the next one stores the whole log again', async () => {
    const factory = new IDBFactory();
    const real = await IdbLogStore.open(factory);
    let fail = true;
    const flaky: LogStore = {
      load: () => real.load(),
      save: (saves, removed) => (fail ? Promise.reject(new Error('QuotaExceededError')) : real.save(saves, removed)),
    };
    const hub = new Hub();
    await hub.start(flaky, DEFAULT_SETTINGS, async (ids) => new Set(ids));
    const bridge = new FakeBridge('doc');
    bridge.connect(hub);
    const panel = panelOf(hub);
    const errors = console.error;
    console.error = () => undefined;
    try {
      bridge.send([create, event(1)]);
      await sleep(120);
      fail = false;
      bridge.send([event(2)]);
      await sleep(1200);
    } finally {
      console.error = errors;
    }
    const last = panel.port.received[panel.port.received.length - 1] as ToPanel;
    expect(last.counters.unsavedWrites).toBe(1);
    const restarted = await startHub(factory);
    await restarted.started;
    expect((panelOf(restarted.hub).port.received[0] as ToPanel).events.map((e) => e.data)).toEqual(['e1', 'e2']);
  });
});

describe('Hub: what is asked of the network (which costs every request in Chrome)', () => {
  /** 'all': full headers and body sizes; 'headers': the full headers only. */
  const asked = ({ headers, bodySizes }: NetworkDetail) => (bodySizes ? 'all' : headers ? 'headers' : 'none');

  it('the full headers while a page has an EventSource not closed, everything while a panel is open, and all of it from a restart until it knows', async () => {
    const factory = new IDBFactory();
    const { hub, bridge, store } = await withBridge(factory);
    const told: string[] = [];
    hub.onNetworkDetail((d) => told.push(asked(d)));
    expect(told).toEqual(['none']); // started, nothing open
    bridge.send([create]);
    expect(told).toEqual(['none', 'headers']); // at once: its reconnect may come before the next flush
    bridge.send([{ k: 'close', sid: 1, t: 5 }]);
    await sleep(120);
    expect(told).toEqual(['none', 'headers', 'none']);

    // A fetch stream alone needs nothing more; a panel needs everything, until it goes.
    bridge.send([{ k: 'response', sid: 2, t: 6, kind: 'fetch', url: 'http://127.0.0.1/llm', status: 200, statusText: 'OK', headers: [], headersAt: 7, stack: '' }]);
    await sleep(120);
    expect(told).toEqual(['none', 'headers', 'none']);
    const panel = panelOf(hub);
    expect(told).toEqual(['none', 'headers', 'none', 'all']);
    panel.port.close();
    await sleep(120);
    expect(told).toEqual(['none', 'headers', 'none', 'all', 'none']);

    // An EventSource open when the worker stopped keeps the full headers in the restarted one.
    bridge.send([{ ...create, sid: 3 }]);
    await sleep(120);
    store.stop();
    const restarted = await startHub(factory);
    const afterRestart: string[] = [];
    restarted.hub.onNetworkDetail((d) => afterRestart.push(asked(d)));
    expect(afterRestart).toEqual(['all']); // not loaded yet
    await restarted.started;
    await sleep(120);
    expect(afterRestart).toEqual(['all', 'headers']);
    // The tab navigates: the old page's EventSource is gone with its document.
    restarted.hub.resetTab(TAB, Date.now(), 'http://127.0.0.1/next');
    await sleep(120);
    expect(afterRestart).toEqual(['all', 'headers', 'none']);
  });
});
