/// <reference types="vite/client" />
// Routes messages between the bridges (writers) and the panels (readers) of each tab, and keeps
// the logs in storage. Changes are flushed every PUSH_INTERVAL_MS: written in one transaction,
// and only once that committed are the bridges' batches acknowledged and the panels told. So a
// background stopped at any moment restarts with what it acknowledged, and the bridges resend
// the rest (applied once: TabLog.applyBatch).
import type { Runtime } from 'webextension-polyfill';
import { PORT_NAMES, PROTOCOL_VERSION, type BridgeAck, type BridgeBatch, type FromPanel, type ToPanelWire } from '../shared/protocol';
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings';
import { NO_STORE, type LogStore, type TabSave } from './log-store';
import type { NetworkAttempt, NetworkDetail } from './network';
import { TabLog, limitsOf } from './tab-log';

/** Panels get changes at most this often: a firehose becomes a few messages a second. */
const PUSH_INTERVAL_MS = 50;
/** After a failed write, the next one waits this long. */
const RETRY_INTERVAL_MS = 1000;

interface Ack {
  port: Runtime.Port;
  seq: number;
}

/** One tab's flushed changes: written first, then acknowledged and sent. */
interface Outgoing {
  save: TabSave | null;
  message: ToPanelWire | null;
  /** The panels subscribed when the changes were taken (a later one gets them in its snapshot). */
  recipients: Runtime.Port[];
  acks: Ack[];
}

