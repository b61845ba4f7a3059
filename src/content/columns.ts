// The page hook's compact form for a burst of events, on the private channel only: the events
// of one stream in a row, by columns. Structured cloning of a few arrays costs a third of
// cloning an object per event, and the page hook makes no object per event. The bridge turns
// each run back into the `event` records of src/shared/protocol.ts before it validates them,
// so nothing past the bridge knows this form.
import type { PageRecord } from '../shared/protocol';

/** The same as `t.length` records `{ k: 'event', sid, t: t[i], type: type[i], data: data[i], id: id[i], origin }`. */
export interface EventRun {
  k: 'events';
  sid: number;
  origin: string;
  t: number[];
  type: string[];
  data: string[];
  id: string[];
}

/** What goes over the private channel: records, and runs of events. */
export type PageItem = PageRecord | EventRun;

/**
 * The records of `items`, each run spread into its events, up to `max` records: returns them and
 * how many records were left out past `max`. A malformed run is kept as it is: the bridge's
 * validation refuses it, counted.
 */
export function spreadRuns(items: readonly unknown[], max: number): { records: unknown[]; over: number } {
  const records: unknown[] = [];
  let over = 0;
  for (const item of items) {
    const run = item as Partial<EventRun> | null;
    if (typeof run !== 'object' || run === null || run.k !== 'events') {
      if (records.length < max) records.push(item);
      else over++;
      continue;
    }
    const { sid, origin, t, type, data, id } = run;
    if (!Array.isArray(t) || !Array.isArray(type) || !Array.isArray(data) || !Array.isArray(id) || type.length !== t.length || data.length !== t.length || id.length !== t.length) {
      if (records.length < max) records.push({ k: 'events' });
      else over++;
      continue;
    }
    const room = Math.max(0, Math.min(t.length, max - records.length));
    for (let i = 0; i < room; i++) records.push({ k: 'event', sid, t: t[i], type: type[i], data: data[i], id: id[i], origin });
    over += t.length - room;
  }
  return { records, over };
}
