// fetch(): a response of type text/event-stream is observed as the page reads it, and the page
// keeps the browser's own Response (its url, headers, status, clone() and the errors of its
// methods stay native). Only the `body` getter of such a response is different: it gives a
// pass-through byte stream over the native body that pulls one chunk each time the page asks
// for one (never reading ahead, never buffering), so cancel, abort and errors reach the page
// as before. text(), arrayBuffer() and bytes() stay native; what they resolve with is recorded.
import { callNative, replaceFunction, replaceGetter } from '../disguise';
import { emit, emitBytes, emitChunk, emitResponse, newSid, now, stackMark } from '../emitter';
import { SafeWeakMap, apply, bare, getter, promiseThen } from '../native';
import { isEventStream } from '../sse-mime';
import { describeError, headerList } from './shared';

const NativeReadableStream = ReadableStream;
const NativeTextDecoder = TextDecoder;
const NativeUint8Array = Uint8Array;
const responseProto = Response.prototype;
const headersOf = getter(responseProto, 'headers') as (this: Response) => Headers;
const bodyOf = getter(responseProto, 'body') as (this: Response) => ReadableStream<Uint8Array> | null;
const statusOf = getter(responseProto, 'status') as (this: Response) => number;
const statusTextOf = getter(responseProto, 'statusText') as (this: Response) => string;
const urlOf = getter(responseProto, 'url') as (this: Response) => string;
const redirectedOf = getter(responseProto, 'redirected') as (this: Response) => boolean;
const headersGet = Headers.prototype.get;
const getReader = ReadableStream.prototype.getReader;
const lockedOf = getter(ReadableStream.prototype, 'locked') as (this: ReadableStream) => boolean;
const read = ReadableStreamDefaultReader.prototype.read;
const releaseLock = ReadableStreamDefaultReader.prototype.releaseLock;
const cancelReader = ReadableStreamDefaultReader.prototype.cancel;
const bufferByteLengthOf = getter(ArrayBuffer.prototype, 'byteLength') as (this: ArrayBuffer) => number;
const controllerProto = ReadableByteStreamController.prototype;
const enqueue = controllerProto.enqueue;
const closeController = controllerProto.close;
const errorController = controllerProto.error;
const byobRequestOf = getter(controllerProto, 'byobRequest') as (this: ReadableByteStreamController) => ReadableStreamBYOBRequest | null;
const respond = ReadableStreamBYOBRequest.prototype.respond;

/** An SSE response of the page, as we follow it. */
interface Observed {
  sid: number;
  decoder: TextDecoder;
  /** What the page's `body` is: made on first access. */
  body?: ReadableStream<Uint8Array>;
  /** Our reader of the native body, while we hold it. */
  reader?: ReadableStreamDefaultReader<Uint8Array>;
  /** The native body stays locked for good (see holdLock). */
  held?: boolean;
  ended: boolean;
}
const observed = new SafeWeakMap<Response, Observed>();

function end(o: Observed, how: 'done' | 'aborted' | 'error' | 'cancelled', error = ''): void {
  if (o.ended) return;
  o.ended = true;
  emit({ k: 'end', sid: o.sid, t: now(), how, error });
}

function failed(o: Observed, error: unknown): void {
  const described = describeError(error);
  end(o, described.startsWith('AbortError') ? 'aborted' : 'error', described);
}

/** At the response's headers: is it an event stream? Then it is followed from now on. */
function observe(res: Response, startedAt: number, mark: Error): void {
  const headers = apply(headersOf, res, []);
  if (!isEventStream(apply(headersGet, headers, ['content-type']) as string | null)) return;
  const o: Observed = { sid: newSid(), decoder: new NativeTextDecoder(), ended: false };
  observed.set(res, o);
  const empty = apply(bodyOf, res, []) === null;
  emitResponse({
    k: 'response',
    sid: o.sid,
    t: startedAt,
    kind: 'fetch',
    url: apply(urlOf, res, []),
    status: apply(statusOf, res, []),
    statusText: apply(statusTextOf, res, []),
    headers: headerList(headers),
    redirected: apply(redirectedOf, res, []),
    headersAt: now(),
    stack: '',
  }, mark);
  if (empty) end(o, 'done');
}

/**
 * The page's view of `native`: the same bytes, pulled one chunk per read of the page. The
 * native body is locked only while a read is in flight, or while the page holds a lock on
 * this stream and calls a method that reads the body (see holdLock): then that method fails
 * natively, as it would on a locked or read body.
 */
