// Bug reports end to end: streams captured in a real browser are exported from the real panel
// in each format (real downloads), opened again in the panel and in the standalone viewer, and
// must give back the model that was exported; redaction is on by default and off when asked;
// bad files are refused with a clear message and leave what was shown as it was.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv';
import type { Frame } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type BrowserName, type Launched } from '../scripts/launch';
import type { CaptureLog } from '../src/shared/capture/capture';
import schema from '../src/shared/capture/capture.schema.json';
import { Pages, waitFor } from './harness/pages';
import { click, openWithPanel, readEventRows, readStreams, textOf, waitForStreams } from './harness/panel';
import { tickerSuite } from './harness/suite';

const SECRET = 'sk-test-5ecret';
const VIEWER = resolve('dist/viewer/sse-inspector-viewer.html');
const validate = new Ajv({ strict: true }).compile(schema);

/** Three streams that end on their own, so the log holds still: an EventSource closed by the page
 * on `done`, one whose server ends each response (a reconnect loop the page stops after 3
 * connections), and an LLM-style fetch POST with credentials in its headers and URL. */
const streams = (secret: string) => `
  window.finished = 0;
  const a = new EventSource('/stream?n=12&every=5');
  a.addEventListener('done', () => { a.close(); finished++; });
  let opens = 0; // connections that reached their end
  const b = new EventSource('/stream?n=2&every=5&retry=50');
  b.addEventListener('done', () => { if (++opens === 3) { b.close(); finished++; } });
  fetch('/stream?n=6&every=5&access_token=${secret}', { method: 'POST', headers: { Authorization: 'Bearer ${secret}', Accept: 'text/event-stream' }, body: '{}' })
    .then((r) => r.text()).then(() => finished++);
`;

/** What the panel (or the viewer) holds, as a capture's log. */
const modelOf = (frame: Frame): Promise<CaptureLog & { imported: { name: string; format: string } | null; importError: string | null }> =>
  frame.evaluate(() => {
    const s = (globalThis as any).sseInspectorStore;
    return JSON.parse(JSON.stringify({ ...s.log(), imported: s.imported && { name: s.imported.name, format: s.imported.format }, importError: s.importError }));
  });
const logOf = ({ streams, events, firstSeq, pages, counters }: CaptureLog) => ({ streams, events, firstSeq, pages, counters });

