// The background stopped in the middle of streams, several times: the panel must still show
// every event the page received, in order, once each. The bridge keeps what the background has
// not acknowledged (acknowledged = stored) and resends it; the background restores its logs
// from storage; the panel's port reconnects and takes a fresh snapshot.
import type { Frame } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import type { BrowserName } from '../scripts/launch';
import type { EventRecord, Stream } from '../src/shared/model';
import { backgroundRunning, stopBackground } from './harness/background';
import { openWithPanel } from './harness/panel';
import { tickerSuite } from './harness/suite';

const EVENTS = 500;
const EVERY_MS = 12;
const STOPS = 5;

/** The page: one EventSource and one fetch() stream, recording what they got. */
const PAGE_SCRIPT = (n: number, every: number) => `
  window.got = { es: [], fetch: '', esDone: false, fetchDone: false };
  const es = new EventSource('/stream?n=${n}&every=${every}&via=es');
  const keep = (e) => got.es.push([e.type, e.lastEventId, e.data]);
  es.onmessage = keep;
  es.addEventListener('tick', keep);
  es.addEventListener('done', (e) => { keep(e); es.close(); got.esDone = true; });
  fetch('/stream?n=${n}&every=${every}&via=fetch').then(async (res) => {
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      got.fetch += value;
    }
    got.fetchDone = true;
  });
`;

interface PanelView {
  streams: Stream[];
  events: EventRecord[];
}

const readPanel = (panel: Frame): Promise<PanelView> =>
  panel.evaluate(() => {
    const store = (globalThis as any).sseInspectorStore;
    return { streams: [...store.streams.values()], events: store.events };
  });

/** What an EventSource would dispatch from `text` (the test's server writes plain LF blocks). */
function parseBlocks(text: string): [string, string, string][] {
  let id = '';
  return text
    .split('\n\n')
    .filter((b) => b !== '')
    .map((block) => {
      let type = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        const [field, ...rest] = line.split(': ');
        if (field === 'event') type = rest.join(': ');
        else if (field === 'id') id = rest.join(': ');
        else if (field === 'data') data = rest.join(': ');
      }
      return [type, id, data];
    });
}

describe.each<BrowserName>(['chromium', 'firefox'])('the background stopped mid-stream in %s', (name) => {
  const suite = tickerSuite(name);

  /** The stream's own traffic restarts a stopped background. */
  async function waitUntilRunning(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!(await backgroundRunning(suite.launched))) {
      if (Date.now() > deadline) throw new Error('the background did not start again');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it(`${STOPS} times: the panel shows every event the page received, in order, once`, async () => {
    const { page, panel } = await openWithPanel(suite.launched, suite.pages, `${suite.server.url}/`);
    await page.evaluate(PAGE_SCRIPT(EVENTS, EVERY_MS));

    const streamTime = EVENTS * EVERY_MS;
    for (let i = 0; i < STOPS; i++) {
      await new Promise((r) => setTimeout(r, streamTime / (STOPS + 1)));
      await waitUntilRunning();
      await stopBackground(suite.launched, page);
      expect(await backgroundRunning(suite.launched), 'stopped').toBe(false);
    }
    await page.waitForFunction(() => (window as any).got.esDone && (window as any).got.fetchDone, { polling: 100, timeout: 30_000 });
    const got = (await page.evaluate(() => (window as any).got)) as { es: [string, string, string][]; fetch: string };
    expect(got.es).toHaveLength(EVENTS + 1);

    // The panel catches up (its port reconnects; the bridges resend what was not stored).
    const deadline = Date.now() + 20_000;
    let view = await readPanel(panel);
    while (Date.now() < deadline && view.events.length < 2 * (EVENTS + 1)) {
      await new Promise((r) => setTimeout(r, 200));
      view = await readPanel(panel).catch(() => view);
    }
    const es = view.streams.find((s) => s.kind === 'eventsource')!;
    const body = view.streams.find((s) => s.kind === 'fetch')!;
    const of = (s: Stream) => view.events.filter((e) => e.streamId === s.id).map((e) => [e.type, e.id, e.data]);
    expect(of(es)).toEqual(got.es);
    expect(of(body)).toEqual(parseBlocks(got.fetch));
    const seqs = view.events.map((e) => e.seq);
    expect(new Set(seqs).size, 'no record twice').toBe(seqs.length);
    expect(seqs, 'in order').toEqual([...seqs].sort((a, b) => a - b));
    expect(view.streams).toHaveLength(2);
    expect(es.eventCount).toBe(EVENTS + 1);
  });
});
