// 2. Pipeline: the firehose of section 1 with the SSE panel open on the page (Chromium: the real
// DevTools panel; Firefox: the panel page as a tab). The page notes when it had each 1000th event;
// the panel notes, at each change of its store, the newest event it holds (the events' ids are
// 1..N, so this works past the panel's bound too). From the two: events/s end to end (page's
// first request to the panel holding the last event), the panel's lag behind the page (in ms:
// how long after the page had event k the panel had it; in events: how many the page had that
// the panel did not, at each change of the panel), and whether every event arrived, once, in
// order (those the panel holds are the newest, 1..N in order; the older ones are counted dropped).
import type { Frame, Page } from 'puppeteer-core';
import { launch, type BrowserName, type Launched } from '../scripts/launch';
import { openPanel } from '../scripts/open-panel';
import './browsers';
import type { BenchServer } from './server';
import { f0, f1, int, load, loadText, percentile, table } from './stats';

export interface PipelineRun {
  kind: 'eventsource' | 'fetch';
  n: number;
  /** Events a second, for a stream at an ordinary rate; none for a firehose. */
  rate?: number;
  pageMs: number;
  /** ms from the page's request to the panel holding the last event (null: it never did). */
  endToEndMs: number | null;
  /** The newest event the panel got (its id: n when the last one arrived). */
  panelNewest: number;
  /** Events wrong or missing: see CHECK. */
  wrong: number;
  lagMs: { p50: number; p95: number; max: number; final: number | null };
  lagEvents: { p50: number; max: number };
  load: [number, number, number];
}

/** The newest event's id in the panel (0: none yet). */
const NEWEST = `(() => {
  const events = globalThis.sseInspectorStore.events;
  for (let i = events.length - 1; i >= 0; i--) if (events[i].kind === 'event') return Number(events[i].id);
  return 0;
})()`;

const RECORDER = `(() => {
  const store = globalThis.sseInspectorStore;
  const samples = [];
  globalThis.benchSamples = samples;
  store.subscribe(() => samples.push([performance.timeOrigin + performance.now(), ${NEWEST}]));
})()`;

/**
 * How many events are wrong: those the panel holds must be the newest, n - held + 1 .. n, once
 * each, in order (and, with `data`, with the firehose's data), and held + dropped must be n.
 */
const CHECK = (n: number, data: boolean) => `(() => {
  const store = globalThis.sseInspectorStore;
  const events = store.events.filter((e) => e.kind === 'event');
  const first = ${n} - events.length + 1;
  let wrong = Math.abs(events.length + store.counters.droppedEvents - ${n});
  for (let i = 0; i < events.length; i++) if (events[i].id !== String(first + i) || (${data} && events[i].data !== '{"n":' + (first + i) + '}')) wrong++;
  return wrong;
})()`;

async function panelNewest(panel: Frame): Promise<number> {
  return (await panel.evaluate(NEWEST)) as number;
}

/** One stream of `n` events: a firehose, or `rate` events a second. */
export async function pipelineRun(launched: Launched, server: BenchServer, kind: 'eventsource' | 'fetch', n: number, rate?: number): Promise<PipelineRun> {
  const page: Page = await launched.browser.newPage();
  try {
    await page.goto(`${server.origin}/blank`);
    const panel = await openPanel(launched, page);
    await panel.evaluate(RECORDER);
    const fn = kind === 'eventsource' ? 'pipelineEventSource' : 'pipelineFetch';
    const url = rate ? `/paced?n=${n}&rate=${rate}&r=${Math.random()}` : `/fire?n=${n}&r=${Math.random()}`;
    // At an ordinary rate the page notes every event (the lag is then each event's own).
    const got = (await page.evaluate(`${fn}('${url}', ${n}, ${rate ? 1 : 1000})`)) as { t0: number; t: number; marks: [number, number][] };
    // Until the panel holds the last event, or stops moving for 20 s.
    let last = -1;
    let still = Date.now();
    for (;;) {
      const newest = await panelNewest(panel);
      if (newest >= n) break;
      if (newest !== last) (last = newest), (still = Date.now());
      if (Date.now() - still > 20_000) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const samples = (await panel.evaluate('globalThis.benchSamples')) as [number, number][];
    const wrong = (await panel.evaluate(CHECK(n, !rate))) as number;
    const newest = await panelNewest(panel);
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
    for (const [t, newest] of samples) {
      if (newest === 0) continue;
      lagMs.push(t - pageTimeOf(Math.min(newest, n)));
      lagEvents.push(Math.max(0, pageCountAt(t) - newest));
    }
    const done = samples.find(([, c]) => c >= n);
    return {
      kind,
      n,
      rate,
      pageMs: got.t - got.t0,
      endToEndMs: done ? done[0] - got.t0 : null,
      panelNewest: newest,
      wrong,
      lagMs: { p50: percentile(lagMs, 50), p95: percentile(lagMs, 95), max: Math.max(...lagMs), final: done ? done[0] - got.t : null },
      lagEvents: { p50: percentile(lagEvents, 50), max: Math.max(...lagEvents) },
      load: load(),
    };
  } finally {
    await page.close().catch(() => undefined);
  }
}

/** A stream at an ordinary rate (an LLM's tokens, a feed): how soon the panel shows each event. */
const PACED = { n: 100, rate: 20 };

/** One run per stream kind and per firehose length in `ns`, then each kind at PACED's rate. */
export async function pipeline(name: BrowserName, server: BenchServer, ns: number[], say: (s: string) => void): Promise<PipelineRun[]> {
  const launched = await launch(name, { devtools: true });
  try {
    say(`\n== ${name}: pipeline, page → panel (${ns.map(int).join(', ')} events, the panel open${name === 'chromium' ? ' in DevTools' : ' as a tab'}) ==`);
    const runs: PipelineRun[] = [];
    for (const n of ns) for (const kind of ['eventsource', 'fetch'] as const) runs.push(await pipelineRun(launched, server, kind, n));
    for (const kind of ['eventsource', 'fetch'] as const) runs.push(await pipelineRun(launched, server, kind, PACED.n, PACED.rate));
    say(
      table(
        ['stream', 'events', 'page ms', 'page ev/s', 'end-to-end ev/s', 'newest in panel', 'lost/wrong', 'lag p50 ms', 'lag p95 ms', 'lag max ms', 'final lag ms', 'lag max events'],
        runs.map((r) => [
          r.rate ? `${r.kind} ${r.rate}/s` : r.kind,
          int(r.n),
          f0(r.pageMs),
          int((r.n / r.pageMs) * 1000),
          r.endToEndMs === null ? 'never' : int((r.n / r.endToEndMs) * 1000),
          int(r.panelNewest),
          String(r.wrong),
          f0(r.lagMs.p50),
          f0(r.lagMs.p95),
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
