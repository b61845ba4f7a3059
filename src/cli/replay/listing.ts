// What a replay serves, in words (printed at start, and served at `/`) and as JSON.
import type { ReplayPlan, StreamPlan } from './plan';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The URLs a stream is replayed at: /streams/<n>, and its original path when unique. */
export function replayUrls(s: StreamPlan, base: string): string[] {
  return [`${base}/streams/${s.n}`, ...(s.path !== undefined ? [base + s.path] : [])];
}

/** "#1 eventsource GET https://…/events — 3 attempts, 12 events → http://127.0.0.1:P/streams/1 (also …)" */
export function describeStream(s: StreamPlan, base: string): string {
  const [main, ...also] = replayUrls(s, base);
  return (
    `#${s.n} ${s.kind} ${s.method} ${s.url} — ${plural(s.attempts.length, 'attempt')}, ${plural(s.events, 'event')} → ${main}` +
    (also.length > 0 ? ` (also ${also.join(', ')})` : '')
  );
}

/** One line per stream, then the notes (indented under their stream). */
export function listingText(plan: ReplayPlan, base: string): string[] {
  return [
    ...plan.streams.flatMap((s) => [describeStream(s, base), ...s.notes.map((n) => `    note: ${n}`)]),
    ...plan.notes.map((n) => `note: ${n}`),
  ];
}

export function listingJson(plan: ReplayPlan, base: string, connections: readonly number[]) {
  return {
    speed: plan.speed,
    streams: plan.streams.map((s) => ({
      n: s.n,
      kind: s.kind,
      method: s.method,
      url: s.url,
      attempts: s.attempts.length,
      events: s.events,
      replayUrls: replayUrls(s, base),
      /** Connections served so far (the ones past `attempts` got 204). */
      connections: connections[s.n - 1] ?? 0,
      notes: s.notes,
    })),
    notes: plan.notes,
  };
}
