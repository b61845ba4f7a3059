// How values are written in the panel. Pure.

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Local wall-clock time with milliseconds: 14:03:07.412 */
export function clockTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** A duration as a person reads it: 850 ms, 3.0 s, 2 min 5 s (rounded before choosing the unit). */
export function duration(ms: number): string {
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  if (Math.round(ms / 100) < 600) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** "1 event", "3 events". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** A large count with its thousands apart: "12 034" (no-break spaces). */
export function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, '\u00a0');
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (Math.round((n / 1024) * 10) < 10240) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Path and query of a URL, for lists; the full URL goes in a tooltip. */
export function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search || url;
  } catch {
    return url;
  }
}
