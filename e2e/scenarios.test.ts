// Each seed scenario (DESIGN.md) in a real browser with the extension: what the page's
// EventSource gets must show up in the SSE panel, with the right type, id, data and attempts.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Frame } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../demo/server';
import { launch, type BrowserName, type Launched } from '../scripts/launch';
import { openPanel } from '../scripts/open-panel';
import type { NetworkDetail } from '../src/background/network';
import { inChromiumWorker } from './harness/background';
import { Pages, waitFor } from './harness/pages';
import { click, openWithPanel, readEventRows, readStreams, textOf, waitForStreams, waitForTexts } from './harness/panel';

const ARTIFACTS = 'e2e/artifacts';

describe.each<BrowserName>(['chromium', 'firefox'])('seed scenarios in %s', (name) => {
  let demo: DemoServer;
  let launched: Launched;
  const pages = new Pages(() => launched.browser);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    demo = await startDemoServer(0, ['e2e/pages']);
    launched = await launch(name, { devtools: true });
  });
  afterAll(async () => {
    await launched?.close();
    await demo?.close();
  });
  afterEach(() => pages.closeAll());

  /** Opens a scenario page, then the panel inspecting it (so the panel comes after the page's first events). */
  const open = (path: string) => openWithPanel(launched, pages, demo.url + path);

  async function screenshot(panel: Frame, file: string): Promise<void> {
    await panel.page().screenshot({ path: `${ARTIFACTS}/${name}-${file}.png` });
  }

  it('1: a one-shot response shows the reconnect loop, attempt by attempt', async () => {
    const { panel } = await open('1-oneshot/?retry=300');
    const [stream] = await waitForStreams(panel, (s) => s.length === 1 && s[0]!.attempts >= 3 && (s[0]?.events ?? 0) >= 3);
    expect(stream!.url).toBe(`${demo.url}1-oneshot/stream?retry=300`);
    const rows = await readEventRows(panel);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const row of rows) {
      expect(row.type).toBe('message');
      expect(row.data).toMatch(/^The server time is: /);
    }
    await click(panel, '[data-testid="stream"]');
    const attempts = await waitForTexts(panel, '[data-testid="attempt"]', (t) => t.length >= 3 && t.slice(0, 2).every((a) => a.includes('HTTP 200')));
    // The page hook sees open/error; the network adds the HTTP facts of each attempt.
    expect(attempts[0]).toMatch(/^#1: HTTP 200 OK text\/event-stream, opened \S+, headers after \d+ ms, error at /);
    expect(attempts[1]).toMatch(/^#2: HTTP 200 OK text\/event-stream, started \d+ ms after #1 ended, opened \S+, headers after \d+ ms, error at /);
    expect(await textOf(panel, '[data-testid="reconnect-delay"]')).toMatch(/^Reconnects \d+ ms after an error \(measured\)$/);
    // Each event is attributed to the attempt it arrived on.
    await click(panel, '[data-testid="event-row"]');
    expect(await textOf(panel, '[data-testid="event-detail"]')).toMatch(/attempt \d+/);
    await screenshot(panel, '1-oneshot');
  });

  it('2: an id counter: every event with its id and data, from before the panel opened', async () => {
    const { panel } = await open('2-counter/?interval=100');
    await waitForStreams(panel, (s) => (s[0]?.events ?? 0) >= 8);
    const rows = await readEventRows(panel);
    // Events from page load on, in order: ids 1, 2, 3, ... each with the server's time.
    expect(rows[0]!.id).toBe('1');
    rows.forEach((row, i) => {
      expect(row).toMatchObject({ type: 'message', id: String(i + 1) });
      expect(row.data).toMatch(/ GMT;$/);
    });
    await click(panel, '[data-testid="event-row"]', ' GMT;');
    const detail = await textOf(panel, '[data-testid="event-detail"]');
    expect(detail).toContain('ID\n1');
    expect(await textOf(panel, '[data-testid="event-data-full"]')).toBe(rows[0]!.data);
    await screenshot(panel, '2-counter');
  });

  it('3: default message events and the custom myEvent type are both captured', async () => {
    const { panel } = await open('3-custom-event/?interval=150');
    await waitForStreams(panel, (s) => (s[0]?.events ?? 0) >= 6);
    const rows = await readEventRows(panel);
    const types = rows.map((r) => r.type);
    expect(types.slice(0, 4)).toEqual(['message', 'myEvent', 'message', 'myEvent']);
    expect(rows[0]!.data).toMatch(/^\d\d:\d\d:\d\d #1$/);
    expect(rows[1]!.data).toMatch(/^\d\d\/\d\d\/\d{4}, \d\d:\d\d:\d\d #1$/);
    // The stream says which types the page listens to, and what the page hook cannot see.
    await click(panel, '[data-testid="stream"]');
    const detail = await textOf(panel, '[data-testid="stream-detail"]');
    expect(detail).toContain('message, myEvent');
    expect(detail).toMatch(/comments and retry fields are not visible/);
    await screenshot(panel, '3-custom-event');
  });

  it('4: retry 10000, connecttime and onTimeChanged with JSON, and close() by the page', async () => {
    const { page, panel } = await open('4-retry-close/?interval=150');
    await waitForStreams(panel, (s) => (s[0]?.events ?? 0) >= 4 && s[0]?.state === 'open');
    const rows = await readEventRows(panel);
    // The page listens to two custom types and no `message`: both types are captured.
    expect(rows[0]!.type).toBe('connecttime');
    expect(rows[0]!.data).toMatch(/^\w{3} \w{3} \d\d \d{4} /);
    expect(rows.slice(1).every((r) => r.type === 'onTimeChanged')).toBe(true);
    expect(JSON.parse(rows[1]!.data)).toMatchObject({ name: 'xutao', foo: expect.any(Number) });
    // JSON data is shown as a tree.
    await click(panel, '[data-testid="event-row"]', 'xutao');
    expect(await textOf(panel, '[data-testid="event-detail"] h3')).toBe('Data (JSON)');
    await panel.waitForSelector('[data-testid="json-tree"]');
    expect(await panel.$$eval('[data-testid="json-node"]', (els) => els.map((e) => [e.getAttribute('data-path'), e.textContent]))).toEqual([
      ['$', expect.stringMatching(/^▾\{foo: \d+, name: "xutao"\}$/)],
      ['$.foo', expect.stringMatching(/^foo: \d+$/)],
      ['$.name', 'name: "xutao"'],
    ]);

    await page.click('#btn-close');
    const [closed] = await waitForStreams(panel, (s) => s[0]?.state === 'closed');
    await new Promise((r) => setTimeout(r, 500));
    const [after] = await waitForStreams(panel, () => true);
    expect(after!.events).toBe(closed!.events);
    await click(panel, '[data-testid="stream"]');
    expect(await textOf(panel, '[data-testid="stream-detail"]')).toContain('the page called close()');
    expect(await panel.$$eval('[data-testid="attempt"]', (els) => els.map((e) => e.textContent))).toEqual([expect.stringMatching(/^#1: HTTP 200 OK text\/event-stream, opened .*, closed by the page\b/)]);
    await screenshot(panel, '4-retry-close');
  });

  it("is in place before the page's first inline script", async () => {
    const { panel } = await open('first-script/');
    const [stream] = await waitForStreams(panel, (s) => (s[0]?.events ?? 0) >= 2);
    expect(stream!.url).toBe(`${demo.url}3-custom-event/stream?interval=100`);
    await click(panel, '[data-testid="stream"]');
    // The initiator is the page's inline script in <head> (line 7 of the page).
    const detail = await textOf(panel, '[data-testid="stream-detail"]');
    expect(detail, detail).toMatch(/by .*first-script\/:7:\d+/);
  });

  it('shows all streams of a page, or only the selected one', async () => {
    const { panel } = await open('all/?interval=100&retry=300');
    const streams = await waitForStreams(panel, (s) => s.length === 6 && s.every((x) => x.events >= 2));
    // Four EventSources, the polyfill's fetch stream and the LLM POST.
    expect(streams.map((s) => new URL(s.url).pathname).sort()).toEqual([
      '/1-oneshot/stream',
      '/2-counter/stream',
      '/3-custom-event/stream',
      '/3-custom-event/stream',
      '/4-retry-close/stream',
      '/5-llm/stream',
    ]);
    // The latest rows, from all streams (the first, connecttime, may have scrolled out of view).
    const types = (rows: { type: string }[]) => new Set(rows.map((r) => r.type));
    expect([...types(await readEventRows(panel))]).toEqual(expect.arrayContaining(['message', 'myEvent', 'onTimeChanged']));

    await click(panel, '[data-testid="stream"]', '/3-custom-event/');
    await panel.waitForFunction(() => !document.querySelector('.col-stream'), { polling: 100 });
    const only = await readEventRows(panel);
    expect(only.length).toBeGreaterThan(0);
    expect(only.every((r) => (r.type === 'message' || r.type === 'myEvent') && / #\d+$/.test(r.data))).toBe(true);
    const selected = (await readStreams(panel)).find((s) => s.url.includes('/3-custom-event/'));
    expect(only.length).toBe(Math.min(selected!.events, only.length));

    await click(panel, '[data-testid="all-streams"]');
    await panel.waitForSelector('.col-stream');
    expect([...types(await readEventRows(panel))]).toEqual(expect.arrayContaining(['message', 'myEvent', 'onTimeChanged']));
  });

  it('says why a reconnect failed: HTTP 500 text/html, and the browser gave up', async () => {
    const session = Math.random().toString(36).slice(2);
    const { panel } = await open(`1-oneshot/?retry=200&failAfter=2&session=${session}`);
    const [stream] = await waitForStreams(panel, (s) => s[0]?.state === 'error');
    expect(stream!.attempts).toBe(3);
    await click(panel, '[data-testid="stream"]');
    const attempts = await waitForTexts(panel, '[data-testid="attempt"]', (t) => t.length === 3 && t[2]!.includes('HTTP 500'));
    expect(attempts[2]).toMatch(
      /^#3: HTTP 500 Internal Server Error text\/html: not an event stream, started \d+ ms after #2 ended, never opened, .*error at /,
    );
    expect(await textOf(panel, '[data-testid="stream-detail"]')).toContain('the browser gave up after an error');
  });

  it('shows the Last-Event-ID a reconnect sent', async () => {
    // The counter ends after id 99; the browser reconnects 100 ms later, resuming from 99.
    const { panel } = await open('2-counter/?interval=2&retry=100');
    await waitForStreams(panel, (s) => (s[0]?.attempts ?? 0) >= 2);
    await click(panel, '[data-testid="stream"]');
    const attempts = await waitForTexts(panel, '[data-testid="attempt"]', (t) => (t[1] ?? '').includes('Last-Event-ID'));
    expect(attempts[0]).not.toContain('Last-Event-ID');
    expect(attempts[1]).toMatch(/^#2: HTTP 200 OK text\/event-stream, started \d+ ms after #1 ended, sent Last-Event-ID "99", opened /);
    // The request headers the network saw, per attempt (Chrome shows Last-Event-ID only with extraHeaders).
    await click(panel, '[data-testid="attempt-headers"] summary', '(attempt 2)');
    await panel.waitForSelector('[data-testid="request-headers"]');
    const sent = await panel.$eval('[data-testid="request-headers"]', (dl) => [...dl.querySelectorAll('dt')].map((dt) => [dt.textContent!.toLowerCase(), dt.nextElementSibling!.textContent]));
    expect(sent).toEqual(expect.arrayContaining([['accept', 'text/event-stream'], ['last-event-id', '99']]));
  });

  it("request headers: all of them while the panel is open; sent before, Chrome hides Cookie and the body's size, and the panel says so", async () => {
    // A cookie of the demo's origin, which the stream's request then sends.
    const page = await pages.open(`${demo.url}5-llm/?interval=5`);
    await page.evaluate(() => void (document.cookie = 'demo-session=c1; path=/'));
    // The panels of earlier tests are gone, and the background has stopped asking for more.
    if (name === 'chromium') await waitFor('no more than the default asked of the network', () => inChromiumWorker(launched, 'sseInspectorHub.networkDetail'), (d) => !(d as NetworkDetail).headers && !(d as NetworkDetail).bodySizes);
    const answered = (n: number) =>
      page.waitForFunction((k) => (document.getElementById('answer')!.textContent!.match(/like this\./g) ?? []).length === k, { polling: 50 }, n);
    await page.reload();
    await answered(1);
    const panel = await openPanel(launched, page);
    if (name === 'firefox') pages.track(panel.page());
    await waitForStreams(panel, (s) => s.length === 1); // the panel has subscribed
    await page.click('button'); // asks again, now with the panel open
    await answered(1);
    await waitForStreams(panel, (s) => s.length === 2 && s.every((x) => x.state === 'closed'));
    const seen: string[] = [];
    for (const id of await panel.$$eval('[data-testid="stream"]', (rows) => rows.map((r) => r.getAttribute('data-stream-id')!))) {
      await click(panel, `[data-stream-id="${id}"]`);
      // The detail is drawn with the row's selection.
      await panel.waitForSelector(`[data-stream-id="${id}"][aria-selected="true"]`);
      await panel.waitForSelector('[data-testid="request-headers"]');
      const names = await panel.$eval('[data-testid="request-headers"]', (dl) => [...dl.querySelectorAll('dt')].map((dt) => dt.textContent!.toLowerCase()));
      const partial = (await panel.$('[data-testid="request-headers-partial"]')) !== null;
      // The body's size: Firefox gives its Content-Length, Chrome its body, only when asked.
      const sized = (await textOf(panel, '[data-testid="attempt"]')).includes('POST (25 B body)');
      seen.push(`${names.includes('cookie') ? 'cookie' : 'no cookie'}${sized ? ', size' : ''}${partial ? ', said to be partial' : ''}`);
    }
    // Firefox hides nothing from extensions.
    expect(seen.sort()).toEqual(name === 'chromium' ? ['cookie, size', 'no cookie, said to be partial'] : ['cookie, size', 'cookie, size']);
  });

  it('5: an LLM-style fetch POST stream: every chunk, the keep-alive comment and [DONE]', async () => {
    const { panel } = await open('5-llm/?interval=20');
    const [stream] = await waitForStreams(panel, (s) => s[0]?.state === 'closed');
    expect(stream!.url).toBe(`${demo.url}5-llm/stream?interval=20`);
    expect(await textOf(panel, '[data-testid="stream-kind"]')).toBe('fetch');
    await click(panel, '[data-testid="stream"]');
    await panel.waitForSelector('[data-testid="stream-detail"]');
    const rows = await readEventRows(panel);
    // Comments are in the body, which the capture parses: visible here, unlike with EventSource.
    expect(rows[0]).toEqual({ type: '(comment)', id: '', data: 'keep-alive' });
    expect(rows.at(-1)).toEqual({ type: 'message', id: '', data: '[DONE]' });
    const tokens = rows.slice(1, -1).map((r) => (JSON.parse(r.data) as { choices: { delta: { content: string } }[] }).choices[0]!.delta.content);
    expect(tokens.join('')).toBe('You asked: "What is SSE?". Server-Sent Events stream text one token at a time, like this.');
    const [attempt] = await waitForTexts(panel, '[data-testid="attempt"]', (t) => /POST/.test(t[0] ?? '') && /body ended/.test(t[0] ?? ''));
    // Chrome gives the body's size only while a panel is open ("request headers" above checks it).
    const post = name === 'chromium' ? 'POST(?: \\(25 B body\\))?' : 'POST \\(25 B body\\)';
    expect(attempt).toMatch(new RegExp(`^#1: HTTP 200 OK text/event-stream, ${post}, opened \\S+, headers after \\d+ ms, body ended at `));
    expect(await textOf(panel, '[data-testid="source-note"]')).toMatch(/^Parsed from the response body/);
    await click(panel, '[data-testid="event-row"]', 'chat.completion.chunk');
    expect(await textOf(panel, '[data-testid="event-raw"]')).toMatch(/^data: \{"id":"chatcmpl-demo"/);
    // The JSON tree: a token's path, copied. Real clicks: copying needs a user's gesture.
    await panel.evaluate(() => {
      document.addEventListener('copy', () => ((window as { copied?: string }).copied = (document.activeElement as HTMLTextAreaElement).value));
    });
    await (await panel.waitForSelector('[data-path="$.choices[0].delta.content"]'))!.click();
    expect(await textOf(panel, '[data-testid="json-path"]')).toBe('$.choices[0].delta.content');
    await (await panel.$('[data-testid="copy-json-path"]'))!.click();
    await panel.waitForFunction(() => document.querySelector('[data-testid="copy-json-path-result"]')?.textContent === 'Copied', { polling: 100 });
    expect(await panel.evaluate(() => (window as { copied?: string }).copied)).toBe('$.choices[0].delta.content');
    await screenshot(panel, '5-llm');
    await panel.evaluate(() => document.documentElement.classList.add('theme-dark'));
    await screenshot(panel, '5-llm-dark');
  });

  it('5: event-source-polyfill over fetch and over XHR (in an iframe), comments included', async () => {
    const { panel } = await open('5-polyfill/?interval=100');
    const streams = await waitForStreams(panel, (s) => s.length === 2 && s.every((x) => x.events >= 4));
    const kinds = await panel.$$eval('[data-testid="stream-kind"]', (els) => els.map((e) => e.textContent));
    expect(kinds.sort()).toEqual(['XHR', 'fetch']);
    for (const s of streams) expect(s.url).toBe(`${demo.url}3-custom-event/stream?interval=100`);
    for (const [kind, shown] of [['fetch', 'fetch() response'], ['XHR', 'XMLHttpRequest response']] as const) {
      await click(panel, '[data-testid="stream"]', kind);
      // The detail of the stream clicked (the table's stream column went with the first click).
      await panel.waitForFunction((text) => document.querySelector('[data-testid="stream-detail"]')?.textContent?.includes(text), { polling: 100 }, shown);
      const rows = await readEventRows(panel);
      const types = rows.map((r) => r.type);
      // message, (comment), myEvent, repeated: all that is on the wire.
      expect(new Set(types)).toEqual(new Set(['message', '(comment)', 'myEvent']));
      expect(rows.find((r) => r.type === '(comment)')!.data).toBe("'这是注释！'");
    }
    // The XHR one runs in the iframe, and says so.
    expect(await textOf(panel, '[data-testid="stream-detail"]')).toMatch(/Frame\s+iframe http:\/\/127\.0\.0\.1:\d+\/5-polyfill-xhr\//);
    await screenshot(panel, '5-polyfill');
  });

  it('says why a connection failed: the server refused it', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const page = await pages.open(`${demo.url}blank/`);
    await page.evaluate((p: number) => void new EventSource(`http://127.0.0.1:${p}/stream`), port);
    const panel = await openPanel(launched, page);
    if (name === 'firefox') pages.track(panel.page());
    await waitForStreams(panel, (s) => s.length === 1);
    await click(panel, '[data-testid="stream"]');
    await panel.waitForFunction(() => /REFUSED/.test(document.querySelector('[data-testid="attempt"]')?.textContent ?? ''), { polling: 100 });
    expect(await textOf(panel, '[data-testid="attempt"]')).toMatch(/^#1: (net::ERR_CONNECTION_REFUSED|NS_ERROR_CONNECTION_REFUSED), never opened, error at /);
  });
});
