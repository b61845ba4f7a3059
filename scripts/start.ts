// npm start: builds the extension, serves the demo streams, and opens a browser with the
// extension installed and DevTools open on the demo page.
//   npm start                          Chromium, with a window
//   npm start -- --browser firefox     Firefox ESR
//   npm start -- --headless            no window: writes a screenshot of the panel and exits
//   npm start -- --port 8080 --screenshot panel.png [--dark]   (--dark: a dark system theme)
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'vite';
import { startDemoServer, type DemoServer } from '../demo/server';
import type { Page } from 'puppeteer-core';
import { launch } from './launch';
import { openPanel } from './open-panel';

const { values: args } = parseArgs({
  options: {
    browser: { type: 'string', default: 'chromium' },
    headless: { type: 'boolean', default: false },
    port: { type: 'string', default: '8080' },
    screenshot: { type: 'string' },
    dark: { type: 'boolean', default: false },
  },
});
const name = args.browser === 'firefox' ? 'firefox' : args.browser === 'chromium' || args.browser === 'chrome' ? 'chromium' : undefined;
if (!name) throw new Error(`--browser must be chromium or firefox, not ${args.browser}`);
if (!args.headless && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  console.error('No display found: run `npm start -- --headless` to get a screenshot of the panel instead.');
  process.exit(1);
}

await build({ mode: name === 'firefox' ? 'firefox' : 'chrome', logLevel: 'warn' });
const demo = await startDemo(Number(args.port));
const launched = await launch(name, { headless: args.headless, devtools: true, dark: args.dark });
const stop = async () => {
  await launched.close();
  await demo.close();
};

try {
  // Firefox opens its toolbox (--devtools) on the first tab; Chromium opens DevTools with each
  // new tab, and its first tab is replaced as DevTools attaches.
  const [first] = await launched.browser.pages();
  const page = name === 'firefox' && first ? first : await launched.browser.newPage();
  for (const blank of await launched.browser.pages()) if (blank !== page && blank.url() === 'about:blank') await blank.close();
  await page.goto(`${demo.url}all/`);
  console.log(`Demo streams: ${demo.url}  (the page in the browser: ${demo.url}all/)`);
  if (args.headless) {
    await screenshot(page, args.screenshot ?? `artifacts/panel-${name}.png`);
    await stop();
  } else {
    if (name === 'chromium') await openPanel(launched, page);
    else console.log('In the DevTools toolbox, choose the "SSE" tab.');
    console.log('Press Ctrl+C to stop.');
    launched.browser.on('disconnected', () => void demo.close().then(() => process.exit(0)));
    process.on('SIGINT', () => void stop().then(() => process.exit(0)));
  }
} catch (error) {
  await stop();
  throw error;
}

/** The demo on `port` if it is free, else on any free port. */
async function startDemo(port: number): Promise<DemoServer> {
  try {
    return await startDemoServer(port);
  } catch {
    return startDemoServer(0);
  }
}

/** Lets the scenarios run a few seconds (the one-shot stream reconnects every ~3 s), then shoots the panel. */
async function screenshot(page: Page, file: string): Promise<void> {
  const panel = await openPanel(launched, page);
  await new Promise((r) => setTimeout(r, 7000));
  // Show the one-shot stream's reconnect loop, attempt by attempt.
  await panel.$$eval('[data-testid="stream"]', (rows) => {
    (rows.find((r) => r.textContent?.includes('/1-oneshot/')) as HTMLElement | undefined)?.click();
  });
  await new Promise((r) => setTimeout(r, 300));
  mkdirSync(dirname(file), { recursive: true });
  // Chromium: the DevTools window (sized when the panel was shown); Firefox: the panel's tab.
  if (name === 'firefox') await panel.page().setViewport({ width: 1100, height: 640 });
  await panel.page().screenshot({ path: file as `${string}.png` });
  console.log(`Screenshot of the SSE panel: ${file}`);
}
