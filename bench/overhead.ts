// 1. Page overhead, and 5. idle cost: the same browser with and without the extension, open
// side by side, runs alternating between them (which one goes first alternates too).
import type { Page } from 'puppeteer-core';
import { addCpu, cpuNow, cpuSince, emptyCpu, inPage, profileShares, type CpuByKind, type Pair, type Share } from './browsers';
import type { BenchServer } from './server';
import { load, median, percentile } from './stats';

export interface Arms<T> {
  with: T[];
  without: T[];
}

export interface FirehoseResult {
  kind: 'eventsource' | 'fetch';
  n: number;
  /** ms from the page's `new EventSource` / `fetch()` to its last event, per run. */
  ms: Arms<number>;
  /** ms from the first event to the last, per run. */
  steadyMs: Arms<number>;
  /** fetch: ms from `fetch()` to its Response, per run (the request's own cost, before any body). */
  responseMs?: Arms<number>;
  /** CPU ms per run, by process, averaged over the runs. */
  cpu: { with: CpuByKind; without: CpuByKind };
  /** Chromium, with the extension: ms in the page's renderer by whose code ran, one extra run. */
  shares?: Record<Share, number>;
  load: [number, number, number];
}

/** Runs `body` alternately in the two browsers, `runs` times each (after one warm-up each). */
async function alternate<T>(runs: number, body: (which: 'with' | 'without') => Promise<T>): Promise<Arms<T>> {
  await body('with');
  await body('without');
  const out: Arms<T> = { with: [], without: [] };
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? (['with', 'without'] as const) : (['without', 'with'] as const);
    for (const which of order) out[which].push(await body(which));
  }
  return out;
}

const call = (fn: string, ...args: unknown[]) => `${fn}(${args.map((a) => JSON.stringify(a)).join(', ')})`;

export async function firehose(pair: Pair, server: BenchServer, kind: 'eventsource' | 'fetch', n: number, runs: number, log: (s: string) => void): Promise<FirehoseResult> {
  const fn = kind === 'eventsource' ? 'benchEventSource' : 'benchFetch';
  const url = `/fire?n=${n}`;
  const cpu = { with: emptyCpu(), without: emptyCpu() };
  const results = await alternate(runs, async (which) => {
    const launched = pair[which];
    return inPage(launched, `${server.origin}/blank`, async (page) => {
      const before = cpuNow(launched);
      const r = (await page.evaluate(call(fn, `${url}&r=${Math.random()}`, n))) as { ms: number; firstMs: number; responseMs?: number };
      // What the extension does after the page has its events (the background's parsing and
      // storing) is part of its cost: wait until the browser is quiet again.
      await settle(launched.browser.process()?.pid, launched, before);
      cpu[which] = addCpu(cpu[which], cpuSince(before, cpuNow(launched)));
      log(`  ${kind} ${which === 'with' ? 'with   ' : 'without'} ${r.ms.toFixed(0)} ms`);
      return r;
    });
  });
  for (const which of ['with', 'without'] as const) for (const k of Object.keys(cpu[which]) as (keyof CpuByKind)[]) cpu[which][k] /= runs + 1;
  let shares: Record<Share, number> | undefined;
  if (pair.name === 'chromium') {
    shares = await inPage(pair.with, `${server.origin}/blank`, (page: Page) => profileShares(page, () => page.evaluate(call(fn, `${url}&r=profile`, n))));
  }
  return {
    kind,
    n,
    ms: { with: results.with.map((r) => r.ms), without: results.without.map((r) => r.ms) },
    steadyMs: { with: results.with.map((r) => r.ms - r.firstMs), without: results.without.map((r) => r.ms - r.firstMs) },
    ...(kind === 'fetch' ? { responseMs: { with: results.with.map((r) => r.responseMs!), without: results.without.map((r) => r.responseMs!) } } : {}),
    cpu,
    shares,
    load: load(),
  };
}

/** Waits (up to 10 s) until the browser's processes use less than 5 % of a core over 200 ms. */
async function settle(root: number | undefined, launched: Pair['with'], _before: unknown): Promise<void> {
  if (root === undefined) return;
  const end = Date.now() + 10_000;
  let last = cpuNow(launched);
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 200));
    const now = cpuNow(launched);
    const used = Object.values(cpuSince(last, now)).reduce((a, b) => a + b, 0);
    last = now;
    if (used <= 10) return;
  }
}

