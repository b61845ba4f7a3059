// Opening a file in the panel or the viewer: a capture, a HAR with `_eventSourceMessages`, or a
// raw text/event-stream, told apart by their content (not their names). A file that is none of
// them, or is damaged, is refused with an ImportError that names the file and what is wrong;
// nothing is shown until the whole file has been read and checked.
import { ImportError, type CaptureInfo, type CaptureLog } from './capture';
import { fromHar } from './har';
import { fromRawSse } from './raw-sse';
import { parseCapture, parseJson } from './read';

export type ImportFormat = 'capture' | 'har' | 'sse';

export interface Imported {
  name: string;
  format: ImportFormat;
  log: CaptureLog;
  /** The capture file's own facts (when, from where, what was redacted); only for captures. */
  info?: CaptureInfo;
}

/** What a File gives; tests pass plain objects. */
export interface ImportSource {
  name: string;
  size: number;
  lastModified: number;
  text(): Promise<string>;
}

/** Larger files would not fit in one string in the browser (V8's limit is about 512 MiB). */
export const MAX_IMPORT_BYTES = 500 * 1024 * 1024;

export async function importFile(file: ImportSource, maxEvents: number): Promise<Imported> {
  const refuse = (why: string): never => {
    throw new ImportError(`Cannot open ${file.name}: ${why}.`);
  };
  if (file.size > MAX_IMPORT_BYTES) refuse(`it is ${megabytes(file.size)}; SSE Inspector opens files up to ${megabytes(MAX_IMPORT_BYTES)}`);
  if (file.size === 0) refuse('it is empty');
  try {
    const text = await file.text();
    const imported = read(file, text);
    return { ...imported, log: bounded(imported.log, maxEvents) };
  } catch (e) {
    if (e instanceof ImportError) return refuse(e.message);
    // A file the browser could not read, or memory: still the user's answer, not a crash.
    return refuse(`it could not be read (${e instanceof Error ? e.message : String(e)})`);
  }
}

function read(file: ImportSource, text: string): Imported {
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return { name: file.name, format: 'sse', log: fromRawSse(text, file) };
  const json = parseJson(text);
  if (typeof json === 'object' && json !== null && 'format' in json) {
    // The facts apart from the records: whoever keeps them does not keep every record read.
    const { streams, events, firstSeq, pages, counters, ...info } = parseCapture(json);
    return { name: file.name, format: 'capture', log: { streams, events, firstSeq, pages, counters }, info };
  }
  if (typeof json === 'object' && json !== null && 'log' in json) return { name: file.name, format: 'har', log: fromHar(json) };
  throw new ImportError('it is JSON, but neither an SSE Inspector capture (no "format") nor a HAR file (no "log")');
}

/**
 * The newest `maxEvents` records, the older ones dropped and counted as the background does:
 * an import is held to the same memory bound as a live capture.
 */
export function bounded(log: CaptureLog, maxEvents: number): CaptureLog {
  const drop = log.events.length - maxEvents;
  if (drop <= 0) return log;
  const events = log.events.slice(drop);
  return { ...log, events, firstSeq: events[0]!.seq, counters: { ...log.counters, droppedEvents: log.counters.droppedEvents + drop } };
}

const megabytes = (n: number) => `${Math.round(n / (1024 * 1024)).toLocaleString('en-US')} MB`;
