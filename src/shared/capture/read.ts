// Reading a capture file back: every check an untrusted file needs before the panel shows it,
// each failure said in words that name the place ("events[3].time must be a number").
import { CAPTURE_FORMAT, CAPTURE_VERSION, ImportError, type Capture } from './capture';
import schema from './capture.schema.json';
import { schemaErrors, type Schema } from './schema-check';

/** Reads a capture file's text (the file's name goes in front of the message by the caller). */
export function readCapture(text: string): Capture {
  return parseCapture(parseJson(text));
}

/** JSON.parse with a message a user can act on. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ImportError(`it is not valid JSON (cut short, or not JSON at all): ${(e as Error).message}`);
  }
}

export function parseCapture(json: unknown): Capture {
  const o = json as Partial<Capture> | null;
  if (typeof o !== 'object' || o === null || o.format !== CAPTURE_FORMAT) {
    throw new ImportError(`it is not an SSE Inspector capture (no "format": "${CAPTURE_FORMAT}")`);
  }
  if (o.version !== CAPTURE_VERSION) {
    throw new ImportError(
      typeof o.version === 'number' && o.version > CAPTURE_VERSION
        ? `it was written by a newer SSE Inspector (capture version ${o.version}); this one reads version ${CAPTURE_VERSION}: update SSE Inspector`
        : `its capture version is ${JSON.stringify(o.version)}; this SSE Inspector reads version ${CAPTURE_VERSION}`,
    );
  }
  const errors = schemaErrors(schema as Schema, json);
  if (errors.length > 0) throw new ImportError(`the capture is damaged: ${errors.join('; ')}`);
  const capture = json as Capture;
  checkConsistent(capture);
  return capture;
}

/** What the schema cannot say: records in seq order, each of a stream the file has. */
function checkConsistent({ streams, events, firstSeq }: Capture): void {
  const ids = new Set<string>();
  streams.forEach((s, i) => {
    if (ids.has(s.id)) throw new ImportError(`the capture is damaged: streams[${i}].id "${s.id}" is used twice`);
    ids.add(s.id);
  });
  let previous = -1;
  events.forEach((e, i) => {
    if (e.seq <= previous) throw new ImportError(`the capture is damaged: events[${i}].seq ${e.seq} is not after the previous record's ${previous}`);
    if (e.seq < firstSeq) throw new ImportError(`the capture is damaged: events[${i}].seq ${e.seq} is before firstSeq ${firstSeq}`);
    if (!ids.has(e.streamId)) throw new ImportError(`the capture is damaged: events[${i}].streamId "${e.streamId}" is not one of its streams`);
    previous = e.seq;
  });
}
