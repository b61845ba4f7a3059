// XMLHttpRequest (what EventSource polyfills stream with): when a response's content type is
// text/event-stream, the text the XHR has received is read as it grows, with listeners of our
// own added at send(). Only send() is replaced (a disguised proxy); the page's XHR is its own.
import { callNative, replaceFunction } from '../disguise';
import { emit, emitChunk, emitResponse, newSid, now, stackMark } from '../emitter';
import { SafeWeakMap, apply, bare, getter, indexOf, slice, split } from '../native';
import { isEventStream } from '../sse-mime';

const xhrProto = XMLHttpRequest.prototype;
const readyStateOf = getter(xhrProto, 'readyState') as (this: XMLHttpRequest) => number;
const statusOf = getter(xhrProto, 'status') as (this: XMLHttpRequest) => number;
const statusTextOf = getter(xhrProto, 'statusText') as (this: XMLHttpRequest) => string;
const responseUrlOf = getter(xhrProto, 'responseURL') as (this: XMLHttpRequest) => string;
const responseTypeOf = getter(xhrProto, 'responseType') as (this: XMLHttpRequest) => XMLHttpRequestResponseType;
const responseTextOf = getter(xhrProto, 'responseText') as (this: XMLHttpRequest) => string;
const getResponseHeader = xhrProto.getResponseHeader;
const getAllResponseHeaders = xhrProto.getAllResponseHeaders;
const addListener = EventTarget.prototype.addEventListener;

/** One send() of an XHR: undecided until its headers arrive, then a stream or nothing. */
interface Exchange {
  startedAt: number;
  mark: Error;
  /** 0: not (yet) an SSE response. */
  sid: number;
  /** How much of responseText was already sent. */
  offset: number;
  ended: boolean;
}
const exchanges = new SafeWeakMap<XMLHttpRequest, Exchange>();

function headerList(xhr: XMLHttpRequest): [string, string][] {
  const lines = apply(split, apply(getAllResponseHeaders, xhr, []), ['\r\n']) as string[];
  const list: [string, string][] = bare([]);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = apply(indexOf, line, [': ']) as number;
    if (colon > 0) list[list.length] = [apply(slice, line, [0, colon]) as string, apply(slice, line, [colon + 2]) as string];
  }
  return list;
}

/** Decides at HEADERS_RECEIVED whether this exchange is an SSE stream, then sends new text. */
function onProgress(this: XMLHttpRequest): void {
  const x = exchanges.get(this);
  if (!x || x.ended) return;
  const readyState = apply(readyStateOf, this, []);
  if (x.sid === 0) {
    if (readyState < 2 || !isEventStream(apply(getResponseHeader, this, ['content-type']) as string | null)) return;
    x.sid = newSid();
    emitResponse({
      k: 'response',
      sid: x.sid,
      t: x.startedAt,
      kind: 'xhr',
      url: apply(responseUrlOf, this, []),
      status: apply(statusOf, this, []),
      statusText: apply(statusTextOf, this, []),
      headers: headerList(this),
      headersAt: now(),
      stack: '',
    }, x.mark);
  }
  const type = apply(responseTypeOf, this, []);
  if (readyState < 3 || (type !== '' && type !== 'text')) return;
  const text = apply(responseTextOf, this, []);
  if (text.length > x.offset) {
    emitChunk(x.sid, apply(slice, text, [x.offset]) as string);
    x.offset = text.length;
  }
}

function ender(how: 'done' | 'aborted' | 'error', error = '') {
  return function (this: XMLHttpRequest): void {
    apply(onProgress, this, []);
    const x = exchanges.get(this);
    if (!x || x.sid === 0 || x.ended) return;
    x.ended = true;
    emit({ k: 'end', sid: x.sid, t: now(), how, error });
  };
}

export function hookXhr(): void {
  replaceFunction<XMLHttpRequest['send']>(xhrProto, 'send', {
    apply(target, self, args) {
      let isXhr = true;
      try {
        apply(readyStateOf, self, []);
      } catch {
        isXhr = false; // Not an XHR: the native send throws its own error below.
      }
      if (isXhr) {
        const xhr = self as XMLHttpRequest;
        if (!exchanges.get(xhr)) {
          apply(addListener, xhr, ['readystatechange', onProgress]);
          apply(addListener, xhr, ['progress', onProgress]);
          apply(addListener, xhr, ['load', ender('done')]);
          apply(addListener, xhr, ['abort', ender('aborted')]);
          apply(addListener, xhr, ['error', ender('error', 'network error')]);
          apply(addListener, xhr, ['timeout', ender('error', 'timeout')]);
        }
        exchanges.set(xhr, { startedAt: now(), mark: stackMark(), sid: 0, offset: 0, ended: false });
      }
      return callNative(target, self, args);
    },
  });
}
