// The panel in a real browser (Chromium's DevTools panel, Firefox's panel page): filtering by
// type and by regex, keyboard navigation with the detail following, pause and clear, the
// timeline, and 200 000 records rendered in constant DOM size.
import type { Frame, Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import type { BrowserName } from '../scripts/launch';
import { waitFor } from './harness/pages';
import { click, openWithPanel, readEventRows, textOf, waitForStreams } from './harness/panel';
import { tickerSuite } from './harness/suite';

const startStream = (n: number, every: number) => `
  window.got = [];
  const es = new EventSource('/stream?n=${n}&every=${every}');
  const keep = (e) => got.push([e.type, e.lastEventId, e.data]);
  es.onmessage = keep;
  es.addEventListener('tick', keep);
  es.addEventListener('done', (e) => { keep(e); es.close(); });
`;

describe.each<BrowserName>(['chromium', 'firefox'])('the panel in %s', (name) => {
  const suite = tickerSuite(name);

  async function open(n: number, every: number): Promise<{ page: Page; panel: Frame }> {
    const { page, panel } = await openWithPanel(suite.launched, suite.pages, `${suite.server.url}/panel`);
    // The view is kept across panels: each test starts from the default one.
    await panel.evaluate(() => {
      localStorage.clear();
      (globalThis as any).sseInspectorStore.setView({ filter: { text: '', regex: false, hiddenTypes: [] }, sort: null, selectedEvent: null, selectedStream: null });
    });
    await page.evaluate(startStream(n, every));
    return { page, panel };
  }

  const types = (panel: Frame) => readEventRows(panel).then((rows) => rows.map((r) => r.type));

  it('filters by type (the list shows counts) and by regex over data and id', async () => {
    const { panel } = await open(40, 5);
    await waitForStreams(panel, (s) => s[0]?.events === 41);
    await click(panel, '[data-testid="types-button"]');
    const list = await panel.$eval('[data-testid="types"]', (el) => [...el.querySelectorAll('label')].map((l) => l.textContent));
    expect(list).toEqual(['Connection (open, error, reconnect, close)', 'done1', 'message20', 'tick20']);
    await click(panel, '[data-testid="types"] input[data-type="tick"]');
    await waitFor('ticks hidden', () => types(panel), (t) => t.length > 0 && !t.includes('tick'));
    expect(new Set(await types(panel))).toEqual(new Set(['message', 'done']));
    // Back to all, then a regex over the data: {"i":1x,...}
    await click(panel, '[data-testid="types"] input[data-type="tick"]');
    await click(panel, '[data-testid="filter-regex"]');
    await panel.type('[data-testid="filter"]', '"i":1\\d,');
    const rows = await waitFor('regex applied', () => readEventRows(panel), (r) => r.length === 10);
    expect(rows.map((r) => r.id)).toEqual(['10', '11', '12', '13', '14', '15', '16', '17', '18', '19']);
    // A bad one says why, and filters nothing out.
    await panel.type('[data-testid="filter"]', '(');
    expect(await textOf(panel, '[data-testid="filter-error"]')).toMatch(/./);
  });

  it('keys move through the events and the detail follows; Esc closes it', async () => {
    const { panel } = await open(5, 5);
    await waitForStreams(panel, (s) => s[0]?.events === 6);
    await panel.focus('[data-testid="events-viewport"]');
    const press = async (key: 'ArrowDown' | 'ArrowUp' | 'End' | 'Escape') => {
      await panel.page().keyboard.press(key);
      await new Promise((r) => setTimeout(r, 80));
    };
    await press('ArrowDown');
    await press('ArrowDown');
    expect(await textOf(panel, '[data-testid="event-detail"]')).toMatch(/ID\s*2/);
    await press('End');
    expect(await textOf(panel, '[data-testid="event-detail"]')).toMatch(/Type\s*done/);
    await press('ArrowUp');
    expect(await textOf(panel, '[data-testid="event-detail"]')).toMatch(/ID\s*5/);
    const selected = await panel.$eval('[data-testid="event-row"][aria-selected="true"]', (r) => r.querySelector('[data-testid="event-id"]')?.textContent);
    expect(selected).toBe('5');
    await press('Escape');
    expect(await panel.$('[data-testid="event-detail"]')).toBeNull();
    // Ctrl+F goes to the filter.
    await panel.page().keyboard.down('Control');
    await panel.page().keyboard.press('f');
    await panel.page().keyboard.up('Control');
    expect(await panel.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('filter');
  });

  it('pause keeps the table still while events go on being captured; resume shows them; clear empties the log', async () => {
    const { panel } = await open(300, 20);
    await waitForStreams(panel, (s) => (s[0]?.events ?? 0) > 5);
    await click(panel, '[data-testid="pause"]');
    const frozen = await panel.evaluate(() => (globalThis as any).sseInspectorStore.rows().length as number);
    await waitFor('events arrive while paused', () => textOf(panel, '[data-testid="paused"]'), (t) => /Paused: \d+ new/.test(t));
    expect(await panel.evaluate(() => (globalThis as any).sseInspectorStore.rows().length as number)).toBe(frozen);
    await click(panel, '[data-testid="pause"]');
    await waitFor('resumed', () => panel.evaluate(() => (globalThis as any).sseInspectorStore.rows().length as number), (n) => n > frozen);
    await panel.waitForFunction(() => !document.querySelector('[data-testid="paused"]'), { polling: 100, timeout: 5000 });
    await click(panel, '[data-testid="clear"]');
    // The first record is no longer the stream's first event (waitFor throws if it stays).
    await waitFor(
      'cleared',
      () => panel.evaluate(() => (globalThis as any).sseInspectorStore.events[0]?.data as string | undefined),
      (first) => first === undefined || !first.startsWith('{"i":1,'),
    );
    // The open stream stays and goes on.
    await waitForStreams(panel, (s) => s.length === 1 && s[0]!.state === 'open');
  });

  it('the timeline shows the stream, and a click on it selects the event at that time', async () => {
    const { panel } = await open(30, 20);
    await waitForStreams(panel, (s) => s[0]?.events === 31);
    await panel.waitForSelector('[data-testid="timeline"] svg');
    const label = await panel.$eval('[data-testid="timeline"] svg', (svg) => svg.getAttribute('aria-label'));
    expect(label).toMatch(/1 attempt/);
    const box = (await (await panel.$('[data-testid="timeline"] svg'))!.boundingBox())!;
    await panel.page().mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await panel.waitForSelector('[data-testid="event-detail"]');
  });

  it('200 000 records: the table renders a bounded number of rows, at the top, the middle and the end', async () => {
    const { panel } = await open(1, 5);
    await waitForStreams(panel, (s) => s[0]?.events === 2);
    const ms = await panel.evaluate(() => {
      const store = (globalThis as any).sseInspectorStore;
      const stream = [...store.streams.values()][0];
      const events = Array.from({ length: 200_000 }, (_, i) => ({
        seq: i + 1, kind: 'event', streamId: stream.id, attempt: 1, time: stream.createdAt + i, type: i % 2 ? 'tick' : 'message', id: String(i), data: `{"n":${i}}`, origin: '', size: 8, source: 'page-hook',
      }));
      const started = performance.now();
      store.apply({ kind: 'snapshot', tabId: -1, streams: [stream], events, firstSeq: 1, pages: store.pages, counters: store.counters });
      store.rows();
      return performance.now() - started;
    });
    console.info(`${name}: 200 000 records into the panel's store and rows in ${ms.toFixed(0)} ms`);
    const rowsInDom = () => panel.$$eval('[role="row"]', (rows) => rows.length);
    for (const at of [0, 0.5, 1]) {
      await panel.$eval('[data-testid="events-viewport"]', (el, f) => (el.scrollTop = (el.scrollHeight - el.clientHeight) * (f as number)), at);
      await new Promise((r) => setTimeout(r, 150));
      expect(await rowsInDom()).toBeLessThan(120);
    }
    const ids = (await readEventRows(panel)).map((r) => Number(r.id));
    expect(Math.max(...ids)).toBe(199_999);
    const regexMs = await panel.evaluate(() => {
      const store = (globalThis as any).sseInspectorStore;
      const started = performance.now();
      store.setFilter({ text: '"n":1\\d{4}}', regex: true });
      const n = store.rows().length as number;
      return [performance.now() - started, n];
    });
    console.info(`${name}: regex filter over 200 000 records: ${(regexMs as number[])[0]!.toFixed(0)} ms, ${(regexMs as number[])[1]} rows`);
    expect((regexMs as number[])[1]).toBe(10_000);
  });
});