export class Hub {
  private readonly logs = new Map<number, TabLog>();
  private readonly panels = new Map<number, Set<Runtime.Port>>();
  private settings: Settings = DEFAULT_SETTINGS;
  /** Inputs that arrived before the stored logs were loaded, in arrival order; null once loaded. */
  private waiting: (() => void)[] | null = [];
  /** Tabs with changes not flushed yet, and the batches to acknowledge once they are. */
  private readonly dirty = new Map<number, Ack[]>();
  /** Tabs whose next write rewrites their whole log (after a failed write). */
  private readonly rewrite = new Set<number>();
  private readonly removedTabs: number[] = [];
  /**
   * Tabs closed while this worker ran: what still comes for them (an aborted request's network
   * report, a page's last batch) must not make a log again. Tab ids are not reused in a session.
   */
  private readonly closedTabs = new Set<number>();
  private staged: Outgoing[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing = false;
  private lastWriteFailed = false;
  private store: LogStore = NO_STORE;
  /** What is asked of the network beyond what it gives every listener (see onNetworkDetail). */
  private detail: NetworkDetail = { headers: true, bodySizes: true };
  private setNetworkDetail: (detail: NetworkDetail) => void = () => undefined;

  /**
   * `eventsAsJson` (Firefox): the panels get new events as the JSON text written to storage (see
   * ToPanelWire); Firefox's structured clone of the records was a fifth of the extension
   * process's work under a firehose. Chrome writes every message as JSON anyway, so there the
   * records go as they are.
   */
  constructor(private readonly eventsAsJson = import.meta.env.MODE === 'firefox') {}

  /**
   * Restores the stored logs, keeping those of the tabs that `liveTabs` says still exist,
   * then handles what arrived meanwhile.
   */
  async start(store: LogStore, settings: Settings, liveTabs: (ids: number[]) => Promise<Set<number>>): Promise<void> {
    this.store = store;
    this.settings = settings;
    const stored = await this.store.load().catch((error: unknown) => {
      console.error('SSE Inspector: the stored capture could not be read', error);
      return [];
    });
    const live = await liveTabs(stored.map((t) => t.meta.tabId)).catch(() => new Set<number>());
    for (const { meta, streams, events, archived } of stored) {
      try {
        if (!live.has(meta.tabId)) throw new Error('the tab is gone');
        this.logs.set(meta.tabId, TabLog.restore(meta, streams, events, limitsOf(settings), archived));
      } catch (error) {
        // A tab that is gone, or whose stored log does not restore (damaged, or from another version): dropped.
        if (live.has(meta.tabId)) console.error(`SSE Inspector: the stored capture of tab ${meta.tabId} could not be restored`, error);
        this.removedTabs.push(meta.tabId);
      }
    }
    if (this.removedTabs.length > 0) this.schedule();
    const waiting = this.waiting ?? [];
    this.waiting = null;
    for (const input of waiting) input();
    this.updateNetworkDetail();
  }

  /**
   * `set` is told what to ask of the network beyond what it gives every listener, which in
   * Chrome costs every request of every tab (network.ts NetworkDetail): all of it while a
   * panel is open; the full headers also while a page has an EventSource not closed (its
   * reconnects send Last-Event-ID). All of it until the stored logs are loaded.
   */
  onNetworkDetail(set: (detail: NetworkDetail) => void): void {
    this.setNetworkDetail = set;
    set(this.detail);
  }

  get networkDetail(): NetworkDetail {
    return { ...this.detail };
  }

  /**
   * A new panel or EventSource (`added`) asks at once (an EventSource may reconnect soon);
   * what is no longer needed stops at the next flush.
   */
  private updateNetworkDetail(added?: 'panel' | 'eventsource'): void {
    if (this.waiting) return;
    const panel = added === 'panel' || [...this.panels.values()].some((set) => set.size > 0);
    const headers = panel || added === 'eventsource' || [...this.logs.values()].some((log) => log.hasOpenEventSource());
    if (headers === this.detail.headers && panel === this.detail.bodySizes) return;
    this.detail = { headers, bodySizes: panel };
    this.setNetworkDetail(this.detail);
  }

  connect(port: Runtime.Port): void {
    if (port.name === PORT_NAMES.bridge) this.connectBridge(port);
    else if (port.name === PORT_NAMES.panel) this.connectPanel(port);
    else port.disconnect();
  }

  /** A new page committed in the tab at `at`: its capture starts afresh, unless the log is preserved. */
  resetTab(tabId: number, at: number, url: string): void {
    this.run(() => {
      const old = this.logs.get(tabId);
      if (!old) return;
      const log = old.nextPage(at, url, this.settings.preserveLog);
      if (log === old) this.markDirty(tabId);
      else this.replaceLog(tabId, log);
    });
  }

  /** A tab's log starts afresh as `log`: stored whole, and panels get its snapshot. */
  private replaceLog(tabId: number, log: TabLog): void {
    this.stage(tabId); // what the old log still owes: acknowledgements
    this.logs.set(tabId, log);
    this.stage(tabId, true);
  }

  /** What the network saw of an SSE request of a tab. */
  applyNetwork(attempt: NetworkAttempt): void {
    this.run(() => {
      if (this.closedTabs.has(attempt.tabId)) return;
      this.logOf(attempt.tabId).applyNetwork(attempt);
      this.markDirty(attempt.tabId);
    });
  }

  removeTab(tabId: number): void {
    this.run(() => {
      this.closedTabs.add(tabId);
      this.logs.delete(tabId);
      this.dirty.delete(tabId);
      this.removedTabs.push(tabId);
      this.schedule();
    });
  }

  /** New settings: the bounds apply to every log at once. */
  setSettings(settings: Settings): void {
    this.run(() => {
      this.settings = settings;
      for (const [tabId, log] of this.logs) {
        log.setLimits(limitsOf(settings));
        this.markDirty(tabId);
      }
    });
  }

  /** Runs an input now, or once the stored logs are loaded. */
  private run(input: () => void): void {
    if (this.waiting) this.waiting.push(input);
    else input();
  }

  private logOf(tabId: number): TabLog {
    let log = this.logs.get(tabId);
    if (!log) this.logs.set(tabId, (log = new TabLog(tabId, limitsOf(this.settings))));
    return log;
  }

  private connectBridge(port: Runtime.Port): void {
    const tabId = port.sender?.tab?.id;
    const frameId = port.sender?.frameId ?? 0;
    if (tabId === undefined) return port.disconnect();
    port.onMessage.addListener((msg: unknown) => {
      const batch = msg as BridgeBatch;
      if (batch?.kind !== 'batch' || batch.v !== PROTOCOL_VERSION) return;
      this.run(() => {
        if (this.closedTabs.has(tabId)) return post(port, { kind: 'ack', seq: batch.seq });
        // The log skips a batch it already applied (resent after a restart or a lost ack);
        // it is acknowledged again all the same.
        this.logOf(tabId).applyBatch({ doc: batch.doc, frameId }, batch.seq, batch.records, batch.invalid);
        this.markDirty(tabId, { port, seq: batch.seq });
        if (!this.detail.headers && batch.records.some((r) => r.k === 'create')) this.updateNetworkDetail('eventsource');
      });
    });
  }

  private connectPanel(port: Runtime.Port): void {
    let tabId: number | undefined;
    port.onMessage.addListener((msg: unknown) => {
      const sub = msg as FromPanel;
      // A keepalive needs no answer: receiving it is what keeps the service worker running.
      if (sub?.kind === 'clear' && Number.isInteger(sub.tabId)) {
        return this.run(() => {
          const log = this.logs.get(sub.tabId);
          if (log) this.replaceLog(sub.tabId, log.clear());
        });
      }
      if (sub?.kind !== 'subscribe' || sub.v !== PROTOCOL_VERSION || !Number.isInteger(sub.tabId)) return;
      this.run(() => {
        tabId = sub.tabId;
        // What is pending goes to the other panels; this one gets it all in its snapshot.
        this.stage(tabId);
        let set = this.panels.get(tabId);
        if (!set) this.panels.set(tabId, (set = new Set()));
        set.add(port);
        this.updateNetworkDetail('panel');
        // A tab with no capture yet gets an empty one, not kept: its first records will make it.
        post(port, (this.logs.get(tabId) ?? new TabLog(tabId)).snapshot());
      });
    });
    port.onDisconnect.addListener(() => {
      if (tabId !== undefined) this.panels.get(tabId)?.delete(port);
      this.schedule(); // whose flush sees what the network must still be asked for
    });
  }

  private markDirty(tabId: number, ack?: Ack): void {
    let acks = this.dirty.get(tabId);
    if (!acks) this.dirty.set(tabId, (acks = []));
    if (ack) acks.push(ack);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.writing) return;
    this.timer = setTimeout(() => void this.flush(), this.lastWriteFailed ? RETRY_INTERVAL_MS : PUSH_INTERVAL_MS);
  }

