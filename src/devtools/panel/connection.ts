// The panel's port to the background. It reconnects on its own when the background goes away
// (an MV3 service worker is stopped when idle) and then gets a fresh snapshot.
import browser from 'webextension-polyfill';
import { PORT_NAMES, PROTOCOL_VERSION, type PanelSubscribe, type ToPanel } from '../../shared/protocol';

const RECONNECT_DELAY_MS = 100;

export function connectToBackground(tabId: number, onMessage: (msg: ToPanel) => void): void {
  const port = browser.runtime.connect({ name: PORT_NAMES.panel });
  port.onMessage.addListener((msg: unknown) => onMessage(msg as ToPanel));
  port.onDisconnect.addListener(() => setTimeout(() => connectToBackground(tabId, onMessage), RECONNECT_DELAY_MS));
  const subscribe: PanelSubscribe = { kind: 'subscribe', v: PROTOCOL_VERSION, tabId };
  port.postMessage(subscribe);
}