describe.each<BrowserName>(['chromium', 'firefox'])('export and import in %s', (name) => {
  /** Downloads land in root/downloads and are moved to root/saved/<n>/ (two exports in the same
   * second have the same name, and the browser would write the second over the first). */
  let root: string;
  let saved = 0;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'sse-inspector-downloads-'));
  });
  // Before or after the browser closes, either is safe: it writes nothing here once the tests are done.
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });
  const suite = tickerSuite(name, () => ({ downloads: join(root, 'downloads') }));

  /** Exports through the dialog and returns the downloaded file's path. */
  async function exportAs(panel: Frame, format: string, options: { redact?: boolean; scope?: string } = {}): Promise<string> {
    const downloads = join(root, 'downloads');
    await click(panel, '[data-testid="export-button"]');
    await click(panel, `[data-testid="export-format-${format}"]`);
    if (options.scope) await click(panel, `[data-testid="export-scope-${options.scope}"]`);
    if (options.redact === false) await click(panel, '[data-testid="export-redact"]');
    // A real click, as a user makes it (a download is expected to follow a user gesture).
    await (await panel.$('[data-testid="export-save"]'))!.click();
    const file = await waitFor(
      `the ${format} download`,
      async () => (existsSync(downloads) ? readdirSync(downloads) : []).find((f) => !/\.(crdownload|part)$/.test(f) && !f.startsWith('.')),
      (f) => f !== undefined && readFileSync(join(downloads, f)).length > 0,
    );
    const dir = join(root, 'saved', String(++saved));
    mkdirSync(dir, { recursive: true });
    renameSync(join(downloads, file!), join(dir, file!));
    return join(dir, file!);
  }

  async function importFile(frame: Frame, path: string): Promise<void> {
    const input = await frame.$('input[data-testid="import-file"]');
    await input!.uploadFile(path);
  }

  it('round trip: capture, HAR and raw SSE come back as the same model; redaction by default', async () => {
    const { page, panel } = await openWithPanel(suite.launched, suite.pages, `${suite.server.url}/page`);
    await page.evaluate(streams(SECRET));
    await waitFor('the streams to end', () => page.evaluate(() => (window as any).finished as number), (n) => n === 3);
    await waitForStreams(panel, (s) => s.length === 3 && s.every((x) => x.state === 'closed'));
    const live = await modelOf(panel);
    expect(live.events.length).toBeGreaterThan(12);
    expect(live.streams.find((s) => s.kind === 'eventsource' && s.attempts.length === 3)).toBeDefined();

    // Capture, redacted (the default): valid, no secret, says what it replaced.
    const redactedPath = await exportAs(panel, 'capture');
    expect(redactedPath).toMatch(/sse-127\.0\.0\.1_\d+-[\d-]+\.sse-capture\.json$/);
    const redacted = JSON.parse(readFileSync(redactedPath, 'utf8'));
    expect(validate(redacted), JSON.stringify(validate.errors)).toBe(true);
    expect(JSON.stringify(redacted)).not.toContain(SECRET);
    expect(redacted.redacted).toEqual(expect.arrayContaining(['Authorization header (1)', 'access_token query parameter (1)']));
    expect(redacted.exportedBy.tool).toBe('SSE Inspector 0.1.0');
    expect(redacted.events).toEqual(live.events);

    // Capture, not redacted: exactly the live model, and opened again it is shown as it was.
    const capturePath = await exportAs(panel, 'capture', { redact: false });
    const capture = JSON.parse(readFileSync(capturePath, 'utf8'));
    expect(validate(capture)).toBe(true);
    expect(logOf(capture)).toEqual(logOf(live));
    expect(JSON.stringify(capture)).toContain(`Bearer ${SECRET}`);

    await importFile(panel, capturePath);
    await waitFor('the capture shown', () => modelOf(panel), (m) => m.imported?.format === 'capture');
    expect(await textOf(panel, '[data-testid="import-banner"]')).toContain(capturePath.split('/').pop());
    expect(logOf(await modelOf(panel))).toEqual(logOf(live));
    // A file shown has no live controls.
    expect(await panel.$('[data-testid="pause"]')).toBeNull();

    // HAR: one entry per request, and back to the same model.
    const harPath = await exportAs(panel, 'har', { redact: false });
    const har = JSON.parse(readFileSync(harPath, 'utf8'));
    expect(har.log.entries).toHaveLength(5); // 3 connections of the loop, 1 of the other EventSource, the fetch
    expect(har.log.entries.filter((e: any) => e._eventSourceMessages?.length > 0)).toHaveLength(5);
    await importFile(panel, harPath);
    await waitFor('the HAR shown', () => modelOf(panel), (m) => m.imported?.format === 'har');
    expect(logOf(await modelOf(panel))).toEqual(logOf(live));

    // Raw SSE of the fetch stream: what its server sent, read back to the same records.
    const fetchStream = live.streams.find((s) => s.kind === 'fetch')!;
    await click(panel, `[data-testid="stream"][data-stream-id="${fetchStream.id}"]`);
    const rawPath = await exportAs(panel, 'sse');
    const raw = readFileSync(rawPath, 'utf8');
    expect(raw).toContain('event: tick\nid: 2\ndata: {"i":2,"pad":"xx"}\n\n');
    await importFile(panel, rawPath);
    await waitFor('the raw stream shown', () => modelOf(panel), (m) => m.imported?.format === 'sse');
    const records = (events: CaptureLog['events']) => events.map((e) => [e.kind, e.type, e.id, e.data]);
    expect(records((await modelOf(panel)).events)).toEqual(records(live.events.filter((e) => e.streamId === fetchStream.id)));

    // A bad file: a clear message, and what was shown stays.
    const shown = await modelOf(panel);
    const bad = join(root, 'truncated.sse-capture.json');
    writeFileSync(bad, readFileSync(capturePath, 'utf8').slice(0, 300));
    await importFile(panel, bad);
    await waitFor('the error', () => modelOf(panel), (m) => m.importError !== null);
    expect(await textOf(panel, '[data-testid="import-error"]')).toMatch(/^Cannot open truncated\.sse-capture\.json: it is not valid JSON/);
    expect(logOf(await modelOf(panel))).toEqual(logOf(shown));
    rmSync(bad);

    // Back to the live capture.
    await click(panel, '[data-testid="import-error"] button');
    await panel.waitForSelector('[data-testid="back-to-live"]');
    await click(panel, '[data-testid="back-to-live"]');
    await waitFor('the live capture', () => modelOf(panel), (m) => m.imported === null && m.events.length === live.events.length);
    expect(logOf(await modelOf(panel))).toEqual(logOf(live));
  });

  it('CSV: the table as filtered', async () => {
    const { page, panel } = await openWithPanel(suite.launched, suite.pages, `${suite.server.url}/page`);
    await page.evaluate(streams('x'));
    await waitFor('the streams to end', () => page.evaluate(() => (window as any).finished as number), (n) => n === 3);
    await waitForStreams(panel, (s) => s.length === 3 && s.every((x) => x.state === 'closed'));
    await click(panel, '[data-testid="types-button"]');
    await click(panel, '[data-type="message"]');
    const rows = await panel.evaluate(() => (globalThis as any).sseInspectorStore.rows().length as number);
    const csv = readFileSync(await exportAs(panel, 'csv'), 'utf8').split('\r\n');
    expect(csv[0]).toBe('time,delta_ms,stream,type,id,size_bytes,data');
    expect(csv).toHaveLength(rows + 2); // the header, and a final line end
    expect(csv.some((l) => l.includes(',message,'))).toBe(false);
    // The page listens to no `tick`: only the fetch stream's body shows its ticks (n=6: 3 of them).
    expect(csv.filter((l) => l.includes(',tick,'))).toHaveLength(3);
  });
});

