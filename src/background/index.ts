// The background: one TabLog per tab, fed by the bridges of that tab's frames, read by the
// DevTools panels inspecting that tab, and told by webRequest what the network saw. Wiring
// only; the logic is in tab-log.ts, hub.ts and network.ts.
import browser from 'webextension-polyfill';
import { Hub } from './hub';
import { NetworkObserver, listen } from './network';

const hub = new Hub();

browser.runtime.onConnect.addListener((port) => hub.connect(port));

// A new top-level document is a new page: its capture starts afresh.
browser.webNavigation.onCommitted.addListener(({ tabId, frameId, timeStamp }) => {
  if (frameId === 0) hub.resetTab(tabId, timeStamp);
});

browser.tabs.onRemoved.addListener((tabId) => hub.removeTab(tabId));

listen(browser.webRequest, new NetworkObserver((attempt) => hub.applyNetwork(attempt)));
