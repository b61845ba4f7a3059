// The capture file (`*.sse-capture.json`): the project's own export format. It is the model as
// the panel holds it (streams, records, pages, counters: see model.ts and protocol.ts), plus
// where and when it was taken. Lossless: importing it gives the panel exactly what was exported.
// Its JSON Schema is capture.schema.json, beside this file; imports are checked against it.
import type { EventRecord, PageInfo, Stream } from '../model';
import type { Counters } from '../protocol';

export const CAPTURE_FORMAT = 'sse-inspector-capture';
export const CAPTURE_VERSION = 1;
export const CAPTURE_EXTENSION = '.sse-capture.json';

/** What the panel shows: the part of a capture an import hands to the panel's store. */
export interface CaptureLog {
  streams: Stream[];
  events: EventRecord[];
  /** The seq of the oldest record the log kept when exported (older ones were dropped). */
  firstSeq: number;
  pages: PageInfo[];
  counters: Counters;
}

/** A capture file's own facts: when, by what, from where, what was redacted (no records). */
export type CaptureInfo = Omit<Capture, keyof CaptureLog>;

/** Which part of the log was exported. */
export type CaptureScope = 'all' | 'stream' | 'filtered';

export interface Capture extends CaptureLog {
  format: typeof CAPTURE_FORMAT;
  version: typeof CAPTURE_VERSION;
  /** ISO 8601. */
  exportedAt: string;
  exportedBy: {
    /** "SSE Inspector 0.1.0". */
    tool: string;
    /** The browser's user agent string. */
    userAgent: string;
  };
  /** The inspected page's URL when exported. */
  pageUrl: string;
  scope: CaptureScope;
  /** What redaction replaced (each entry names a header or query parameter and how often); empty: nothing. */
  redacted: string[];
}

/** Counters of a log that dropped nothing (imported formats that have none). */
export const EMPTY_COUNTERS: Counters = { droppedEvents: 0, droppedStreams: 0, invalidRecords: 0, unsavedWrites: 0 };

/** A file that cannot be imported: the message says what is wrong with it, for the user. */
export class ImportError extends Error {
  override name = 'ImportError';
}

export interface CaptureMeta {
  exportedAt: Date;
  tool: string;
  userAgent: string;
  pageUrl: string;
  scope: CaptureScope;
  redacted: string[];
}

export function toCapture(log: CaptureLog, meta: CaptureMeta): Capture {
  return {
    format: CAPTURE_FORMAT,
    version: CAPTURE_VERSION,
    exportedAt: meta.exportedAt.toISOString(),
    exportedBy: { tool: meta.tool, userAgent: meta.userAgent },
    pageUrl: meta.pageUrl,
    scope: meta.scope,
    redacted: meta.redacted,
    firstSeq: log.firstSeq,
    pages: log.pages,
    counters: log.counters,
    streams: log.streams,
    events: log.events,
  };
}
