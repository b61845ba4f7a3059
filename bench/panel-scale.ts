// 3. Panel scale. A page receives N (200 000) events with the panel closed; then the panel is
// opened on it, and, inside the panel, we time (from the panel document's start) until its store
// holds the N events and the table has drawn them; then a regex filter over them, then a click on
// a row until its detail is drawn (each until the next frame after the change). The panel's and
// the background's JS heaps after a GC (Chromium, CDP), and the DOM size.
// Then 1 000 000 events: imported from a generated *.sse-capture.json through the panel's import
// input when the build has one, otherwise sent by a page with the panel open; either way the
// panel must hold at most its bound, say what it dropped, and keep its memory bounded.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElementHandle, Frame, Page } from 'puppeteer-core';
import { launch, type BrowserName, type Launched } from '../scripts/launch';
import { openPanel, PANEL_PATH } from '../scripts/open-panel';
import { heapOf, MB, readPanel } from '../scripts/measure';
import './browsers';
import type { BenchServer } from './server';
import { f0, f1, int, load, loadText, table } from './stats';

export interface PanelScale {
  n: number;
  /** ms from the panel document's start until it shows the N events. */
  renderMs: number;
  regexMs: number;
  regexRows: number;
  selectMs: number;
  panelHeapMB: number | null;
  workerHeapMB: number | null;
  domNodes: number;
  big: BigRun | null;
  load: [number, number, number];
}

export interface BigRun {
  how: 'import' | 'page';
  n: number;
  ms: number | null;
  panelEvents: number;
  dropped: number;
  summary: string;
  panelHeapMB: number | null;
  workerHeapMB: number | null;
  error?: string;
}

/** In the panel: resolves, after the next frame, with performance.now() once `cond` holds (checked at each store change). */
const afterFrame = `() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))`;
const WHEN = (cond: string, timeout: number) => `(async () => {
  const store = globalThis.sseInspectorStore;
  const frame = ${afterFrame};
  await new Promise((resolve, reject) => {
    if (${cond}) return resolve();
    const off = store.subscribe(() => { if (${cond}) { off(); resolve(); } });
    setTimeout(() => { off(); reject(new Error('timed out: ' + store.events.length + ' events')); }, ${timeout});
  });
  // Then drawn: the table's rows are in the DOM, after a frame.
  const end = performance.now() + ${timeout};
  do await frame();
  while (!document.querySelector('[data-testid="event-row"]') && performance.now() < end);
  return performance.now();
})()`;

const REGEX = `(async () => {
  const store = globalThis.sseInspectorStore;
  const frame = ${afterFrame};
  const t0 = performance.now();
  store.setFilter({ text: '"n":1\\\\d{4}}', regex: true });
  const rows = store.rows().length;
  await frame();
  const ms = performance.now() - t0;
  store.setFilter({ text: '', regex: false });
  await frame();
  return [ms, rows];
})()`;

const SELECT = `(async () => {
  const frame = ${afterFrame};
  const rows = [...document.querySelectorAll('[data-testid="event-row"]')];
  const row = rows[Math.floor(rows.length / 2)];
  if (!row) return -1;
  const t0 = performance.now();
  row.click();
  while (!document.querySelector('[data-testid="event-detail"]')) {
    await frame();
    if (performance.now() - t0 > 10000) return -1;
  }
  await frame();
  return performance.now() - t0;
})()`;

async function heaps(launched: Launched): Promise<{ panel: number | null; worker: number | null }> {
  if (launched.name !== 'chromium') return { panel: null, worker: null };
  const targets = launched.browser.targets();
  const origin = launched.extensionOrigin!;
  const panel = targets.find((t) => t.url() === `${origin}${PANEL_PATH}`);
  const worker = targets.find((t) => t.type() === 'service_worker' && t.url().startsWith(origin));
  const mb = (x: number | null) => (x === null ? null : x / MB);
  return { panel: mb(await heapOf(panel, true).catch(() => null)), worker: mb(await heapOf(worker, true).catch(() => null)) };
}

