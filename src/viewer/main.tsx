// The viewer: the panel's UI as a page of its own, no extension needed. It opens a capture
// (or a HAR, or a raw text/event-stream) by the toolbar's import button or a file dropped on
// it. Built into one self-contained HTML file (vite.viewer.config.ts), so it works from a
// local file or any static host.
import { render } from 'preact';
import { App } from '../devtools/panel/App';
import { PanelStore, parseView } from '../devtools/panel/store';
import { parseSettings, type Settings } from '../shared/settings';
import { version } from '../../package.json';

document.documentElement.classList.toggle('theme-dark', matchMedia('(prefers-color-scheme: dark)').matches);

const VIEW_KEY = 'sse-inspector-viewer:view';
const SETTINGS_KEY = 'sse-inspector-viewer:settings';
/** localStorage is refused to some file:// pages: the viewer then just does not remember. */
const stored = (key: string): unknown => {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null');
  } catch {
    return null;
  }
};
const remember = (key: string, value: unknown) => {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Not remembered: see above.
  }
};

const savedView = stored(VIEW_KEY);
const store = new PanelStore(parseView(typeof savedView === 'object' && savedView !== null ? (savedView as Record<string, unknown>) : {}), (view) =>
  remember(VIEW_KEY, { ...view, selectedStream: null, selectedEvent: null }),
);
store.setSettings(parseSettings(stored(SETTINGS_KEY)));
// What the viewer holds, for the browser tests.
Object.assign(globalThis, { sseInspectorStore: store });

const onSettings = async (settings: Settings) => {
  remember(SETTINGS_KEY, settings);
  store.setSettings(settings);
};
const exportEnv = () => ({ now: new Date(), tool: `SSE Inspector viewer ${version}`, userAgent: navigator.userAgent });
render(<App store={store} onSettings={onSettings} exportEnv={exportEnv} />, document.getElementById('app')!);
