// The page must never notice us: the same probes of EventSource's page-observable behaviour
// (e2e/probes/) run in the same browser with and without the extension, and every result
// must be identical.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../demo/server';
import { launch, type BrowserName } from '../scripts/launch';

const PROBE = readFileSync('e2e/probes/eventsource.js', 'utf8');

async function runProbe(name: BrowserName, extension: boolean, url: string): Promise<Record<string, unknown>> {
  const launched = await launch(name, { extension });
  try {
    const page = await launched.browser.newPage();
    await page.goto(url);
    return (await page.evaluate(PROBE)) as Record<string, unknown>;
  } finally {
    await launched.close();
  }
}

describe.each<BrowserName>(['chromium', 'firefox'])('EventSource transparency in %s', (name) => {
  let demo: DemoServer;
  let without: Record<string, unknown>;
  let withExtension: Record<string, unknown>;

  beforeAll(async () => {
    demo = await startDemoServer();
    without = await runProbe(name, false, `${demo.url}blank/`);
    withExtension = await runProbe(name, true, `${demo.url}blank/`);
  });
  afterAll(() => demo?.close());

  it('ran every probe', () => {
    // Guards against comparing two empty results.
    expect(Object.keys(without).length).toBeGreaterThanOrEqual(25);
    expect(without.ctor).toMatchObject({ name: 'EventSource', length: 1 });
    expect((without.delivery as unknown[]).length).toBeGreaterThanOrEqual(6);
    expect((without.reconnects as unknown[]).length).toBeGreaterThanOrEqual(6);
  });

  // One test per probe, so a difference names what the page could notice.
  const keys = [
    'ctor', 'windowProperty', 'constants', 'protoConstructor', 'protoConstructorProperty', 'protoKeys', 'protoChain',
    'close', 'closeProperty', 'addEventListener', 'addEventListenerProperty', 'toString', 'toStringOfToString',
    'windowKeys', 'toStringTag', 'instance', 'credentials', 'afterClose', 'closeTwice', 'subclass', 'reflectConstruct',
    'errors', 'delivery', 'handlerIdentity', 'reconnects', 'custom', 'failures', 'windowMessages',
  ];
  it.each(keys)('%s is the same with the extension', (key) => {
    expect(key in without).toBe(true);
    expect(withExtension[key]).toEqual(without[key]);
  });
});
