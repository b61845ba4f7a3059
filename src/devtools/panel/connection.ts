// The panel's port to the background. It reconnects on its own when the background goes away
// (an MV3 service worker is stopped when idle, or at any moment) and then gets a fresh snapshot.
import browser, { type Runtime } from 'webextension-polyfill';
import { PORT_NAMES, PROTOCOL_VERSION, wireToPanel, type FromPanel, type ToPanel, type ToPanelWire } from '../../shared/protocol';

const RECONNECT_DELAY_MS = 100;
/** Chrome stops a service worker after 30 s without events; a message every 20 s keeps it. */
const KEEPALIVE_INTERVAL_MS = 20_000;

export interface BackgroundConnection {
  /** Sends on the current port (a message sent while reconnecting is lost: the user can repeat it). */
  send(msg: FromPanel): void;
}

export function connectToBackground(tabId: number, onMessage: (msg: ToPanel) => void): BackgroundConnection {
  let port: Runtime.Port;
  const send = (msg: FromPanel) => {
    try {
      port.postMessage(msg);
    } catch {
      // Disconnected: onDisconnect reconnects.
    }
  };
  const connect = () => {
    port = browser.runtime.connect({ name: PORT_NAMES.panel });
    const keepalive = setInterval(() => send({ kind: 'keepalive' }), KEEPALIVE_INTERVAL_MS);
    port.onMessage.addListener((msg: unknown) => onMessage(wireToPanel(msg as ToPanelWire)));
    port.onDisconnect.addListener(() => {
      clearInterval(keepalive);
      setTimeout(connect, RECONNECT_DELAY_MS);
    });
    send({ kind: 'subscribe', v: PROTOCOL_VERSION, tabId });
  };
  connect();
  return { send };
}
