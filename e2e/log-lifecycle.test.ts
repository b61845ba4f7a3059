// The life of a tab's log, seen in the panel: a reload or navigation starts a new page session
// (the old streams stay only with "Preserve log", marked with their page), the bounds the user
// sets drop the oldest events and say how many, and a closed tab's log is freed, in memory and
// in storage.
import type { Frame, Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import type { BrowserName } from '../scripts/launch';
import { gotoExtensionPage, PANEL_PATH, tabIdOf } from '../scripts/open-panel';
import { waitFor } from './harness/pages';
import { click, openWithPanel, readStreams, textOf, waitForStreams, waitForTexts } from './harness/panel';
import { tickerSuite } from './harness/suite';

const startStream = (n: number, every: number) => `
  window.got = 0;
  const es = new EventSource('/stream?n=${n}&every=${every}');
  es.onmessage = es.ontick = () => got++;
  es.addEventListener('tick', () => got++);
  es.addEventListener('done', () => { got++; es.close(); window.done = true; });
`;

/** Evaluated in the panel: what its store holds. */
const storeOf = (panel: Frame) =>
  panel.evaluate(() => {
    const s = (globalThis as any).sseInspectorStore;
    return { events: s.events.length as number, pages: s.pages as { n: number; url: string }[], settings: s.settings, counters: s.counters };
  });

describe.each<BrowserName>(['chromium', 'firefox'])('the log of a tab in %s', (name) => {
  const suite = tickerSuite(name);

  async function open(path: string): Promise<{ page: Page; panel: Frame }> {
    const { page, panel } = await openWithPanel(suite.launched, suite.pages, suite.server.url + path);
    // Settings live in storage.local: every test starts from the defaults.
    await panel.evaluate(() => ((globalThis as any).browser ?? (globalThis as any).chrome).storage.local.remove('settings'));
    await waitFor('default settings', () => storeOf(panel), (s) => s.settings.preserveLog === false && s.settings.maxEvents === 200_000);
    return { page, panel };
  }

  it('a reload starts a new page session: the old page’s streams go', async () => {
    const { page, panel } = await open('/first');
    await page.evaluate(startStream(1000, 20));
    const [before] = await waitForStreams(panel, (s) => s.length === 1 && s[0]!.events > 3);
    await page.reload();
    await page.evaluate(startStream(1000, 20));
    const [after] = await waitForStreams(panel, (s) => s.length === 1 && s[0]!.id !== before!.id && s[0]!.events > 0);
    expect(after!.url).toBe(`${suite.server.url}/stream?n=1000&every=20`);
    const { pages } = await storeOf(panel);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.n).toBeGreaterThanOrEqual(2);
    expect(await panel.$$('[data-testid="stream-page"]')).toHaveLength(0);
  });

  it('with Preserve log, a navigation keeps the old streams, marked with the page they came from', async () => {
    const { page, panel } = await open('/first');
    await click(panel, '[data-testid="preserve-log"]');
    await waitFor('preserve log on', () => storeOf(panel), (s) => s.settings.preserveLog === true);
    await page.evaluate(startStream(1000, 20));
    await waitForStreams(panel, (s) => s.length === 1 && s[0]!.events > 3);
    await page.goto(`${suite.server.url}/second`);
    await page.evaluate(startStream(1000, 20));
    await waitForStreams(panel, (s) => s.length === 2 && s[1]!.events > 0);
    // The old stream is marked with its page (the URL on hover); the new one is not.
    const marks = await panel.$$eval('[data-testid="stream"]', (rows) =>
      rows.map((r) => {
        const mark = r.querySelector('[data-testid="stream-page"]');
        return mark ? [mark.textContent, mark.getAttribute('title')] : null;
      }),
    );
    const { pages } = await storeOf(panel);
    expect(pages.map((p) => p.url)).toEqual([`${suite.server.url}/first`, `${suite.server.url}/second`]);
    expect(marks).toEqual([[`page ${pages[0]!.n}`, `From an earlier page: ${suite.server.url}/first`], null]);
    // Its detail says so too.
    await click(panel, '[data-testid="stream"]');
    expect(await textOf(panel, '[data-testid="stream-detail-page"]')).toContain(`${suite.server.url}/first`);
    // Off again: the next navigation clears both.
    await click(panel, '[data-testid="preserve-log"]');
    await waitFor('preserve log off', () => storeOf(panel), (s) => s.settings.preserveLog === false);
    await page.goto(`${suite.server.url}/third`);
    await waitForStreams(panel, (s) => s.length === 0);
  });

  it('the bounds set in Settings drop the oldest events, and the panel says how many', async () => {
    const { page, panel } = await open('/bounded');
    await click(panel, '[data-testid="settings-button"]');
    const input = (await panel.$('[data-testid="max-events"]'))!;
    await input.click({ count: 3 });
    await input.type('100');
    await click(panel, '[data-testid="settings-apply"]');
    await waitFor('max events 100', () => storeOf(panel), (s) => s.settings.maxEvents === 100);
    await page.evaluate(startStream(300, 2));
    await page.waitForFunction(() => (window as any).done === true, { polling: 100, timeout: 20_000 });
    // 300 events and `done`: the 201 oldest are dropped.
    const [dropped] = await waitForTexts(panel, '[data-testid="dropped"]', (t) => t[0]?.startsWith('201 ') === true);
    expect(dropped).toBe('201 older events dropped (memory limit)');
    const store = await waitFor('100 events kept', () => storeOf(panel), (s) => s.events === 100);
    expect(store.counters.droppedEvents).toBe(201);
    // The stream still counts everything it received.
    expect((await readStreams(panel))[0]!.events).toBe(301);
  });

  it('a closed tab’s log is freed, in memory and in storage', async () => {
    const { page, panel } = await open('/closing');
    await page.evaluate(startStream(1000, 20));
    await waitForStreams(panel, (s) => s.length === 1 && s[0]!.events > 3);
    const tabId = await tabIdOf(suite.launched, page);
    const helper = await suite.pages.open();
    await gotoExtensionPage(helper, `${suite.launched.extensionOrigin}${PANEL_PATH}?tabId=-1`);
    const storedTabs = () =>
      helper.evaluate(
        () =>
          new Promise<number[]>((resolve, reject) => {
            const open = indexedDB.open('sse-inspector');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const keys = open.result.transaction('tabs').objectStore('tabs').getAllKeys();
              keys.onsuccess = () => resolve(keys.result as number[]);
            };
          }),
      );
    await waitFor('the tab stored', storedTabs, (tabs) => tabs.includes(tabId));
    await page.close();
    await waitFor('the tab forgotten', storedTabs, (tabs) => !tabs.includes(tabId));
  });
});