  /** Takes a tab's changes (or, with `reset`, its whole log) into the next write. */
  private stage(tabId: number, reset = false): void {
    const acks = this.dirty.get(tabId) ?? [];
    this.dirty.delete(tabId);
    const log = this.logs.get(tabId);
    const recipients = [...(this.panels.get(tabId) ?? [])];
    if (!log) {
      if (acks.length > 0) this.staged.push({ save: null, message: null, recipients, acks });
      return;
    }
    let save: TabSave;
    let message: ToPanelWire | null;
    if (reset || this.rewrite.delete(tabId)) {
      const snapshot = log.snapshot();
      const delta = log.takeDelta();
      message = reset ? snapshot : delta;
      const archived = log.archivedStreams();
      save = { tabId, replace: true, meta: log.saveMeta(), streams: snapshot.streams, removedStreams: [], archived, events: snapshot.events };
    } else {
      const delta = log.takeDelta();
      message = delta;
      const changes = { streams: delta?.streams ?? [], removedStreams: delta?.removedStreams ?? [], events: delta?.events ?? [] };
      save = { tabId, replace: false, meta: log.saveMeta(), ...changes, archived: [] };
    }
    if (this.eventsAsJson && message && message.events === save.events && save.events.length > 0 && recipients.length > 0) {
      save.eventsJson = JSON.stringify(save.events);
      message = { ...message, events: [], eventsJson: save.eventsJson } satisfies ToPanelWire;
    }
    this.staged.push({ save, message, recipients, acks });
    this.schedule();
  }

  /** Writes what is staged and dirty, then acknowledges it and tells the panels; one write at a time. */
  private async flush(): Promise<void> {
    this.timer = undefined;
    this.updateNetworkDetail();
    this.writing = true;
    for (const tabId of [...this.dirty.keys()]) this.stage(tabId);
    const batch = this.staged;
    const removed = this.removedTabs.splice(0);
    this.staged = [];
    if (batch.length === 0 && removed.length === 0) {
      this.writing = false;
      return;
    }
    try {
      await this.store.save(batch.flatMap((o) => (o.save ? [o.save] : [])), removed);
      this.lastWriteFailed = false;
    } catch (error) {
      // Told, never silent: the panel shows the count. The next write of these tabs rewrites them whole.
      console.error('SSE Inspector: the capture could not be stored', error);
      this.lastWriteFailed = true;
      for (const tabId of new Set(batch.flatMap((o) => (o.save ? [o.save.tabId] : [])))) {
        this.rewrite.add(tabId);
        const log = this.logs.get(tabId);
        if (!log) continue;
        log.countUnsavedWrite();
        this.markDirty(tabId);
      }
    }
    for (const { message, recipients, acks } of batch) {
      for (const { port, seq } of acks) post(port, { kind: 'ack', seq } satisfies BridgeAck);
      if (message) for (const panel of recipients) post(panel, message);
    }
    this.writing = false;
    if (this.dirty.size > 0 || this.staged.length > 0 || this.removedTabs.length > 0) this.schedule();
  }
}

function post(port: Runtime.Port, msg: ToPanelWire | BridgeAck): void {
  try {
    port.postMessage(msg);
  } catch {
    // The other end went away after we took the port; its onDisconnect cleans up.
  }
}