function passThrough(native: ReadableStream<Uint8Array>, o: Observed): ReadableStream<Uint8Array> {
  const acquire = () => (o.reader ??= apply(getReader, native, []) as ReadableStreamDefaultReader<Uint8Array>);
  const release = () => {
    if (o.reader && !o.held) apply(releaseLock, o.reader, []);
    if (!o.held) o.reader = undefined;
  };
  // Bare dictionaries: a `start`, `size` or `autoAllocateChunkSize` the page put on
  // Object.prototype must not be read by the ReadableStream constructor.
  return new NativeReadableStream(
    bare({
      type: 'bytes' as const,
      pull(controller: ReadableByteStreamController) {
        return apply(promiseThen, apply(read, acquire(), []), [
          (result: ReadableStreamReadResult<Uint8Array>) => {
            release();
            if (result.done) {
              emitBytes(o.sid, o.decoder, new NativeUint8Array(0), false); // flushes a truncated character, if any
              end(o, 'done');
              apply(closeController, controller, []);
              const request = apply(byobRequestOf, controller, []);
              if (request) apply(respond, request, [0]);
              return;
            }
            emitBytes(o.sid, o.decoder, result.value, true);
            apply(enqueue, controller, [result.value]);
          },
          (error: unknown) => {
            release();
            failed(o, error);
            apply(errorController, controller, [error]);
          },
        ]);
      },
      cancel(reason: unknown) {
        end(o, 'cancelled', describeError(reason));
        return apply(cancelReader, acquire(), [reason]);
      },
    }),
    bare({ highWaterMark: 0 }),
  );
}

/** Before a method reads the native body: if the page holds a lock on `body`, so does the native body. */
function holdLock(native: ReadableStream<Uint8Array>, o: Observed): void {
  if (!o.body || !apply(lockedOf, o.body, [])) return;
  o.held = true;
  o.reader ??= apply(getReader, native, []) as ReadableStreamDefaultReader<Uint8Array>;
}

/**
 * A body-reading method of Response: native, with what it resolves with recorded (json(),
 * blob() and formData() give no text to record: only that the body was read).
 */
function recordResult(key: 'text' | 'arrayBuffer' | 'bytes' | 'json' | 'blob' | 'formData', toBytes?: (value: never) => Uint8Array | string): void {
  if (!(key in responseProto)) return; // bytes() is recent
  replaceFunction<(this: Response) => Promise<unknown>>(responseProto, key, {
    apply(target, self, args) {
      const o = observed.get(self);
      const native = o?.body ? (apply(bodyOf, self, []) as ReadableStream<Uint8Array>) : null;
      if (o && native) holdLock(native, o);
      const result = callNative(target, self, args) as Promise<unknown>;
      if (!o || o.body) return result; // Not followed, or read through `body` already.
      return apply(promiseThen, result, [
        (value: never) => {
          const content = toBytes?.(value);
          if (typeof content === 'string') emitChunk(o.sid, content);
          else if (content) emitBytes(o.sid, o.decoder, content, false);
          end(o, 'done', toBytes ? '' : `read with ${key}(): its text is not seen`);
          return value;
        },
        (error: unknown) => {
          failed(o, error);
          throw error;
        },
      ]);
    },
  });
}

export function hookFetch(): void {
  replaceFunction<typeof fetch>(window, 'fetch', {
    apply(target, self, args) {
      const startedAt = now();
      const mark = stackMark();
      const promise = callNative(target, self, args) as Promise<Response>;
      return apply(promiseThen, promise, [
        (res: Response) => {
          try {
            observe(res, startedAt, mark);
          } catch {
            // Never let our failure become the page's.
          }
          return res;
        },
      ]);
    },
  });

  replaceGetter<(this: Response) => ReadableStream<Uint8Array> | null>(responseProto, 'body', {
    apply(target, self, args) {
      const native = callNative(target, self, args) as ReadableStream<Uint8Array> | null;
      const o = observed.get(self);
      if (!o || native === null) return native;
      // Read by a method of the Response (text(), …), not by us: the page sees that locked body.
      if (apply(lockedOf, native, []) && !o.reader) return native;
      o.body ??= passThrough(native, o);
      return o.body;
    },
  });
  recordResult('text', (text: string) => text);
  recordResult('arrayBuffer', (buffer: ArrayBuffer) => new NativeUint8Array(buffer, 0, apply(bufferByteLengthOf, buffer, [])));
  recordResult('bytes', (bytes: Uint8Array) => bytes);
  for (const key of ['json', 'blob', 'formData'] as const) recordResult(key);
  // clone() tees the native body: it must fail as it would while the page holds `body`.
  replaceFunction<Response['clone']>(responseProto, 'clone', {
    apply(target, self, args) {
      const o = observed.get(self);
      if (o?.body) holdLock(apply(bodyOf, self, []) as ReadableStream<Uint8Array>, o);
      return callNative(target, self, args);
    },
  });
}
