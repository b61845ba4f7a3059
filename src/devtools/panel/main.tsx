// Entry of the panel page. In DevTools it inspects DevTools' tab; opened as an ordinary page
// (panel.html?tabId=N, as the Firefox tests do) it inspects tab N.
import { render } from 'preact';
import browser from 'webextension-polyfill';
import { App } from './App';
import { connectToBackground } from './connection';
import { loadSettings, saveSettings, watchSettings } from './settings';
import { PanelStore } from './store';

const param = new URLSearchParams(location.search).get('tabId');
const tabId = param !== null ? Number(param) : browser.devtools.inspectedWindow.tabId;

const themeName = browser.devtools?.panels?.themeName;
const dark = themeName ? themeName === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
document.documentElement.classList.toggle('theme-dark', dark);

const store = new PanelStore();
// What the panel holds, for the browser tests (and a look from the panel's own console).
Object.assign(globalThis, { sseInspectorStore: store });
connectToBackground(tabId, (msg) => store.apply(msg));
void loadSettings().then((s) => store.setSettings(s));
watchSettings((s) => store.setSettings(s));
render(<App store={store} onSettings={saveSettings} />, document.getElementById('app')!);
