// Starts Debian's Chromium or Firefox ESR with the built extension installed. Shared by
// `npm start` and the browser tests. No browser is ever downloaded: set CHROME_PATH or
// FIREFOX_PATH to use another installed one.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Target } from 'puppeteer-core';
import { FIREFOX_ID } from '../manifest.config';

export type BrowserName = 'chromium' | 'firefox';

/** The built extensions; SSE_DIST points elsewhere (e.g. a build of another work tree). */
const distRoot = process.env.SSE_DIST ?? 'dist';
export const DIST = { chromium: resolve(distRoot, 'chrome'), firefox: resolve(distRoot, 'firefox') };

/** Fixed by the manifest's `key`. */
export const CHROME_EXTENSION_ID = 'abejhokajfbhhddnepckamndjhfjleff';

/** Our extension's service worker (the background) in Chromium. */
export const isExtensionWorker = (t: Target) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${CHROME_EXTENSION_ID}/`);

/** Fixed through the `extensions.webextensions.uuids` preference. */
export const FIREFOX_EXTENSION_UUID = '5e1f0b6c-7d1a-4c3e-9a53-2f6d9c8b1e47';

export interface Launched {
  browser: Browser;
  name: BrowserName;
  headless: boolean;
  /** Origin of the extension's pages, e.g. chrome-extension://<id>; undefined without it. */
  extensionOrigin: string | undefined;
  close(): Promise<void>;
}

export interface LaunchOptions {
  headless?: boolean;
  /** Open DevTools with every tab (Chromium) or the first (Firefox). */
  devtools?: boolean;
  /** false: the same browser without the extension, for with/without comparisons. */
  extension?: boolean;
  /** A dark system theme: DevTools (and so the panel) follow it. */
  dark?: boolean;
  /** Downloads go to this folder, without asking. */
  downloads?: string;
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  // Without these Chromium keeps calling hosts that a closed network refuses.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launch(name: BrowserName, options: LaunchOptions = {}): Promise<Launched> {
  return name === 'chromium' ? launchChromium(options) : launchFirefox(options);
}

async function launchChromium({ headless = true, devtools = false, extension = true, dark = false, downloads }: LaunchOptions): Promise<Launched> {
  const profile = mkdtempSync(join(tmpdir(), 'sse-inspector-chromium-'));
  if (downloads) {
    // Without this Chromium asks before a page's second download (and the test waits forever).
    mkdirSync(join(profile, 'Default'));
    const prefs = { profile: { default_content_setting_values: { automatic_downloads: 1 } }, download: { default_directory: downloads, prompt_for_download: false } };
    writeFileSync(join(profile, 'Default', 'Preferences'), JSON.stringify(prefs));
  }
  const dist = DIST.chromium;
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless,
    devtools,
    handleDevToolsAsPage: devtools,
    userDataDir: profile,
    defaultViewport: null,
    ignoreDefaultArgs: extension ? ['--disable-extensions'] : [],
    args: [
      ...CHROMIUM_ARGS,
      '--window-size=1400,900',
      ...(dark ? ['--force-dark-mode'] : []),
      ...(extension ? [`--disable-extensions-except=${dist}`, `--load-extension=${dist}`] : []),
    ],
  });
  if (extension) {
    await browser.waitForTarget(isExtensionWorker);
  }
  if (downloads) await (await browser.target().createCDPSession()).send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
  return {
    browser,
    name: 'chromium',
    headless,
    extensionOrigin: extension ? `chrome-extension://${CHROME_EXTENSION_ID}` : undefined,
    close: async () => {
      await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

async function launchFirefox({ headless = true, devtools = false, extension = true, dark = false, downloads }: LaunchOptions): Promise<Launched> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    headless,
    defaultViewport: null,
    // Lets the tests open moz-extension:// pages.
    args: ['--remote-allow-system-access', ...(devtools && !headless ? ['--devtools'] : [])],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ID]: FIREFOX_EXTENSION_UUID }),
      ...(dark ? { 'ui.systemUsesDarkTheme': 1, 'devtools.theme': 'dark' } : {}),
      ...(downloads
        ? { 'browser.download.folderList': 2, 'browser.download.dir': downloads, 'browser.download.useDownloadDir': true, 'browser.download.always_ask_before_handling_new_types': false }
        : {}),
    },
  });
  if (extension) await browser.installExtension(DIST.firefox);
  return {
    browser,
    name: 'firefox',
    headless,
    extensionOrigin: extension ? `moz-extension://${FIREFOX_EXTENSION_UUID}` : undefined,
    close: () => browser.close().catch(() => undefined),
  };
}

/**
 * Evaluates `expression` with Firefox's own privileges (its chrome context, over WebDriver
 * BiDi; --remote-allow-system-access allows it) and returns the value it resolves to.
 */
export async function evaluateInFirefoxChrome(browser: Browser, expression: string): Promise<unknown> {
  // puppeteer's BiDi browser has its connection, not in its public types.
  const connection = (browser as unknown as { connection: BidiConnection }).connection;
  const tree = (await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' })).result as { contexts: { context: string }[] };
  const context = tree.contexts[0]?.context;
  if (!context) throw new Error('no chrome window over WebDriver BiDi (is --remote-allow-system-access set?)');
  const { result } = await connection.send('script.evaluate', { expression, target: { context }, awaitPromise: true });
  const r = result as { type: string; result?: { value?: unknown }; exceptionDetails?: { text?: string } };
  if (r.type !== 'success') throw new Error(`chrome-context script failed: ${r.exceptionDetails?.text ?? JSON.stringify(r)}`);
  return r.result?.value;
}

interface BidiConnection {
  send(method: string, params: object): Promise<{ result: unknown }>;
}