export type FloorExtra = 'noop' | 'keep' | 'read' | 'wrap' | 'copy';

export interface FloorResult {
  extra: FloorExtra;
  /** Without the extension: plain page vs the page with the extra listener. */
  ms: { plain: number[]; extra: number[] };
  load: [number, number, number];
}

/**
 * What any in-page observer costs at the least, without the extension: the same firehose with
 * the page doing one more thing, alternating with the plain page. EventSource: one more
 * listener that does nothing ('noop'), that keeps each event ('keep'), or that reads what the
 * page hook reads into arrays ('read'); or no more listener, the page's handler wrapped by one
 * that keeps each event ('wrap'). fetch ('copy'): a copy of each chunk kept.
 */
export async function floor(pair: Pair, server: BenchServer, n: number, runs: number, extra: FloorExtra): Promise<FloorResult> {
  const launched = pair.without;
  const fn = extra === 'copy' ? 'benchFetch' : 'benchEventSource';
  const one = (variant: string | undefined) =>
    inPage(launched, `${server.origin}/blank`, async (page) => ((await page.evaluate(call(fn, `/fire?n=${n}&r=${Math.random()}`, n, variant ?? null))) as { ms: number }).ms);
  const arms = await alternate(runs, (which) => one(which === 'with' ? extra : undefined));
  return { extra, ms: { plain: arms.without, extra: arms.with }, load: load() };
}

export interface LatencyResult {
  kind: 'eventsource' | 'fetch';
  rate: number;
  n: number;
  delays: Arms<number>;
  load: [number, number, number];
}

/** Per-event delay from the server's write to the page's listener, at a steady rate. */
export async function latency(pair: Pair, server: BenchServer, kind: 'eventsource' | 'fetch', n: number, rate: number, runs: number): Promise<LatencyResult> {
  const fn = kind === 'eventsource' ? 'latencyEventSource' : 'latencyFetch';
  const arms = await alternate(runs, (which) =>
    inPage(pair[which], `${server.origin}/blank`, (page) => page.evaluate(call(fn, `/paced?n=${n}&rate=${rate}&r=${Math.random()}`, n)) as Promise<number[]>),
  );
  return { kind, rate, n, delays: { with: arms.with.flat(), without: arms.without.flat() }, load: load() };
}

export interface CreateResult {
  n: number;
  ms: Arms<number>;
  shares?: Record<Share, number>;
  load: [number, number, number];
}

/** 10 000 EventSources created and closed in a loop. */
export async function creation(pair: Pair, server: BenchServer, n: number, runs: number): Promise<CreateResult> {
  const arms = await alternate(runs, (which) =>
    inPage(pair[which], `${server.origin}/blank`, (page) => page.evaluate(call('benchCreate', `/fire?n=1&r=${Math.random()}`, n)) as Promise<number>),
  );
  let shares: Record<Share, number> | undefined;
  if (pair.name === 'chromium') {
    shares = await inPage(pair.with, `${server.origin}/blank`, (page) => profileShares(page, () => page.evaluate(call('benchCreate', '/fire?n=1&r=profile', n))));
  }
  return { n, ms: arms, shares, load: load() };
}

export interface IdleResult {
  /** loadEventEnd of the navigation, ms. */
  load: Arms<number>;
  /** domContentLoadedEventEnd, ms. */
  dcl: Arms<number>;
  loadavg: [number, number, number];
}

/** A page with no SSE at all: its load time, with and without the extension. */
export async function idle(pair: Pair, server: BenchServer, runs: number): Promise<IdleResult> {
  const arms = await alternate(runs, (which) =>
    inPage(pair[which], `${server.origin}/idle?r=${Math.random()}`, async (page) => {
      await page.waitForFunction(() => performance.getEntriesByType('navigation')[0] && (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd > 0, { polling: 50 });
      return page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return { load: nav.loadEventEnd - nav.startTime, dcl: nav.domContentLoadedEventEnd - nav.startTime };
      });
    }),
  );
  return {
    load: { with: arms.with.map((r) => r.load), without: arms.without.map((r) => r.load) },
    dcl: { with: arms.with.map((r) => r.dcl), without: arms.without.map((r) => r.dcl) },
    loadavg: load(),
  };
}

