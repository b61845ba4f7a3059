// 2. Pipeline: the firehose of section 1 with the SSE panel open on the page (Chromium: the real
// DevTools panel; Firefox: the panel page as a tab). The page notes when it had each 1000th event;
// the panel notes, at each change of its store, how many events it holds. From the two: events/s
// end to end (page's first request to the panel holding the last event), the panel's lag behind
// the page (in ms: how long after the page had event k the panel had it; in events: how many the
// page had that the panel did not, at each change of the panel), and whether every event arrived,
// once, in order.
import type { Frame, Page } from 'puppeteer-core';
import { launch, type BrowserName, type Launched } from '../scripts/launch';
import { openPanel } from '../scripts/open-panel';
import './browsers';
import type { BenchServer } from './server';
import { f0, f1, int, load, loadText, percentile, table } from './stats';

export interface PipelineRun {
  kind: 'eventsource' | 'fetch';
  n: number;
  pageMs: number;
  /** ms from the page's request to the panel holding every event (null: it never did). */
  endToEndMs: number | null;
  panelEvents: number;
  /** Events of the stream in the panel that are not 1..n once each in order. */
  wrong: number;
  lagMs: { p50: number; max: number; final: number | null };
  lagEvents: { p50: number; max: number };
  load: [number, number, number];
}

const RECORDER = `(() => {
  const store = globalThis.sseInspectorStore;
  const samples = [];
  globalThis.benchSamples = samples;
  store.subscribe(() => samples.push([performance.timeOrigin + performance.now(), store.events.length]));
  return store.events.length;
})()`;

/** Ids of the stream's events in the panel: how many are not 1..n, once each, in order. */
const CHECK = (n: number) => `(() => {
  const events = globalThis.sseInspectorStore.events.filter((e) => e.kind === 'event');
  let wrong = Math.abs(events.length - ${n});
  for (let i = 0; i < events.length; i++) if (events[i].id !== String(i + 1) || events[i].data !== '{"n":' + (i + 1) + '}') wrong++;
  return wrong;
})()`;

async function panelCount(panel: Frame): Promise<number> {
  return (await panel.evaluate('globalThis.sseInspectorStore.events.length')) as number;
}

export async function pipelineRun(launched: Launched, server: BenchServer, kind: 'eventsource' | 'fetch', n: number): Promise<PipelineRun> {
  const page: Page = await launched.browser.newPage();
  try {
    await page.goto(`${server.origin}/blank`);
    const panel = await openPanel(launched, page);
    await panel.evaluate(RECORDER);
    const fn = kind === 'eventsource' ? 'pipelineEventSource' : 'pipelineFetch';
    const got = (await page.evaluate(`${fn}('/fire?n=${n}&r=${Math.random()}', ${n})`)) as { t0: number; t: number; marks: [number, number][] };
    // Until the panel holds them all, or stops moving for 20 s.
    let last = -1;
    let still = Date.now();
    for (;;) {
      const count = await panelCount(panel);
      if (count >= n) break;
      if (count !== last) (last = count), (still = Date.now());
      if (Date.now() - still > 20_000) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const samples = (await panel.evaluate('globalThis.benchSamples')) as [number, number][];
    const wrong = (await panel.evaluate(CHECK(n))) as number;
    const panelEvents = await panelCount(panel);
    if (panel.page() !== page) await panel.page().close().catch(() => undefined);

    // When the page had its k-th event (interpolated between its marks).
    const marks: [number, number][] = [[got.t0, 0], ...got.marks];
    const pageTimeOf = (k: number): number => {
      let i = marks.findIndex(([, c]) => c >= k);
      if (i <= 0) return i === 0 ? marks[0]![0] : marks[marks.length - 1]![0];
      const [t1, c1] = marks[i - 1]!;
      const [t2, c2] = marks[i]!;
      return t1 + ((t2 - t1) * (k - c1)) / Math.max(1, c2 - c1);
    };
    const pageCountAt = (t: number): number => {
      let c = 0;
      for (const [mt, mc] of marks) if (mt <= t) c = mc;
      return c;
    };
    const lagMs: number[] = [];
    const lagEvents: number[] = [];
    for (const [t, count] of samples) {
      if (count === 0) continue;
      lagMs.push(t - pageTimeOf(Math.min(count, n)));
      lagEvents.push(Math.max(0, pageCountAt(t) - count));
    }
    const done = samples.find(([, c]) => c >= n);
    return {
      kind,
      n,
      pageMs: got.t - got.t0,
      endToEndMs: done ? done[0] - got.t0 : null,
      panelEvents,
      wrong,
      lagMs: { p50: percentile(lagMs, 50), max: Math.max(...lagMs), final: done ? done[0] - got.t : null },
      lagEvents: { p50: percentile(lagEvents, 50), max: Math.max(...lagEvents) },
      load: load(),
    };
  } finally {
    await page.close().catch(() => undefined);
  }
}

export async function pipeline(name: BrowserName, server: BenchServer, n: number, say: (s: string) => void): Promise<PipelineRun[]> {
  const launched = await launch(name, { devtools: true });
  try {
    say(`\n== ${name}: pipeline, page → panel (${int(n)} events, the panel open${name === 'chromium' ? ' in DevTools' : ' as a tab'}) ==`);
    const runs: PipelineRun[] = [];
    for (const kind of ['eventsource', 'fetch'] as const) runs.push(await pipelineRun(launched, server, kind, n));
    say(
      table(
        ['stream', 'page ms', 'page ev/s', 'end-to-end ev/s', 'panel events', 'lost/wrong', 'lag p50 ms', 'lag max ms', 'final lag ms', 'lag max events'],
        runs.map((r) => [
          r.kind,
          f0(r.pageMs),
          int((r.n / r.pageMs) * 1000),
          r.endToEndMs === null ? 'never' : int((r.n / r.endToEndMs) * 1000),
          int(r.panelEvents),
          String(r.wrong),
          f0(r.lagMs.p50),
          f0(r.lagMs.max),
          r.lagMs.final === null ? '-' : f0(r.lagMs.final),
          int(r.lagEvents.max),
        ]),
      ),
    );
    say(`(load ${loadText()}; lag p50 over the panel's updates: ${runs.map((r) => `${r.kind} ${f1(r.lagMs.p50)} ms`).join(', ')})`);
    return runs;
  } finally {
    await launched.close();
  }
}
