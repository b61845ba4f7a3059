// The panel's port to the background. It reconnects on its own when the background goes away
// (an MV3 service worker is stopped when idle, or at any moment) and then gets a fresh snapshot.
import browser from 'webextension-polyfill';
import { PORT_NAMES, PROTOCOL_VERSION, type FromPanel, type ToPanel } from '../../shared/protocol';

const RECONNECT_DELAY_MS = 100;
/** Chrome stops a service worker after 30 s without events; a message every 20 s keeps it. */
const KEEPALIVE_INTERVAL_MS = 20_000;

export function connectToBackground(tabId: number, onMessage: (msg: ToPanel) => void): void {
  const port = browser.runtime.connect({ name: PORT_NAMES.panel });
  const send = (msg: FromPanel) => port.postMessage(msg);
  const keepalive = setInterval(() => send({ kind: 'keepalive' }), KEEPALIVE_INTERVAL_MS);
  port.onMessage.addListener((msg: unknown) => onMessage(msg as ToPanel));
  port.onDisconnect.addListener(() => {
    clearInterval(keepalive);
    setTimeout(() => connectToBackground(tabId, onMessage), RECONNECT_DELAY_MS);
  });
  send({ kind: 'subscribe', v: PROTOCOL_VERSION, tabId });
}
