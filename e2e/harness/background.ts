// Stopping the extension's background on purpose, as the browser does when it is idle (or at
// any moment). Chromium: the service worker, through CDP (TESTING.md). Firefox: the background
// script, through the privileged code behind about:debugging's "Terminate background script"
// (WebDriver BiDi in the browser's chrome context, which --remote-allow-system-access allows).
import type { Page } from 'puppeteer-core';
import { FIREFOX_ID } from '../../manifest.config';
import { evaluateInFirefoxChrome, isExtensionWorker, type Launched } from '../../scripts/launch';

/** Stops the background now, and resolves once it is stopped. */
export async function stopBackground(launched: Launched, anyPage: Page): Promise<void> {
  if (launched.name === 'chromium') {
    const session = await anyPage.createCDPSession();
    try {
      await session.send('ServiceWorker.enable');
      await session.send('ServiceWorker.stopAllWorkers');
    } finally {
      // A session left attached can keep the next worker hanging in "starting".
      await session.detach().catch(() => undefined);
    }
    return;
  }
  const state = await evaluateInFirefoxChrome(
    launched.browser,
    `(async () => {
      const extension = WebExtensionPolicy.getByID(${JSON.stringify(FIREFOX_ID)}).extension;
      await extension.terminateBackground();
      return extension.backgroundState;
    })()`,
  );
  if (state !== 'stopped') throw new Error(`Firefox's background is ${String(state)} after terminateBackground()`);
}

/** Evaluates `expression` in Chromium's service worker (the background), starting it if it is stopped. */
export async function inChromiumWorker(launched: Launched, expression: string): Promise<unknown> {
  const target = await launched.browser.waitForTarget(isExtensionWorker);
  const worker = await target.worker();
  if (!worker) throw new Error('no service worker');
  return worker.evaluate(expression);
}

/** Whether the background runs (Firefox: its state; Chromium: a worker target exists). */
export async function backgroundRunning(launched: Launched): Promise<boolean> {
  if (launched.name === 'chromium') return launched.browser.targets().some(isExtensionWorker);
  const state = await evaluateInFirefoxChrome(launched.browser, `WebExtensionPolicy.getByID(${JSON.stringify(FIREFOX_ID)}).extension.backgroundState`);
  return state === 'running';
}
