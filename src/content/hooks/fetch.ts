// fetch(): a response of type text/event-stream is observed as the page reads it. The page
// gets a Response whose body is a pass-through stream that pulls one chunk from the original
// body each time the page asks for one (never reading ahead, never buffering), so cancel,
// abort and errors reach the page exactly as before. Its url, redirected, type and headers
// answer as the original's (the getters are disguised proxies); other responses are the
// originals, untouched.
import { replaceFunction, replaceGetter } from '../disguise';
import { emit, newSid, now, pageStack, stackMark } from '../emitter';
import { SafeWeakMap, apply, getter, then } from '../native';
import { isEventStream } from '../sse-mime';
import { describeError, headerList } from './shared';

const NativeResponse = Response;
const NativeReadableStream = ReadableStream;
const NativeTextDecoder = TextDecoder;
const responseProto = Response.prototype;
const headersOf = getter(responseProto, 'headers') as (this: Response) => Headers;
const bodyOf = getter(responseProto, 'body') as (this: Response) => ReadableStream<Uint8Array> | null;
const statusOf = getter(responseProto, 'status') as (this: Response) => number;
const statusTextOf = getter(responseProto, 'statusText') as (this: Response) => string;
const urlOf = getter(responseProto, 'url') as (this: Response) => string;
const redirectedOf = getter(responseProto, 'redirected') as (this: Response) => boolean;
const headersGet = Headers.prototype.get;
const getReader = ReadableStream.prototype.getReader;
const read = ReadableStreamDefaultReader.prototype.read;
const cancelReader = ReadableStreamDefaultReader.prototype.cancel;
const decode = TextDecoder.prototype.decode;
const byteLengthOf = getter(Object.getPrototypeOf(Uint8Array.prototype) as object, 'byteLength') as (this: Uint8Array) => number;
const controllerProto = ReadableByteStreamController.prototype;
const enqueue = controllerProto.enqueue;
const closeController = controllerProto.close;
const errorController = controllerProto.error;
const byobRequestOf = getter(controllerProto, 'byobRequest') as (this: ReadableByteStreamController) => ReadableStreamBYOBRequest | null;
const respond = ReadableStreamBYOBRequest.prototype.respond;

/** Our copies (and their clones) → the page's original response. */
const originals = new SafeWeakMap<Response, Response>();

function observe(res: Response, startedAt: number, mark: Error): Response {
  const headers = apply(headersOf, res, []);
  if (!isEventStream(apply(headersGet, headers, ['content-type']) as string | null)) return res;
  const body = apply(bodyOf, res, []);
  const status = apply(statusOf, res, []);
  // A Response can only be made with a body for these statuses (null-body ones have body null).
  if (body === null || status < 200 || status > 599) return res;
  const statusText = apply(statusTextOf, res, []);

  const sid = newSid();
  emit({
    k: 'response',
    sid,
    t: startedAt,
    kind: 'fetch',
    url: apply(urlOf, res, []),
    status,
    statusText,
    headers: headerList(headers),
    redirected: apply(redirectedOf, res, []),
    headersAt: now(),
    stack: pageStack(mark),
  });

  const reader = apply(getReader, body, []) as ReadableStreamDefaultReader<Uint8Array>;
  const decoder = new NativeTextDecoder();
  let ended = false;
  const end = (how: 'done' | 'aborted' | 'error' | 'cancelled', error = '') => {
    if (ended) return;
    ended = true;
    emit({ k: 'end', sid, t: now(), how, error });
  };
  const source = new NativeReadableStream(
    {
      type: 'bytes',
      pull(controller: ReadableByteStreamController) {
        return apply(then, apply(read, reader, []), [
          (result: ReadableStreamReadResult<Uint8Array>) => {
            if (result.done) {
              const tail = apply(decode, decoder, []) as string;
              if (tail !== '') emit({ k: 'chunk', sid, t: now(), text: tail, bytes: 0 });
              end('done');
              apply(closeController, controller, []);
              const request = apply(byobRequestOf, controller, []);
              if (request) apply(respond, request, [0]);
              return;
            }
            const chunk = result.value;
            const text = apply(decode, decoder, [chunk, { stream: true }]) as string;
            emit({ k: 'chunk', sid, t: now(), text, bytes: apply(byteLengthOf, chunk, []) });
            apply(enqueue, controller, [chunk]);
          },
          (error: unknown) => {
            const described = describeError(error);
            end(described.startsWith('AbortError') ? 'aborted' : 'error', described);
            apply(errorController, controller, [error]);
          },
        ]);
      },
      cancel(reason: unknown) {
        end('cancelled', describeError(reason));
        return apply(cancelReader, reader, [reason]);
      },
    },
    { highWaterMark: 0 },
  );
  const copy = new NativeResponse(source, { status, statusText, headers: headerList(headers) });
  originals.set(copy, res);
  return copy;
}

export function hookFetch(): void {
  replaceFunction<typeof fetch>(window, 'fetch', {
    apply(target, self, args) {
      const startedAt = now();
      const mark = stackMark();
      const promise = apply(target, self, args) as Promise<Response>;
      return apply(then, promise, [
        (res: Response) => {
          try {
            return observe(res, startedAt, mark);
          } catch {
            return res; // Never let our failure become the page's.
          }
        },
      ]);
    },
  });

  // Our copies answer as the originals do.
  for (const key of ['url', 'redirected', 'type', 'headers']) {
    replaceGetter<() => unknown>(responseProto, key, {
      apply(target, self, args) {
        return apply(target, originals.get(self) ?? self, args);
      },
    });
  }
  replaceFunction<Response['clone']>(responseProto, 'clone', {
    apply(target, self, args) {
      const clone = apply(target, self, args) as Response;
      const original = originals.get(self);
      if (original) originals.set(clone, original);
      return clone;
    },
  });
}
