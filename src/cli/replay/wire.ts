// The text an SSE server sends for the records of one connection (attempt), record by record.
//
// An event's `raw` is its block exactly as it came on the wire, comment and retry lines
// included; those lines were also recorded on their own (as comment and retry records, just
// before the event). So when a raw block is used, the comment and retry records it contains
// are not written a second time. A raw block is used only when reading it back gives the
// recorded event: raw is missing for sources that never see the wire (a native EventSource),
// cut for huge events, and misses an `id:` that came in an earlier block without data.
import type { EventRecord } from '../../shared/model';
import { toSse } from '../../shared/sse/format';
import { SseParser } from '../../shared/sse/parser';

export interface WireRecord {
  /** Arrival time of the record (epoch ms). */
  time: number;
  /** What to write for it; '' when another record's raw block already carries it. */
  text: string;
}

/**
 * A last event id no record can have (an `id:` containing NUL is ignored by the parser):
 * starting from it, the first event always writes its `id:` line.
 */
export const UNKNOWN_ID = '\0';

/**
 * The wire text of `records` (one attempt's, in order), given the client's last event id
 * when the connection starts ('' for a first connection; UNKNOWN_ID when the client's state
 * is not known, e.g. after a reconnect).
 */
export function wireRecords(records: readonly EventRecord[], lastEventId = ''): WireRecord[] {
  const out: WireRecord[] = [];
  let id = lastEventId;
  for (const r of records) {
    if (r.kind === 'event' && r.raw !== undefined && useRaw(r, id, out, records)) {
      out.push({ time: r.time, text: r.raw });
    } else {
      out.push({ time: r.time, text: toSse(r, id) });
    }
    if (r.kind === 'event') id = r.id;
  }
  return out;
}

/** A comment or retry record as the parser reports it, to compare with a raw block's lines. */
const extraOf = (r: Pick<EventRecord, 'kind' | 'data'>) => `${r.kind}:${r.data}`;

/**
 * Whether event `r`'s raw block reads back as `r` after last event id `id`; if so, blanks the
 * texts in `out` of the comment and retry records (just before it) that the block contains.
 */
function useRaw(r: EventRecord, id: string, out: WireRecord[], records: readonly EventRecord[]): boolean {
  const events: { type: string; id: string; data: string }[] = [];
  const extras: string[] = [];
  const parser = new SseParser(
    (p) => {
      if (p.kind === 'event') events.push(p);
      else if (p.kind === 'comment') extras.push(extraOf({ kind: 'comment', data: p.text }));
      else if (p.kind === 'retry') extras.push(extraOf({ kind: 'retry', data: String(p.ms) }));
    },
    { lastEventId: id },
  );
  parser.feed(r.raw!);
  const e = events[0];
  if (events.length !== 1 || e!.type !== r.type || e!.id !== r.id || e!.data !== r.data) return false;
  // The block's comment and retry lines are the records just before this event.
  const before = out.length;
  if (extras.length > before) return false;
  for (let k = 0; k < extras.length; k++) {
    const prior = records[before - extras.length + k]!;
    if (prior.kind === 'event' || extraOf(prior) !== extras[k]) return false;
  }
  for (let k = before - extras.length; k < before; k++) out[k]!.text = '';
  return true;
}
