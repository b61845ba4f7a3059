// Measuring browsers: heaps over CDP, process memory from /proc, what the SSE panel shows.
// Shared by the soak (scripts/soak.ts) and the benchmarks (bench/).
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Frame, Target } from 'puppeteer-core';

export const MB = 1024 * 1024;
/** What the panel shows (see readPanel). */
export interface PanelCounts {
  summary: string;
  streams: number;
  events: number;
  dropped: number;
  /** "N changes could not be stored": the background's writes to storage that failed. */
  unsaved: number;
  /** Elements in the panel's document: a virtualised table keeps this flat. */
  domNodes: number;
  eventRows: number;
}


export const READ_TIMEOUT_MS = 15_000;

export function within<T>(promise: Promise<T>, what: string, ms = READ_TIMEOUT_MS): Promise<T> {
  return Promise.race([promise, sleep(ms).then(() => Promise.reject(new Error(`${what}: no answer in ${ms} ms`)))]);
}

export async function attempt<T>(what: string, errors: string[], fn: () => Promise<T>): Promise<T | null> {
  try {
    return await within(fn(), what);
  } catch (error) {
    errors.push(`${what}: ${(error as Error).message.split('\n')[0]}`);
    return null;
  }
}

export const toMB = (bytes: number | null | undefined) => (bytes === null || bytes === undefined ? null : bytes / MB);

/**
 * What the panel shows, from its DOM: the toolbar's "N streams · M events" and "K older events
 * dropped"; when the toolbar's wording does not parse, the sum of the stream rows' counts.
 */
export function readPanel(panel: Frame): Promise<PanelCounts> {
  // Source text, not a function: tsx would wrap a named inner function in a helper (__name)
  // that does not exist in the panel.
  return panel.evaluate(String.raw`(() => {
    const number = (text, re) => {
      const m = re.exec(text ?? '');
      return m ? Number(m[1].replace(/\D/g, '')) : NaN;
    };
    const summary = document.querySelector('[data-testid="summary"]')?.textContent ?? '';
    const rows = [...document.querySelectorAll('[data-testid="stream-events"]')].map((e) => number(e.textContent, /(\d[\d,.\s]*)\s*event/));
    const fromToolbar = number(summary, /(\d[\d,.\s]*)\s*event/);
    const streams = number(summary, /(\d[\d,.\s]*)\s*stream/);
    return {
      summary,
      streams: Number.isNaN(streams) ? rows.length : streams,
      events: Number.isNaN(fromToolbar) ? rows.reduce((a, b) => a + (b || 0), 0) : fromToolbar,
      dropped: number(document.querySelector('[data-testid="dropped"]')?.textContent, /(\d[\d,.\s]*)\s*older event/) || 0,
      unsaved: number(document.querySelector('[data-testid="unsaved"]')?.textContent, /(\d[\d,.\s]*)\s*change/) || 0,
      domNodes: document.getElementsByTagName('*').length,
      eventRows: document.querySelectorAll('[data-testid="event-row"]').length,
    };
  })()`) as Promise<PanelCounts>;
}

// ---------------------------------------------------------------------------------------------
// Process memory from /proc: the browser's process tree

export interface Proc {
  pid: number;
  ppid: number;
  /** Zygote-forked processes (Chromium's renderers) have it all in one string. */
  cmdline: string;
}

export function processTree(root: number): Proc[] {
  const all: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may contain spaces and parentheses: fields start after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      all.push({ pid: Number(entry), ppid, cmdline: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ') });
    } catch {
      // The process ended while we looked.
    }
  }
  const inTree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (inTree.has(p.pid) || !inTree.has(p.ppid)) continue;
      inTree.add(p.pid);
      grew = true;
    }
  }
  return all.filter((p) => inTree.has(p.pid));
}

/** RSS and PSS in bytes (0 when the process is gone). */
export function residentOf(pid: number): { rss: number; pss: number } {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0) * 1024;
    return { rss: kB('Rss'), pss: kB('Pss') };
  } catch {
    return { rss: 0, pss: 0 };
  }
}

export function processMemory(root: number | undefined, isExtension: (p: Proc) => boolean, pagePid: number | undefined) {
  if (root === undefined) return { rssMB: null, pssMB: null, extRssMB: null, pageRssMB: null, processes: 0 };
  let rss = 0;
  let pss = 0;
  let ext: number | null = null;
  let page: number | null = null;
  const procs = processTree(root);
  for (const p of procs) {
    const m = residentOf(p.pid);
    rss += m.rss;
    pss += m.pss;
    if (isExtension(p)) ext = (ext ?? 0) + m.rss;
    if (p.pid === pagePid) page = m.rss;
  }
  return { rssMB: rss / MB, pssMB: pss / MB, extRssMB: toMB(ext), pageRssMB: toMB(page), processes: procs.length };
}

// ---------------------------------------------------------------------------------------------
// Chromium: heaps over CDP, one short session per target and sample. (A session left on the
// service worker can keep its successor from starting, TESTING.md says.)

export async function heapOf(target: Target | undefined, collect: boolean): Promise<number | null> {
  if (!target) return null;
  const session = await target.createCDPSession();
  try {
    if (collect) await session.send('HeapProfiler.collectGarbage');
    return (await session.send('Runtime.getHeapUsage')).usedSize;
  } finally {
    await session.detach().catch(() => undefined);
  }
}

/** CPU time (user + system) a process has used so far, in ms (0 when it is gone). */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (USER_HZ: 100 on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}