/**
 * Chromium: the page's longest task during a firehose and in the 3 s after it (Long Tasks API;
 * null in Firefox, which has none). A task of 50 ms or more delays the page's input that long.
 */
export async function longestTask(pair: Pair, server: BenchServer, kind: 'eventsource' | 'fetch', n: number, runs: number): Promise<Arms<{ during: number; after: number } | null>> {
  const fn = kind === 'eventsource' ? 'benchEventSource' : 'benchFetch';
  return alternate(runs, (which) =>
    inPage(pair[which], `${server.origin}/blank`, (page) => page.evaluate(call('benchLongestTask', fn, `/fire?n=${n}&r=${Math.random()}`, n, 3000)) as Promise<{ during: number; after: number } | null>),
  );
}

/**
 * A page left as soon as it has a fetch firehose of `n` events (its capture is sent at
 * pagehide): ms from the navigation's start to the next page's DOMContentLoaded.
 */
export async function leaveAfterFetch(pair: Pair, server: BenchServer, n: number, runs: number): Promise<Arms<number>> {
  return alternate(runs, (which) =>
    inPage(pair[which], `${server.origin}/blank`, async (page) => {
      await page.evaluate(call('benchFetch', `/fire?n=${n}&r=${Math.random()}`, n));
      const navigated = page.waitForNavigation({ waitUntil: 'domcontentloaded' });
      await page.evaluate(call('benchLeave', `/blank?left=${Math.random()}`));
      await navigated;
      return (await page.evaluate('benchLeft()')) as number;
    }),
  );
}

/**
 * What each request of any page pays: `n` small fetches one after the other (the extension
 * follows every request: its page hook wraps fetch, its background listens to webRequest).
 */
export async function requests(pair: Pair, server: BenchServer, n: number, runs: number): Promise<Arms<number>> {
  return alternate(runs, (which) => inPage(pair[which], `${server.origin}/blank`, (page) => page.evaluate(call('benchRequests', `/json?r=${Math.random()}`, n)) as Promise<number>));
}

/** ms per upload of an `mb` MB body, `n` in a row (what the network observer costs a page's uploads). */
export async function uploads(pair: Pair, server: BenchServer, mb: number, n: number, runs: number): Promise<Arms<number>> {
  return alternate(runs, (which) => inPage(pair[which], `${server.origin}/blank`, (page) => page.evaluate(call('benchUploads', `/sink?r=${Math.random()}`, mb, n)) as Promise<number>));
}

export interface FirstCalls {
  response: Arms<number>;
  cancel: Arms<number>;
  open: Arms<number>;
}

/**
 * A page's first calls that our hooks sit in, each in a fresh page (benchFirstFetch and
 * benchFirstOpen in page.js): ms each. Fresh pages, because what a hook costs the first time in
 * a page (in Chromium, its first exception) is paid once per page by whichever call comes first.
 */
export async function firstCalls(pair: Pair, server: BenchServer, runs: number): Promise<FirstCalls> {
  type Times = { responseMs: number; cancelMs: number; openMs: number };
  const r = await alternate(runs, async (which): Promise<Times> => {
    const url = `/fire?n=10&r=${Math.random()}`;
    const fetched = (await inPage(pair[which], `${server.origin}/blank`, (page) => page.evaluate(call('benchFirstFetch', url)))) as Omit<Times, 'openMs'>;
    const openMs = (await inPage(pair[which], `${server.origin}/blank`, (page) => page.evaluate(call('benchFirstOpen', url)))) as number;
    return { ...fetched, openMs };
  });
  const arms = (k: keyof Times): Arms<number> => ({ with: r.with.map((t) => t[k]), without: r.without.map((t) => t[k]) });
  return { response: arms('responseMs'), cancel: arms('cancelMs'), open: arms('openMs') };
}

/** Ratio of the medians, and the median of back-to-back pairs' ratios. */
export function ratios(arms: Arms<number>): { with: number; without: number; ratio: number; paired: number } {
  const w = median(arms.with);
  const wo = median(arms.without);
  const n = Math.min(arms.with.length, arms.without.length);
  const paired = median(Array.from({ length: n }, (_, i) => arms.with[i]! / arms.without[i]!));
  return { with: w, without: wo, ratio: w / wo, paired };
}

export const p = percentile;