async function feed(page: Page, n: number): Promise<void> {
  await page.evaluate(`pipelineEventSource('/fire?n=${n}&r=${Math.random()}', ${n})`);
}

async function scale(launched: Launched, server: BenchServer, n: number): Promise<{ result: Omit<PanelScale, 'big' | 'load'>; template: unknown }> {
  const page = await launched.browser.newPage();
  try {
    // A URL of its own: the panel is found by the URL its DevTools inspects.
    await page.goto(`${server.origin}/blank?scale=${n}`);
    await feed(page, n);
    const panel = await openPanel(launched, page);
    const renderMs = (await panel.evaluate(WHEN(`store.events.length >= ${n}`, 120_000))) as number;
    // Scrolled to the end (it follows the last event): the regex, then a row selected.
    const [regexMs, regexRows] = (await panel.evaluate(REGEX)) as [number, number];
    const selectMs = (await panel.evaluate(SELECT)) as number;
    const counts = await readPanel(panel);
    const h = await heaps(launched);
    // A stream, pages and one event as the panel holds them: the template of the 1 000 000-event capture.
    const template = await panel.evaluate(`(() => { const s = globalThis.sseInspectorStore; return { stream: [...s.streams.values()][0], pages: s.pages, event: s.events[0] }; })()`);
    if (panel.page() !== page) await panel.page().close().catch(() => undefined);
    return { result: { n, renderMs, regexMs, regexRows, selectMs, panelHeapMB: h.panel, workerHeapMB: h.worker, domNodes: counts.domNodes }, template };
  } finally {
    await page.close().catch(() => undefined);
  }
}

/** A *.sse-capture.json of `n` events of one stream, written by pieces (it is large). */
function writeCapture(file: string, n: number, template: { stream: Record<string, unknown>; pages: unknown[]; event: Record<string, unknown> }): void {
  const { stream, pages, event } = template;
  const t0 = Number(event.time);
  const head = JSON.stringify({
    format: 'sse-inspector-capture',
    version: 1,
    exportedAt: new Date().toISOString(),
    exportedBy: { tool: 'SSE Inspector bench', userAgent: 'bench' },
    pageUrl: 'http://127.0.0.1/bench',
    scope: 'all',
    redacted: [],
    streams: [{ ...stream, eventCount: n, bytes: n * 12, lastEventId: String(n) }],
    firstSeq: 1,
    pages,
    counters: { droppedEvents: 0, droppedStreams: 0, invalidRecords: 0, unsavedWrites: 0 },
  });
  const parts: string[] = [head.slice(0, -1), ',"events":['];
  for (let i = 1; i <= n; i++) {
    const data = `{"n":${i}}`;
    parts.push(`${i > 1 ? ',' : ''}${JSON.stringify({ ...event, seq: i, time: t0 + i * 0.01, id: String(i), data, size: data.length, raw: `id: ${i}\ndata: ${data}\n` })}`);
  }
  parts.push(']}');
  writeFileSync(file, parts.join(''));
}

