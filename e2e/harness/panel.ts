// Reaching the SSE panel from a test, and reading what it shows.
// Chromium: the real DevTools panel (DevTools internals are touched here only).
// Firefox: the panel page opened as a tab for the inspected tab (its DevTools panel DOM is
// not reachable from a test).
import type { Frame, Page } from 'puppeteer-core';
import { CHROME_EXTENSION_ID, type Launched } from '../../scripts/launch';

export const PANEL_PATH = '/src/devtools/panel/panel.html';
const POLL = { polling: 100, timeout: 20_000 } as const;

/** Opens the SSE panel inspecting `page` and returns the frame the panel runs in. */
export async function openPanel(launched: Launched, page: Page): Promise<Frame> {
  return launched.name === 'chromium' ? openDevToolsPanel(launched, page) : openPanelTab(launched, await tabIdOf(launched, page));
}

async function openDevToolsPanel({ browser }: Launched, page: Page): Promise<Frame> {
  const devtools = await findDevTools(browser, page.url());
  // Source text, not a function: the test runner rewrites import() inside functions.
  await devtools.evaluate(`(async () => {
    const UI = await import('devtools://devtools/bundled/ui/legacy/legacy.js');
    await UI.InspectorView.InspectorView.instance().showPanel('chrome-extension://${CHROME_EXTENSION_ID}SSE');
  })()`);
  const frame = await waitFor(() => devtools.frames().find((f) => f.url().includes(PANEL_PATH)));
  await frame.waitForSelector('[data-testid="summary"]', { timeout: POLL.timeout });
  return frame;
}

/** The DevTools window (opened by `devtools: true`) whose inspected page is at `url`. */
async function findDevTools(browser: Launched['browser'], url: string): Promise<Page> {
  return waitFor(async () => {
    for (const t of browser.targets().filter((t) => t.url().startsWith('devtools://'))) {
      const dt = await t.asPage();
      const inspected = await dt
        .evaluate(`(async () => {
          const SDK = await import('devtools://devtools/bundled/core/sdk/sdk.js');
          return SDK.TargetManager.TargetManager.instance().primaryPageTarget()?.inspectedURL();
        })()`)
        .catch(() => undefined);
      if (inspected === url) return dt;
    }
    return undefined;
  });
}

async function openPanelTab(launched: Launched, tabId: number): Promise<Frame> {
  const page = await launched.browser.newPage();
  await gotoExtensionPage(page, `${launched.extensionOrigin}${PANEL_PATH}?tabId=${tabId}`);
  await page.waitForSelector('[data-testid="summary"]', { timeout: POLL.timeout });
  return page.mainFrame();
}

/** Firefox may never settle a navigation to a moz-extension:// page: start it and poll. */
export async function gotoExtensionPage(page: Page, url: string): Promise<void> {
  void page.goto(url).catch(() => undefined);
  await page.waitForFunction((u: string) => location.href === u && document.readyState !== 'loading', POLL, url);
}

/** The browser's tab id of `page`, asked of an extension page. */
async function tabIdOf(launched: Launched, page: Page): Promise<number> {
  const helper = await launched.browser.newPage();
  try {
    await gotoExtensionPage(helper, `${launched.extensionOrigin}${PANEL_PATH}?tabId=-1`);
    const url = page.url();
    return await helper.evaluate(async (u: string) => {
      const tabs: { id: number; url?: string }[] = await (globalThis as any).browser.tabs.query({});
      const tab = tabs.find((t) => t.url === u);
      if (!tab) throw new Error(`no tab at ${u}`);
      return tab.id;
    }, url);
  } finally {
    await helper.close();
  }
}

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeout = POLL.timeout): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---- reading the panel -------------------------------------------------------------------

export interface StreamRow {
  id: string;
  url: string;
  state: string;
  events: number;
  attempts: number;
}

export interface EventRow {
  type: string;
  id: string;
  data: string;
}

export function readStreams(panel: Frame): Promise<StreamRow[]> {
  return panel.$$eval('[data-testid="stream"]', (rows) =>
    rows.map((r) => ({
      id: r.getAttribute('data-stream-id') ?? '',
      url: r.querySelector('.stream-url')?.getAttribute('title') ?? '',
      state: r.querySelector('[data-testid="stream-state"]')?.textContent ?? '',
      events: parseInt(r.querySelector('[data-testid="stream-events"]')?.textContent ?? '', 10),
      attempts: parseInt(r.querySelector('[data-testid="stream-attempts"]')?.textContent ?? '', 10),
    })),
  );
}

/** The event rows currently rendered (the table is virtualised: those in view). */
export function readEventRows(panel: Frame): Promise<EventRow[]> {
  return panel.$$eval('[data-testid="event-row"]', (rows) =>
    rows
      .map((r) => ({
        top: parseFloat((r as HTMLElement).style.top),
        type: r.querySelector('[data-testid="event-type"]')?.textContent ?? '',
        id: r.querySelector('[data-testid="event-id"]')?.textContent ?? '',
        data: r.querySelector('[data-testid="event-data"]')?.textContent ?? '',
      }))
      .sort((a, b) => a.top - b.top)
      .map(({ type, id, data }) => ({ type, id, data })),
  );
}

/** Waits until `predicate(streams)` holds in the panel, polling its DOM. */
export async function waitForStreams(panel: Frame, predicate: (streams: StreamRow[]) => boolean, timeout = POLL.timeout): Promise<StreamRow[]> {
  let last: StreamRow[] = [];
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    last = await readStreams(panel);
    if (predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`panel streams never matched; last seen: ${JSON.stringify(last)}`);
}

/** Clicks an element of the panel (by selector, optionally the one whose text includes `text`). */
export async function click(panel: Frame, selector: string, text?: string): Promise<void> {
  const done = await panel.$$eval(
    selector,
    (els, t) => {
      const el = els.find((e) => t === null || (e.textContent ?? '').includes(t));
      (el as HTMLElement | undefined)?.click();
      return el !== undefined;
    },
    text ?? null,
  );
  if (!done) throw new Error(`nothing to click at ${selector} ${text ?? ''}`);
}

/** The text of the first element at `selector`, once it is rendered. */
export async function textOf(panel: Frame, selector: string): Promise<string> {
  const el = await panel.waitForSelector(selector, { timeout: POLL.timeout });
  return el!.evaluate((e) => (e as HTMLElement).innerText);
}
