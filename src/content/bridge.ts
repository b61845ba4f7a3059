/// <reference types="vite/client" />
// The bridge: runs in the ISOLATED world of every frame. It takes the page hook's private
// port, validates everything that comes over it (the page is untrusted), and forwards it to
// the background in numbered batches, keeping each until the background acknowledges it, so
// that a background restarted mid-stream gets it again.
import browser, { type Runtime } from 'webextension-polyfill';
import { PORT_NAMES, PROTOCOL_VERSION, parsePageBatch, type BridgeAck, type BridgeBatch, type DocInfo } from '../shared/protocol';
import { acceptPort } from './channel';

const doc: DocInfo = {
  id: Math.random().toString(36).slice(2, 10) + Date.now().toString(36),
  url: location.href,
  top: window === window.top,
};

const outbox: BridgeBatch[] = [];
let nextSeq = 1;
let port: Runtime.Port | undefined;

function connect(): Runtime.Port {
  const p = browser.runtime.connect({ name: PORT_NAMES.bridge });
  p.onMessage.addListener((msg: unknown) => {
    const ack = msg as BridgeAck;
    if (ack?.kind !== 'ack') return;
    while (outbox.length > 0 && outbox[0]!.seq <= ack.seq) outbox.shift();
  });
  // The background went away (an MV3 worker is stopped when idle): reconnect and resend.
  p.onDisconnect.addListener(() => {
    if (port !== p) return; // One we left already (see pageshow below).
    port = undefined;
    if (outbox.length > 0) send();
  });
  return p;
}

function send(batch?: BridgeBatch): void {
  const fresh = !port;
  port ??= connect();
  if (fresh) for (const b of outbox) port.postMessage(b);
  if (batch) {
    outbox.push(batch);
    port.postMessage(batch);
  }
}

// A document restored from the back/forward cache: Chrome closed our port when it entered the
// cache without telling this end (no onDisconnect), and posts on it are lost without an error.
// Start a new port, with what is still unacknowledged.
addEventListener('pageshow', (e) => {
  if (!e.isTrusted || !e.persisted || !port) return;
  const old = port;
  port = undefined;
  old.disconnect();
  if (outbox.length > 0) send();
});

// Chrome serializes an extension message (JSON) on the sender's thread, which is the page's:
// 6–7 ms per MB of body text, the largest part of what we cost a page reading a fast fetch
// stream. So batches leave when the page's thread is idle, or 50 ms after the first one waited
// (the same work, out of the page's way). A hidden page sends at once (its idle callbacks may be
// held back), and so does a page being left (pagehide), so nothing waits on a document that
// goes away.
const DEFER_MS = 50;
// Only in Chrome: the cost is its JSON, and in Firefox waiting measured no gain (fetch firehose
// 1.54–1.57× waiting, 1.31–1.61× sending at once, within its noise), so Firefox sends at once.
const DEFER = import.meta.env.MODE !== 'firefox';
let waiting: BridgeBatch[] = [];
let idleScheduled = false;
function sendWaiting(): void {
  idleScheduled = false;
  const batches = waiting;
  waiting = [];
  for (const b of batches) send(b);
}
function sendSoon(batch: BridgeBatch): void {
  waiting.push(batch);
  if (!DEFER || document.visibilityState === 'hidden') return sendWaiting();
  if (idleScheduled) return;
  idleScheduled = true;
  requestIdleCallback(sendWaiting, { timeout: DEFER_MS });
}
addEventListener('pagehide', (e) => {
  if (e.isTrusted && waiting.length > 0) sendWaiting();
});

acceptPort((pagePort) => {
  pagePort.onmessage = (e: MessageEvent) => {
    const parsed = parsePageBatch(e.data);
    if (!parsed) return sendSoon({ kind: 'batch', v: PROTOCOL_VERSION, doc, seq: nextSeq++, records: [], invalid: 1 });
    if (parsed.records.length === 0 && parsed.invalid === 0) return;
    sendSoon({ kind: 'batch', v: PROTOCOL_VERSION, doc, seq: nextSeq++, records: parsed.records, invalid: parsed.invalid });
  };
});