describe('the viewer in chromium', () => {
  let launched: Launched;
  let dir: string;
  const pages = new Pages(() => launched.browser);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sse-inspector-viewer-'));
    launched = await launch('chromium', { extension: false });
  });
  afterAll(async () => {
    await launched?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opened from a local file, it shows an imported capture, and refuses bad files clearly', async () => {
    // A capture as the extension exports it (the round trip above wrote one; this test makes its own).
    const T = Date.UTC(2026, 10, 21, 12);
    const stream = {
      id: 'd1:0', page: 1, kind: 'eventsource', url: 'http://127.0.0.1:9/feed', withCredentials: false, frame: { id: 0, url: 'http://127.0.0.1:9/', top: true },
      createdAt: T, initiator: 'http://127.0.0.1:9/app.js:3:9', stack: '', state: 'closed', closedBy: 'page',
      attempts: [{ n: 1, startedAt: T, openedAt: T + 5, status: 200, endedAt: T + 900, end: 'closed' }],
      eventCount: 3, bytes: 9, lastEventId: '3', listenedTypes: ['message', 'price'], source: 'page-hook',
    };
    const event = (seq: number, type: string, data: string) => ({ seq, kind: 'event', streamId: 'd1:0', attempt: 1, time: T + 100 * seq, type, id: String(seq), data, origin: 'http://127.0.0.1:9', size: data.length, source: 'page-hook' });
    const capture = {
      format: 'sse-inspector-capture', version: 1, exportedAt: new Date(T).toISOString(), exportedBy: { tool: 'SSE Inspector 0.1.0', userAgent: 'test' },
      pageUrl: 'http://127.0.0.1:9/', scope: 'all', redacted: [], firstSeq: 1, pages: [{ n: 1, url: 'http://127.0.0.1:9/', startedAt: T }],
      counters: { droppedEvents: 0, droppedStreams: 0, invalidRecords: 0, unsavedWrites: 0 },
      streams: [stream], events: [event(1, 'message', 'one'), event(2, 'price', '{"p":1}'), event(3, 'message', 'three')],
    };
    expect(validate(capture), JSON.stringify(validate.errors)).toBe(true);
    const write = (file: string, text: string) => (writeFileSync(join(dir, file), text), join(dir, file));
    const good = write('report.sse-capture.json', JSON.stringify(capture));

    const page = await pages.open(pathToFileURL(VIEWER).href);
    const frame = page.mainFrame();
    await frame.waitForSelector('[data-testid="welcome"]');
    const open = async (path: string) => (await frame.$('input[data-testid="import-file"]'))!.uploadFile(path);
    await open(good);
    const [shown] = await waitForStreams(frame, (s) => s.length === 1 && s[0]!.events === 3);
    expect(shown!.url).toBe('http://127.0.0.1:9/feed');
    expect(await readEventRows(frame)).toEqual([
      { type: 'message', id: '1', data: 'one' },
      { type: 'price', id: '2', data: '{"p":1}' },
      { type: 'message', id: '3', data: 'three' },
    ]);
    expect(await textOf(frame, '[data-testid="import-banner"]')).toContain('report.sse-capture.json');
    expect(await frame.$('[data-testid="back-to-live"]')).toBeNull();

    // Each bad file: its own clear message; the capture shown stays.
    const huge = write('huge.sse-capture.json', '');
    truncateSync(huge, 600 * 1024 * 1024); // sparse: nothing is written
    const cases: [string, RegExp][] = [
      [write('cut.sse-capture.json', JSON.stringify(capture).slice(0, 200)), /^Cannot open cut\.sse-capture\.json: it is not valid JSON \(cut short, or not JSON at all\)/],
      [write('v2.sse-capture.json', JSON.stringify({ ...capture, version: 2 })), /^Cannot open v2\.sse-capture\.json: it was written by a newer SSE Inspector \(capture version 2\)/],
      [huge, /^Cannot open huge\.sse-capture\.json: it is 600 MB; SSE Inspector opens files up to 500 MB\.$/],
      [write('plain.har', JSON.stringify({ log: { version: '1.2', creator: { name: 'x', version: '1' }, entries: [{ request: { url: 'http://a/' } }] } })), /^Cannot open plain\.har: .*none carries EventSource messages/],
      [write('page.html', '<!doctype html><p>not a stream</p>'), /^Cannot open page\.html: .*text\/event-stream/],
    ];
    for (const [path, message] of cases) {
      await open(path);
      await frame.waitForSelector('[data-testid="import-error"]');
      expect(await textOf(frame, '[data-testid="import-error"] span')).toMatch(message);
      expect((await readStreams(frame)).map((s) => s.events)).toEqual([3]);
      await click(frame, '[data-testid="import-error"] button');
      await frame.waitForSelector('[data-testid="import-error"]', { hidden: true });
    }

    // A file dropped on the viewer opens as well (the drop is made in the page: the test cannot drag from a desktop).
    const fewer = JSON.stringify({ ...capture, events: capture.events.slice(0, 2) });
    await frame.evaluate((text) => {
      const files = new DataTransfer();
      files.items.add(new File([text], 'dropped.sse-capture.json'));
      const app = document.querySelector('.app')!;
      for (const type of ['dragover', 'drop']) app.dispatchEvent(new DragEvent(type, { dataTransfer: files, bubbles: true, cancelable: true }));
    }, fewer);
    await waitForStreams(frame, (s) => s.length === 1 && s[0]!.events === 3);
    await waitFor('the dropped file', () => textOf(frame, '[data-testid="import-banner"]'), (t) => t.includes('dropped.sse-capture.json'));
    expect((await readEventRows(frame)).map((r) => r.data)).toEqual(['one', '{"p":1}']);
  });
});
