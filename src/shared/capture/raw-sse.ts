// Raw text/event-stream: one stream's records written back as the text an SSE server sends, and
// such a text (a saved response body, a `curl -N` log) read as a capture of one stream.
// Pure functions: no DOM, no browser APIs.
import type { Attempt, EventRecord, Stream } from '../model';
import { LIMITS } from '../protocol';
import { toSse } from '../sse/format';
import { SseParser, type SseRecord } from '../sse/parser';
import { utf8Length } from '../text';
import { EMPTY_COUNTERS, ImportError, type CaptureLog } from './capture';

/**
 * The text/event-stream of one stream: its records (in seq order) as an SSE server sent them.
 *
 * A record's `raw` (the wire text of its block, which fetch/XHR bodies have) is written as it
 * is; any other record is written by `toSse`. Comments and `retry` fields are records of their
 * own but also lines of the block they came in: those inside an event's `raw` (the records just
 * before it) are written only there, once. Blocks that dispatched nothing are not records: when
 * an event's id came from one (`id: 7` on its own, then `data: …`), the `id:` block is written
 * again before it.
 *
 * A `raw` that no longer matches its record (cut to the capture limits with a truncated event,
 * or not the block that gave this record) is not used: the record is written by `toSse`.
 * So parsing the result with SseParser gives the records' (kind, type, id, data), in order.
 * What the log never had is not in it: a byte-order mark, the stream's unterminated last block
 * (`Attempt.discarded`), and the lone LF of a CRLF split across chunks after a block's CR.
 */
export function toRawSse(events: readonly EventRecord[]): string {
  const out: string[] = [];
  /** The last event ID a parser reading `out` holds. */
  let lastId = '';
  /** Comments and retry fields since the last event: the next event's raw may hold some of them. */
  let pending: EventRecord[] = [];
  const flush = (upTo: number) => {
    for (let i = 0; i < upTo; i++) out.push(toSse(pending[i]!));
  };
  for (const e of events) {
    if (e.kind !== 'event') {
      pending.push(e);
      continue;
    }
    const block = e.raw === undefined ? null : rawBlock(e as EventRecord & { raw: string }, lastId, pending);
    if (block) {
      flush(pending.length - block.inside);
      if (block.setId) out.push(e.id === '' ? 'id:\n\n' : `id: ${e.id}\n\n`);
      out.push(e.raw!);
    } else {
      flush(pending.length);
      out.push(toSse(e, lastId));
    }
    pending = [];
    lastId = e.id;
  }
  flush(pending.length);
  return out.join('');
}

/**
 * Whether an event's raw text is its block: parsed on its own it must give exactly this event
 * (type, data, id) and no other block. `inside`: how many of the pending comments and retry
 * fields (the last ones) are lines of it; `setId`: its id comes from before the block (a block
 * that dispatched nothing), so an `id:` block must precede it.
 */
function rawBlock(e: EventRecord & { raw: string }, lastId: string, pending: readonly EventRecord[]): { inside: number; setId: boolean } | null {
  const parsed = parseBlock(e.raw, e.id);
  if (!parsed || parsed.type !== e.type || parsed.data !== e.data || parsed.id !== e.id) return null;
  const inner = parsed.inner;
  if (inner.length > pending.length) return null;
  const offset = pending.length - inner.length;
  for (let i = 0; i < inner.length; i++) {
    const p = pending[offset + i]!;
    if (p.kind !== inner[i]!.kind || p.data !== inner[i]!.data) return null;
  }
  // With the id in effect before it, does the block still give the event's id?
  const setId = lastId !== e.id && parseBlock(e.raw, lastId)?.id !== e.id;
  return { inside: inner.length, setId };
}

interface ParsedBlock {
  type: string;
  data: string;
  id: string;
  /** The comments and retry fields among its lines, in order. */
  inner: { kind: 'comment' | 'retry'; data: string }[];
}

/** A text that is one complete block dispatching one event; null otherwise. */
function parseBlock(raw: string, lastEventId: string): ParsedBlock | null {
  let event: ParsedBlock | null = null;
  let other = false;
  const inner: ParsedBlock['inner'] = [];
  const parser = new SseParser(
    (r) => {
      if (r.kind === 'event' && event === null) event = { type: r.type, data: r.data, id: r.id, inner };
      else if (event !== null || r.kind === 'event' || r.kind === 'no-data') other = true;
      else if (r.kind === 'comment') inner.push({ kind: 'comment', data: r.text });
      else if (r.kind === 'retry') inner.push({ kind: 'retry', data: String(r.ms) });
    },
    { lastEventId },
  );
  parser.feed(raw);
  if (parser.end().discarded !== '' || other) return null;
  return event;
}

/** The stream id of a raw import. */
export const RAW_IMPORT_STREAM_ID = 'import:1';

