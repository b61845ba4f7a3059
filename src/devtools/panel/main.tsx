// Entry of the panel page. In DevTools it inspects DevTools' tab; opened as an ordinary page
// (panel.html?tabId=N, as the Firefox tests do) it inspects tab N.
import { render } from 'preact';
import browser from 'webextension-polyfill';
import { App } from './App';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import { connectToBackground } from './connection';
import { loadSettings, saveSettings, watchSettings } from './settings-storage';
import { PanelStore, parseView, type ViewState } from './store';

const param = new URLSearchParams(location.search).get('tabId');
const tabId = param !== null ? Number(param) : browser.devtools.inspectedWindow.tabId;

const themeName = browser.devtools?.panels?.themeName;
const dark = themeName ? themeName === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
document.documentElement.classList.toggle('theme-dark', dark);

/**
 * How the user last looked at captures (filter, columns, widths…) and what they had selected in
 * this tab, kept in this extension's localStorage: a reloaded panel comes back as it was.
 */
const VIEW_KEY = 'sse-inspector:view';
const SELECTION_KEY = 'sse-inspector:selection';
const stored = (key: string): Record<string, unknown> => {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key) ?? '{}');
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};
const selection = stored(SELECTION_KEY);
const savedView = parseView({ ...stored(VIEW_KEY), ...(selection.tabId === tabId ? selection : {}) });
const saveView = ({ selectedStream, selectedEvent, ...prefs }: ViewState) => {
  localStorage.setItem(VIEW_KEY, JSON.stringify(prefs));
  localStorage.setItem(SELECTION_KEY, JSON.stringify({ tabId, selectedStream, selectedEvent }));
};

const store = new PanelStore(savedView, saveView);
// What the panel holds, for the browser tests (and a look from the panel's own console).
Object.assign(globalThis, { sseInspectorStore: store });
// While a file is shown the live capture goes on in the background; back to it, a snapshot.
const background = connectToBackground(tabId, (msg) => store.imported || store.apply(msg));
void loadSettings().then((s) => store.setSettings(s));
watchSettings((s) => store.setSettings(s));
const live = {
  onClear: () => background.send({ kind: 'clear', tabId }),
  onLive: () => background.send({ kind: 'subscribe', v: PROTOCOL_VERSION, tabId }),
};
const exportEnv = () => ({ now: new Date(), tool: `SSE Inspector ${browser.runtime.getManifest().version}`, userAgent: navigator.userAgent });
render(<App store={store} onSettings={saveSettings} exportEnv={exportEnv} live={live} />, document.getElementById('app')!);
