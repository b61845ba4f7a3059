// The bridge: runs in the ISOLATED world of every frame. It takes the page hook's private
// channel, validates everything that comes over it (the page is untrusted), and forwards it to
// the background in numbered batches, keeping each until the background acknowledges it, so
// that a background restarted mid-stream gets it again.
import type { Runtime } from 'webextension-polyfill';
import { PORT_NAMES, PROTOCOL_VERSION, parsePageBatch, type BridgeAck, type BridgeBatch, type DocInfo } from '../shared/protocol';
import { acceptChannel } from './channel';

const doc: DocInfo = {
  id: Math.random().toString(36).slice(2, 10) + Date.now().toString(36),
  url: location.href,
  top: window === window.top,
};

// The bridge runs at the start of every frame of every page, so it does without
// webextension-polyfill (most of its code to parse each time): it uses a runtime port only, which
// is the same in both browsers.
const { runtime } = ((globalThis as { browser?: unknown }).browser ?? (globalThis as { chrome?: unknown }).chrome) as { runtime: Runtime.Static };

const outbox: BridgeBatch[] = [];
let nextSeq = 1;
let port: Runtime.Port | undefined;

function connect(): Runtime.Port {
  const p = runtime.connect({ name: PORT_NAMES.bridge });
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

/** Checks a batch of the page hook and sends it on, numbered. */
function forward(data: unknown): void {
  const parsed = parsePageBatch(data);
  if (!parsed) return send({ kind: 'batch', v: PROTOCOL_VERSION, doc, seq: nextSeq++, records: [], invalid: 1 });
  if (parsed.records.length === 0 && parsed.invalid === 0) return;
  send({ kind: 'batch', v: PROTOCOL_VERSION, doc, seq: nextSeq++, records: parsed.records, invalid: parsed.invalid });
}

// The page hook sends its batches when the page is idle (see emitter.ts), so each is checked and
// sent on at once.
acceptChannel(forward);
