// The background: one TabLog per tab, fed by the bridges of that tab's frames, read by the
// DevTools panels inspecting that tab. Wiring only; the logic is in tab-log.ts and hub.ts.
import browser from 'webextension-polyfill';
import { Hub } from './hub';

const hub = new Hub();

browser.runtime.onConnect.addListener((port) => hub.connect(port));

// A new top-level document is a new page: its capture starts afresh.
browser.webNavigation.onCommitted.addListener(({ tabId, frameId }) => {
  if (frameId === 0) hub.resetTab(tabId);
});

browser.tabs.onRemoved.addListener((tabId) => hub.removeTab(tabId));