async function big(launched: Launched, server: BenchServer, n: number, template: unknown): Promise<BigRun> {
  const page = await launched.browser.newPage();
  try {
    await page.goto(`${server.origin}/blank?big=${n}`);
    const panel: Frame = await openPanel(launched, page);
    await panel.waitForSelector('[data-testid="summary"]', { timeout: 40_000 });
    const input = (await panel.$('input[type=file][data-testid="import-file"]')) as ElementHandle<HTMLInputElement> | null;
    console.log(`  (the panel's import input: ${input ? 'present, used' : 'not in this build: a page sends the events'})`);
    const t0 = Date.now();
    let how: BigRun['how'] = 'page';
    let error: string | undefined;
    if (input) {
      how = 'import';
      const file = join(tmpdir(), `bench-${n}.sse-capture.json`);
      writeCapture(file, n, template as Parameters<typeof writeCapture>[2]);
      await input.uploadFile(file);
      // Done when the panel has drawn the file (its banner comes with the table), or says why not.
      await panel
        .waitForFunction(`document.querySelector('[data-testid="import-banner"], [data-testid="import-error"]')`, { timeout: 300_000, polling: 100 })
        .catch((e: Error) => (error = e.message.split('\n')[0]));
    } else {
      await feed(page, n).catch((e: Error) => (error = `the page: ${e.message.split('\n')[0]}`));
      await panel
        .waitForFunction(`globalThis.sseInspectorStore.events.length > 0 && globalThis.sseInspectorStore.events[globalThis.sseInspectorStore.events.length - 1].id === '${n}'`, { timeout: 300_000, polling: 500 })
        .catch((e: Error) => (error ??= `the panel after ${Date.now() - t0} ms: ${e.message.split('\n')[0]}`));
    }
    const ms = error ? null : Date.now() - t0;
    const alert = (await panel.evaluate(`document.querySelector('[role="alert"], [data-testid="import-error"]')?.textContent ?? ''`).catch(() => '')) as string;
    const counts = await readPanel(panel);
    const panelEvents = (await panel.evaluate('globalThis.sseInspectorStore.events.length')) as number;
    const h = await heaps(launched);
    if (panel.page() !== page) await panel.page().close().catch(() => undefined);
    return {
      how,
      n,
      ms,
      panelEvents,
      dropped: counts.dropped,
      summary: [counts.summary, alert].filter(Boolean).join(' | '),
      panelHeapMB: h.panel,
      workerHeapMB: h.worker,
      ...(error ? { error } : {}),
    };
  } finally {
    await page.close().catch(() => undefined);
  }
}

export async function panelScale(name: BrowserName, server: BenchServer, n: number, bigN: number, say: (s: string) => void): Promise<PanelScale> {
  const launched = await launch(name, { devtools: true });
  try {
    say(`\n== ${name}: panel scale (${int(n)} events; then ${int(bigN)}) ==`);
    const { result, template } = await scale(launched, server, n);
    let bigRun: BigRun | null = null;
    // In a browser of its own (a second DevTools window in the same one lost its panel frame).
    if (bigN > 0) bigRun = await launch(name, { devtools: true }).then(async (fresh) => big(fresh, server, bigN, template).finally(() => fresh.close())).catch((e: Error) => ({ how: 'page', n: bigN, ms: null, panelEvents: -1, dropped: 0, summary: '', panelHeapMB: null, workerHeapMB: null, error: `${e.message} at ${(e.stack ?? '').split('\n').find((l) => l.includes('panel-scale')) ?? '?'}` }) as BigRun);
    const r: PanelScale = { ...result, big: bigRun, load: load() };
    const mb = (x: number | null) => (x === null ? '-' : `${f1(x)} MB`);
    say(
      table(
        ['figure', 'value'],
        [
          [`time to show ${int(n)} events (panel opened after them)`, `${f0(r.renderMs)} ms`],
          [`regex filter over them (${int(r.regexRows)} rows match)`, `${f0(r.regexMs)} ms`],
          ['select a row (detail drawn)', `${f0(r.selectMs)} ms`],
          ['panel JS heap / background heap (after GC)', `${mb(r.panelHeapMB)} / ${mb(r.workerHeapMB)}`],
          ['panel DOM elements', int(r.domNodes)],
          ...(bigRun
            ? [
                [`${int(bigN)} events ${bigRun.how === 'import' ? 'imported' : 'sent by a page'}: time`, bigRun.ms === null ? `failed: ${bigRun.error}` : `${f0(bigRun.ms)} ms`],
                [`  panel holds / counts dropped / says`, `${int(bigRun.panelEvents)} / ${int(bigRun.dropped)} / ${bigRun.summary}`],
                ['  panel / background heap (after GC)', `${mb(bigRun.panelHeapMB)} / ${mb(bigRun.workerHeapMB)}`],
              ]
            : []),
        ],
      ),
    );
    say(`(load ${loadText()})`);
    return r;
  } finally {
    await launched.close();
  }
}
