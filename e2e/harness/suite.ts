// What most browser suites set up: a ticker server and a browser with the extension and
// DevTools, for all the tests of a describe block; each test's pages closed after it.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launch, type BrowserName, type Launched, type LaunchOptions } from '../../scripts/launch';
import { Pages } from './pages';
import { startTicker, type Ticker } from './ticker';

export interface TickerSuite {
  /** Set by the time a test runs. */
  server: Ticker;
  launched: Launched;
  pages: Pages;
}

/** Call inside a describe block. `options` is read when the browser starts (after earlier beforeAll hooks). */
export function tickerSuite(name: BrowserName, options: () => LaunchOptions = () => ({})): TickerSuite {
  const suite = {} as TickerSuite;
  suite.pages = new Pages(() => suite.launched.browser);
  beforeAll(async () => {
    suite.server = await startTicker();
    suite.launched = await launch(name, { devtools: true, ...options() });
  });
  afterAll(async () => {
    await suite.launched?.close();
    await suite.server?.close();
  });
  afterEach(() => suite.pages.closeAll());
  return suite;
}
