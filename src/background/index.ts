// The background: one TabLog per tab, fed by the bridges of that tab's frames, read by the
// DevTools panels inspecting that tab, told by webRequest what the network saw, and kept in
// IndexedDB across restarts of the worker. Wiring only; the logic is in hub.ts, tab-log.ts,
// log-store.ts and network.ts. Listeners are added first and synchronously (a stopped worker
// is started for the event that woke it); the hub holds their inputs until its logs are loaded.
import browser from 'webextension-polyfill';
import { SETTINGS_KEY, parseSettings } from '../shared/settings';
import { Hub } from './hub';
import { IdbLogStore, NO_STORE, type LogStore } from './log-store';
import { NetworkObserver, listen } from './network';

/** Set in session storage by the first start of a browser session. */
const SESSION_MARK = 'session-started';

const hub = new Hub();
// For the browser tests (and a look from the worker's console).
Object.assign(globalThis, { sseInspectorHub: hub });

browser.runtime.onConnect.addListener((port) => hub.connect(port));

// A new top-level document is a new page.
browser.webNavigation.onCommitted.addListener(({ tabId, frameId, timeStamp, url }) => {
  if (frameId === 0) hub.resetTab(tabId, timeStamp, url);
});

browser.tabs.onRemoved.addListener((tabId) => hub.removeTab(tabId));

browser.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && SETTINGS_KEY in changes) hub.setSettings(parseSettings(changes[SETTINGS_KEY]!.newValue));
});

hub.onNetworkDetail(listen(browser.webRequest, new NetworkObserver((attempt) => hub.applyNetwork(attempt))));

void (async () => {
  // Unreadable settings are the defaults: the hub must start, or every input waits forever.
  const settings = parseSettings(await browser.storage.local.get(SETTINGS_KEY).then((got) => got[SETTINGS_KEY], () => undefined));
  await hub.start(await openStore(), settings, async (ids) => {
    const live = new Set<number>();
    for (const id of ids) if (await browser.tabs.get(id).then(() => true, () => false)) live.add(id);
    return live;
  });
})();

/** The log store; a new browser session (tab ids start over) begins with an empty one. */
async function openStore(): Promise<LogStore> {
  try {
    const fresh = (await browser.storage.session.get(SESSION_MARK))[SESSION_MARK] !== true;
    const opened = await IdbLogStore.open(indexedDB, fresh);
    if (fresh) await browser.storage.session.set({ [SESSION_MARK]: true });
    return opened;
  } catch (error) {
    console.error('SSE Inspector: no storage; the capture lives only as long as this worker', error);
    return NO_STORE;
  }
}
