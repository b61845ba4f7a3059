// Routes messages between the bridges (writers) and the panels (readers) of each tab.
import type { Runtime } from 'webextension-polyfill';
import { PORT_NAMES, PROTOCOL_VERSION, type BridgeAck, type BridgeBatch, type PanelSubscribe, type ToPanel } from '../shared/protocol';
import type { NetworkAttempt } from './network';
import { TabLog } from './tab-log';

/** Panels get changes at most this often: a firehose becomes a few messages a second. */
const PUSH_INTERVAL_MS = 50;

export class Hub {
  private readonly logs = new Map<number, TabLog>();
  private readonly panels = new Map<number, Set<Runtime.Port>>();
  private readonly pushTimers = new Map<number, ReturnType<typeof setTimeout>>();

  connect(port: Runtime.Port): void {
    if (port.name === PORT_NAMES.bridge) this.connectBridge(port);
    else if (port.name === PORT_NAMES.panel) this.connectPanel(port);
    else port.disconnect();
  }

  /** A new page committed in the tab at `at`: its capture starts afresh. */
  resetTab(tabId: number, at: number): void {
    const old = this.logs.get(tabId);
    if (!old) return;
    const log = old.nextPage(at);
    this.logs.set(tabId, log);
    log.takeDelta(); // The snapshot below carries it all.
    for (const panel of this.panels.get(tabId) ?? []) post(panel, log.snapshot());
  }

  /** What the network saw of an SSE request of a tab. */
  applyNetwork(attempt: NetworkAttempt): void {
    this.logOf(attempt.tabId).applyNetwork(attempt);
    this.schedulePush(attempt.tabId);
  }

  removeTab(tabId: number): void {
    this.logs.delete(tabId);
    clearTimeout(this.pushTimers.get(tabId));
    this.pushTimers.delete(tabId);
  }

  private logOf(tabId: number): TabLog {
    let log = this.logs.get(tabId);
    if (!log) this.logs.set(tabId, (log = new TabLog(tabId)));
    return log;
  }

  private connectBridge(port: Runtime.Port): void {
    const tabId = port.sender?.tab?.id;
    const frameId = port.sender?.frameId ?? 0;
    if (tabId === undefined) return port.disconnect();
    port.onMessage.addListener((msg: unknown) => {
      const batch = msg as BridgeBatch;
      if (batch?.kind !== 'batch' || batch.v !== PROTOCOL_VERSION) return;
      // The log skips a batch it already applied (resent on a new port when an ack was lost).
      if (this.logOf(tabId).applyBatch({ doc: batch.doc, frameId }, batch.seq, batch.records, batch.invalid)) this.schedulePush(tabId);
      const ack: BridgeAck = { kind: 'ack', seq: batch.seq };
      port.postMessage(ack);
    });
  }

  private connectPanel(port: Runtime.Port): void {
    let tabId: number | undefined;
    port.onMessage.addListener((msg: unknown) => {
      const sub = msg as PanelSubscribe;
      if (sub?.kind !== 'subscribe' || sub.v !== PROTOCOL_VERSION || !Number.isInteger(sub.tabId)) return;
      tabId = sub.tabId;
      // Others get what is pending first, so the new panel's snapshot and later deltas don't overlap.
      this.push(tabId);
      let set = this.panels.get(tabId);
      if (!set) this.panels.set(tabId, (set = new Set()));
      set.add(port);
      post(port, this.logOf(tabId).snapshot());
    });
    port.onDisconnect.addListener(() => {
      if (tabId !== undefined) this.panels.get(tabId)?.delete(port);
    });
  }

  private schedulePush(tabId: number): void {
    if (this.pushTimers.has(tabId)) return;
    this.pushTimers.set(
      tabId,
      setTimeout(() => this.push(tabId), PUSH_INTERVAL_MS),
    );
  }

  private push(tabId: number): void {
    clearTimeout(this.pushTimers.get(tabId));
    this.pushTimers.delete(tabId);
    const delta = this.logs.get(tabId)?.takeDelta();
    if (!delta) return;
    for (const panel of this.panels.get(tabId) ?? []) post(panel, delta);
  }
}

function post(port: Runtime.Port, msg: ToPanel): void {
  try {
    port.postMessage(msg);
  } catch {
    // The panel closed between our lookup and this post; its onDisconnect removes it.
  }
}