/**
 * Reads a text/event-stream file as a capture of one stream (`import:1`, a `fetch` stream whose
 * URL is the file's name, read as a response body: source `response-body`, one attempt, closed).
 * Its records are what SseParser finds, in order: events with their raw text, comments and
 * retry fields; an unterminated last block is the attempt's `discarded` text. Data over the
 * capture limit is cut as the extension cuts it (`truncated`, with its true size).
 *
 * The file carries no times: every record, and the stream's start and end, are given the file's
 * `lastModified` time, so gaps and rates mean nothing for such an import.
 *
 * Throws ImportError for a text that is not an event stream: one with a NUL byte (binary), or
 * with no event, comment, retry or id field at all (HTML, JSON, anything else).
 */
export function fromRawSse(text: string, file: { name: string; lastModified: number }): CaptureLog {
  const time = Number.isFinite(file.lastModified) ? file.lastModified : 0;
  if (text.indexOf('\0') !== -1) {
    throw new ImportError('it does not look like a text/event-stream: it contains NUL bytes (a binary file?)');
  }
  const streamId = RAW_IMPORT_STREAM_ID;
  const events: EventRecord[] = [];
  const base = { streamId, attempt: 1, time, type: '', id: '', origin: '', source: 'response-body' } as const;
  /** Field lines that only an event stream has: a dispatched block, a comment, a retry, an event type or id. */
  let evidence = 0;
  let ignored = 0;
  let lastEventId = '';
  let retry: number | undefined;
  let eventCount = 0;
  const parser = new SseParser((r) => {
    const seq = events.length + 1;
    switch (r.kind) {
      case 'event': {
        events.push({ ...base, seq, kind: 'event', type: r.type, id: r.id, ...capped(r.data), raw: r.raw.slice(0, LIMITS.data) });
        lastEventId = r.id;
        eventCount++;
        evidence++;
        break;
      }
      case 'comment':
        events.push({ ...base, seq, kind: 'comment', ...capped(r.text) });
        evidence++;
        break;
      case 'retry':
        events.push({ ...base, seq, kind: 'retry', data: String(r.ms), size: 0 });
        retry = r.ms;
        evidence++;
        break;
      case 'no-data':
        lastEventId = r.id;
        if (isEvidence(r)) evidence++;
        break;
      case 'ignored':
        ignored++;
        break;
    }
  });
  parser.feed(text);
  const { discarded } = parser.end();
  const tail = readTail(discarded);
  if (evidence === 0 && !tail.evidence) {
    ignored += tail.ignored;
    const what = text === '' ? 'it is empty' : text.trim() === '' ? 'it has only blank lines' : `no event, comment, retry or id field${ignored > 0 ? `, only ${ignored} line${ignored === 1 ? '' : 's'} an SSE client ignores` : ''}`;
    throw new ImportError(`it does not look like a text/event-stream (${what})`);
  }
  const attempt: Attempt = { n: 1, startedAt: time, openedAt: time, headersAt: time, endedAt: time, end: 'done', contentType: 'text/event-stream' };
  if (discarded !== '') attempt.discarded = discarded;
  const stream: Stream = {
    id: streamId,
    page: 1,
    kind: 'fetch',
    url: file.name,
    withCredentials: false,
    frame: { id: 0, url: '', top: true },
    createdAt: time,
    initiator: '',
    stack: '',
    state: 'closed',
    attempts: [attempt],
    eventCount,
    bytes: utf8Length(text),
    lastEventId,
    listenedTypes: [],
    source: 'response-body',
  };
  if (retry !== undefined) stream.retry = retry;
  return { streams: [stream], events, firstSeq: 1, pages: [{ n: 1, url: '', startedAt: 0 }], counters: { ...EMPTY_COUNTERS } };
}

/** A record only an event stream gives: a block of unknown fields ("<html>" lines) dispatches nothing and sets nothing. */
const isEvidence = (r: SseRecord) => r.kind === 'event' || r.kind === 'comment' || r.kind === 'retry' || (r.kind === 'no-data' && (r.type !== '' || r.idChanged));

/** The unterminated last block, as if it ended: has it a field an event stream has (`data: x` with no blank line after it)? */
function readTail(tail: string): { evidence: boolean; ignored: number } {
  const result = { evidence: false, ignored: 0 };
  if (tail === '') return result;
  let ending = false;
  const parser = new SseParser((r) => {
    if (isEvidence(r)) result.evidence = true;
    // Ignored lines of the tail were counted already, but for its unterminated last line.
    else if (r.kind === 'ignored' && ending) result.ignored++;
  });
  parser.feed(tail);
  ending = true;
  parser.feed('\n\n');
  return result;
}

/** Data as the extension keeps it: cut to LIMITS.data, with its true UTF-8 size (as tab-log does). */
function capped(data: string): { data: string; size: number; truncated?: true } {
  const size = utf8Length(data);
  return data.length > LIMITS.data ? { data: data.slice(0, LIMITS.data), size, truncated: true } : { data, size };
}
