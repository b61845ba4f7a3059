// Browsers for the benchmarks: the same browser with and without the extension, open side by
// side for a whole section so that runs alternate between them; CPU time per process of each;
// and, in Chromium, a CPU profile of a page split into whose code ran (the page's, the page
// hook's, the bridge's, the browser's own work, garbage collection).
import puppeteer, { type LaunchOptions, type Page } from 'puppeteer-core';
import { evaluateInFirefoxChrome, launch, type BrowserName, type Launched } from '../scripts/launch';
import { cpuMsOf, processTree } from '../scripts/measure';

// puppeteer follows every request of every page over CDP / BiDi by default: for an EventSource
// that is one protocol message per event, sent through the browser process, which slows the
// page down (as DevTools' own network recording does). The benchmarks need none of it, so every
// browser they launch (through scripts/launch.ts) is told not to.
const puppeteerLaunch = puppeteer.launch.bind(puppeteer);
puppeteer.launch = (options?: LaunchOptions) => puppeteerLaunch({ ...options, networkEnabled: false });

export interface Pair {
  name: BrowserName;
  with: Launched;
  without: Launched;
  close(): Promise<void>;
}

export async function launchPair(name: BrowserName): Promise<Pair> {
  const withExt = await launch(name, { extension: true });
  const without = await launch(name, { extension: false }).catch(async (e: unknown) => {
    await withExt.close();
    throw e;
  });
  if (name === 'firefox') {
    // Firefox gives pages a clock of whole milliseconds, too coarse for a fetch firehose of 20 ms
    // or a call of less than one; with this pref off it is 20 µs, the finest it allows.
    for (const l of [withExt, without]) await evaluateInFirefoxChrome(l.browser, `Services.prefs.setBoolPref('privacy.reduceTimerPrecision', false)`);
    extensionPids.set(withExt, await firefoxExtensionPids(withExt));
  }
  return {
    name,
    with: withExt,
    without,
    close: async () => {
      await withExt.close();
      await without.close();
    },
  };
}

/** Opens `url` in a new tab of `launched`, runs `fn` on it, closes it. */
export async function inPage<T>(launched: Launched, url: string, fn: (page: Page) => Promise<T>): Promise<T> {
  const page = await launched.browser.newPage();
  try {
    await page.goto(url);
    return await fn(page);
  } finally {
    await page.close().catch(() => undefined);
  }
}

// ---- CPU time per process ------------------------------------------------------------------

export type ProcessKind = 'browser' | 'renderer' | 'extension' | 'network' | 'gpu' | 'other';

/**
 * Firefox's extension process (the background's) is a content process like the pages'; only
 * Firefox itself says which one it is.
 */
const extensionPids = new WeakMap<Launched, Set<number>>();
async function firefoxExtensionPids(launched: Launched): Promise<Set<number>> {
  // It starts with the background, shortly after the browser.
  for (let tries = 0; ; tries++) {
    const json = await evaluateInFirefoxChrome(launched.browser, `ChromeUtils.requestProcInfo().then((i) => JSON.stringify(i.children.filter((c) => c.type === 'extension').map((c) => c.pid)))`);
    const pids = JSON.parse(json as string) as number[];
    if (pids.length > 0 || tries === 50) return new Set(pids);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function kindOf(name: BrowserName, root: number, pid: number, cmdline: string, extension: Set<number> | undefined): ProcessKind {
  if (pid === root) return 'browser';
  if (extension?.has(pid)) return 'extension';
  if (name === 'chromium') {
    if (cmdline.includes('--type=renderer')) return cmdline.includes('--extension-process') ? 'extension' : 'renderer';
    if (cmdline.includes('NetworkService')) return 'network';
    if (cmdline.includes('--type=gpu-process')) return 'gpu';
    return 'other';
  }
  // Firefox: a child's type is the last word of its command line (tab, extension, socket, …).
  const last = cmdline.trim().split(' ').pop() ?? '';
  if (last === 'tab') return 'renderer';
  if (last === 'extension') return 'extension';
  if (last === 'socket') return 'network';
  if (last === 'gpu') return 'gpu';
  return 'other';
}

export type CpuByKind = Record<ProcessKind, number>;
const zero = (): CpuByKind => ({ browser: 0, renderer: 0, extension: 0, network: 0, gpu: 0, other: 0 });

/** CPU ms used so far by each kind of process of the browser (processes that ended are not counted). */
export function cpuNow(launched: Launched): Map<number, [ProcessKind, number]> {
  const root = launched.browser.process()?.pid;
  const out = new Map<number, [ProcessKind, number]>();
  if (root === undefined) return out;
  const extension = extensionPids.get(launched);
  for (const p of processTree(root)) out.set(p.pid, [kindOf(launched.name, root, p.pid, p.cmdline, extension), cpuMsOf(p.pid)]);
  return out;
}

/** CPU ms by kind of process between two cpuNow() readings (a process that started meanwhile counts whole). */
export function cpuSince(before: Map<number, [ProcessKind, number]>, after: Map<number, [ProcessKind, number]>): CpuByKind {
  const d = zero();
  for (const [pid, [kind, ms]] of after) d[kind] += ms - (before.get(pid)?.[1] ?? 0);
  return d;
}

export function addCpu(a: CpuByKind, b: CpuByKind): CpuByKind {
  const s = zero();
  for (const k of Object.keys(s) as ProcessKind[]) s[k] = a[k] + b[k];
  return s;
}

export const emptyCpu = zero;

// ---- Chromium: whose code ran in the page's renderer -----------------------------------------

export type Share = 'page' | 'page hook' | 'bridge' | 'browser (parse, dispatch, IPC)' | 'garbage collection' | 'idle';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

/**
 * Runs `fn` under the CPU profiler of `page`'s renderer (Chromium) and returns ms per share.
 * A native function called from script counts for the script that called it.
 */
export async function profileShares(page: Page, fn: () => Promise<unknown>): Promise<Record<Share, number>> {
  const session = await page.createCDPSession();
  try {
    await session.send('Profiler.enable');
    await session.send('Profiler.setSamplingInterval', { interval: 100 });
    await session.send('Profiler.start');
    await fn();
    const { profile } = await session.send('Profiler.stop');
    const nodes = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n as ProfileNode]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const shareOf = new Map<number, Share>();
    const classify = (id: number): Share => {
      const known = shareOf.get(id);
      if (known) return known;
      const { functionName, url } = nodes.get(id)!.callFrame;
      let share: Share;
      if (functionName === '(garbage collector)') share = 'garbage collection';
      else if (functionName === '(idle)') share = 'idle';
      else if (url.includes('page-hook')) share = 'page hook';
      else if (url.includes('bridge')) share = 'bridge';
      else if (url.startsWith('http')) share = 'page';
      else {
        const up = parent.get(id);
        share = up === undefined || nodes.get(up)!.callFrame.functionName === '(root)' ? 'browser (parse, dispatch, IPC)' : classify(up);
      }
      shareOf.set(id, share);
      return share;
    };
    const out: Record<Share, number> = { page: 0, 'page hook': 0, bridge: 0, 'browser (parse, dispatch, IPC)': 0, 'garbage collection': 0, idle: 0 };
    const deltas = profile.timeDeltas ?? [];
    for (let i = 0; i < profile.samples!.length; i++) out[classify(profile.samples![i]!)] += (deltas[i + 1] ?? 0) / 1000;
    return out;
  } finally {
    await session.detach().catch(() => undefined);
  }
}
