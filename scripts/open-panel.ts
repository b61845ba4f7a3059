// Opening the SSE panel on a page, for `npm start` and the browser tests.
// Chromium: the real DevTools panel, selected through DevTools internals (module paths and
// classes of DevTools' front end), kept here in one place.
// Firefox: the panel page opened as a tab for the page's tab (the DOM of Firefox's DevTools
// panels is not reachable from outside).
import type { Browser, Frame, Page, Target } from 'puppeteer-core';
import { CHROME_EXTENSION_ID, type Launched } from './launch';

export const PANEL_PATH = '/src/devtools/panel/panel.html';
// DevTools can take long to start on a loaded 2-core machine.
const TIMEOUT_MS = 40_000;

/** Opens the SSE panel inspecting `page` and returns the frame the panel runs in. */
export async function openPanel(launched: Launched, page: Page): Promise<Frame> {
  return launched.name === 'chromium'
    ? showDevToolsPanel(launched.browser, page, launched.headless)
    : openPanelTab(launched, await tabIdOf(launched, page));
}

/**
 * With DevTools opened by `launch(..., { devtools: true })`: shows the SSE panel in the
 * DevTools window inspecting `page`, and returns the frame the panel runs in.
 */
async function showDevToolsPanel(browser: Browser, page: Page, headless: boolean): Promise<Frame> {
  const devtools = await poll(() => findDevTools(browser, page.url()), `DevTools for ${page.url()}`);
  // Headless (tests, screenshots): undocked and sized, DevTools takes the whole window instead
  // of leaving room for a page nobody sees. With a window, DevTools stays where the user has it.
  if (headless) await devtools.setViewport({ width: 1100, height: 640 });
  // Source text, not functions: a test runner would rewrite import() inside a function.
  // Repeated until the panel is there: our extension may not have added it yet.
  const showPanel = async () => {
    await devtools
      .evaluate(`(async () => {
        const UI = await import('devtools://devtools/bundled/ui/legacy/legacy.js');
        if (${headless}) UI.DockController.DockController.instance().setDockSide('undocked');
        await UI.InspectorView.InspectorView.instance().showPanel('chrome-extension://${CHROME_EXTENSION_ID}SSE');
      })()`)
      .catch(() => undefined);
    return devtools.frames().find((f) => f.url().includes(PANEL_PATH));
  };
  // Now and then (three times in a day of test runs on this loaded machine) a DevTools window never
  // gets the extension's panel; reloading DevTools loads the extensions' DevTools pages again.
  let frame = await poll(showPanel, 'the SSE panel in DevTools', TIMEOUT_MS / 2).catch(() => undefined);
  if (!frame) {
    const tabs = await devtools
      .evaluate(`import('devtools://devtools/bundled/ui/legacy/legacy.js').then((UI) => UI.InspectorView.InspectorView.instance().tabbedPane.tabIds().join(', '))`)
      .catch((e: Error) => e.message);
    console.warn(`open-panel: no SSE panel in DevTools after ${TIMEOUT_MS / 2} ms (its panels: ${String(tabs)}); reloading DevTools`);
    await devtools.reload().catch(() => undefined);
    frame = await poll(showPanel, 'the SSE panel in DevTools, after reloading DevTools', TIMEOUT_MS / 2);
  }
  await frame.waitForSelector('[data-testid="summary"]', { timeout: TIMEOUT_MS });
  return frame;
}

async function openPanelTab(launched: Launched, tabId: number): Promise<Frame> {
  const page = await launched.browser.newPage();
  await gotoExtensionPage(page, `${launched.extensionOrigin}${PANEL_PATH}?tabId=${tabId}`);
  await page.waitForSelector('[data-testid="summary"]', { timeout: TIMEOUT_MS });
  return page.mainFrame();
}

/**
 * Firefox may never settle a navigation to a moz-extension:// page: start it and poll, from
 * here (a wait inside the page fails when the navigation replaces it).
 */
export async function gotoExtensionPage(page: Page, url: string): Promise<void> {
  void page.goto(url).catch(() => undefined);
  await poll(
    async () => ((await page.evaluate((u: string) => location.href === u && document.readyState !== 'loading', url).catch(() => false)) ? true : undefined),
    url,
  );
}

/** The browser's tab id of `page`, asked of an extension page. */
export async function tabIdOf(launched: Launched, page: Page): Promise<number> {
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

/** One page per DevTools target: attaching anew on every poll is slow. */
const devtoolsPages = new WeakMap<Target, Promise<Page>>();

/** The DevTools window whose inspected page is at `url`. */
async function findDevTools(browser: Browser, url: string): Promise<Page | undefined> {
  for (const target of browser.targets().filter((t) => t.url().startsWith('devtools://'))) {
    if (!devtoolsPages.has(target)) devtoolsPages.set(target, target.asPage());
    const devtools = await devtoolsPages.get(target)!;
    const inspected = await devtools
      .evaluate(`(async () => {
        const SDK = await import('devtools://devtools/bundled/core/sdk/sdk.js');
        return SDK.TargetManager.TargetManager.instance().primaryPageTarget()?.inspectedURL();
      })()`)
      .catch(() => undefined);
    if (inspected === url) return devtools;
  }
  return undefined;
}

async function poll<T>(probe: () => Promise<T | undefined>, what: string, timeout = TIMEOUT_MS): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
