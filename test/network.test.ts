import type { WebRequest } from 'webextension-polyfill';
import { describe, expect, it } from 'vitest';
import { NetworkObserver, failureOf, type NetworkAttempt } from '../src/background/network';
import { TabLog, type RecordOrigin } from '../src/background/tab-log';

const URL_ES = 'http://127.0.0.1:8080/stream';
const top: RecordOrigin = { doc: { id: 'd', url: 'http://127.0.0.1:8080/', top: true }, frameId: 0 };

/** Drives a NetworkObserver through one request, as webRequest would. */
function request(
  observer: NetworkObserver,
  id: string,
  opts: { accept?: string; lastEventId?: string; status?: number; contentType?: string; error?: string; method?: string; url?: string; at?: number },
): void {
  const at = opts.at ?? 1000;
  const base = { requestId: id, tabId: 5, frameId: 0, url: opts.url ?? URL_ES, method: opts.method ?? 'GET', timeStamp: at };
  observer.beforeRequest({ ...base, type: 'other' } as unknown as WebRequest.OnBeforeRequestDetailsType);
  const requestHeaders = [{ name: 'Accept', value: opts.accept ?? 'text/event-stream' }];
  if (opts.lastEventId !== undefined) requestHeaders.push({ name: 'Last-Event-ID', value: opts.lastEventId });
  observer.sendHeaders({ ...base, requestHeaders } as unknown as WebRequest.OnSendHeadersDetailsType);
  if (opts.error) {
    observer.errorOccurred({ ...base, timeStamp: at + 5, error: opts.error } as unknown as WebRequest.OnErrorOccurredDetailsType);
    return;
  }
  const status = opts.status ?? 200;
  observer.headersReceived({
    ...base,
    timeStamp: at + 10,
    statusCode: status,
    statusLine: `HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'Internal Server Error'}`,
    responseHeaders: [{ name: 'Content-Type', value: opts.contentType ?? 'text/event-stream' }],
  } as unknown as WebRequest.OnHeadersReceivedDetailsType);
  observer.completed({ ...base, timeStamp: at + 20 } as unknown as WebRequest.OnCompletedDetailsType);
}

describe('NetworkObserver', () => {
  it('reports an SSE request at its headers and at its end, with the Last-Event-ID it sent', () => {
    const seen: NetworkAttempt[] = [];
    request(new NetworkObserver((a) => seen.push(a)), 'r1', { lastEventId: '41' });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({ requestId: 'r1', tabId: 5, status: 200, contentType: 'text/event-stream', lastEventId: '41', startedAt: 1000, headersAt: 1010 });
    expect(seen[0]!.endedAt).toBeUndefined();
    expect(seen[1]).toMatchObject({ requestId: 'r1', endedAt: 1020 });
  });

  it('keeps the request headers as sent, names and values as given', () => {
    const seen: NetworkAttempt[] = [];
    request(new NetworkObserver((a) => seen.push(a)), 'r1', { lastEventId: '41' });
    expect(seen[0]!.requestHeaders).toEqual([
      ['Accept', 'text/event-stream'],
      ['Last-Event-ID', '41'],
    ]);
  });

  it("keeps Chrome's full request headers over its partial ones, whichever comes first, and says when it has only the partial", () => {
    const base = { tabId: 5, frameId: 0, url: URL_ES, method: 'GET', timeStamp: 1000, type: 'other' };
    const partial = [{ name: 'Accept', value: 'text/event-stream' }];
    const full = [...partial, { name: 'Cookie', value: 'c=1' }, { name: 'Last-Event-ID', value: '7' }];
    const seen: NetworkAttempt[] = [];
    const observer = new NetworkObserver((a) => seen.push(a));
    const send = (requestId: string, requestHeaders: typeof partial, isPartial: boolean) =>
      observer.sendHeaders({ ...base, requestId, requestHeaders } as unknown as WebRequest.OnSendHeadersDetailsType, isPartial);
    const respond = (requestId: string) =>
      observer.headersReceived({ ...base, requestId, statusCode: 200, responseHeaders: [{ name: 'Content-Type', value: 'text/event-stream' }] } as unknown as WebRequest.OnHeadersReceivedDetailsType);
    for (const [id, order] of [['a', [true, false]], ['b', [false, true]], ['c', [true]]] as const) {
      observer.beforeRequest({ ...base, requestId: id } as unknown as WebRequest.OnBeforeRequestDetailsType);
      for (const isPartial of order) send(id, isPartial ? partial : full, isPartial);
      respond(id);
    }
    expect(seen.map((a) => [a.requestId, a.requestHeaders!.length, a.lastEventId, a.requestHeadersPartial])).toEqual([
      ['a', 3, '7', undefined],
      ['b', 3, '7', undefined],
      ['c', 1, undefined, true],
    ]);
    // A redirect's next hop sends its own headers: those are the ones kept, partial or not.
    observer.beforeRequest({ ...base, requestId: 'd' } as unknown as WebRequest.OnBeforeRequestDetailsType);
    send('d', full, false);
    observer.beforeRedirect({ ...base, requestId: 'd', statusCode: 307, redirectUrl: `${URL_ES}/2` } as unknown as WebRequest.OnBeforeRedirectDetailsType);
    send('d', partial, true);
    respond('d');
    expect(seen[3]).toMatchObject({ requestHeaders: [['Accept', 'text/event-stream']], requestHeadersPartial: true });
  });

  it("takes the request body's size from Content-Length or from the body (none without either, none after a redirect that drops the body)", () => {
    const base = { tabId: 5, frameId: 0, url: URL_ES, method: 'POST', timeStamp: 1000, type: 'xmlhttprequest' };
    const seen: NetworkAttempt[] = [];
    const observer = new NetworkObserver((a) => seen.push(a));
    const go = (requestId: string, hops: { name: string; value: string }[][]) => {
      observer.beforeRequest({ ...base, requestId } as unknown as WebRequest.OnBeforeRequestDetailsType);
      hops.forEach((requestHeaders, i) => {
        if (i > 0) observer.beforeRedirect({ ...base, requestId, statusCode: 303, redirectUrl: `${URL_ES}/${i}` } as unknown as WebRequest.OnBeforeRedirectDetailsType);
        observer.sendHeaders({ ...base, requestId, requestHeaders: [{ name: 'Accept', value: 'text/event-stream' }, ...requestHeaders] } as unknown as WebRequest.OnSendHeadersDetailsType);
      });
      observer.headersReceived({ ...base, requestId, statusCode: 200, responseHeaders: [{ name: 'Content-Type', value: 'text/event-stream' }] } as unknown as WebRequest.OnHeadersReceivedDetailsType);
    };
    go('sized', [[{ name: 'Content-Length', value: '25' }]]);
    go('unknown', [[]]);
    go('redirected', [[{ name: 'content-length', value: '25' }], []]);
    // Chrome: no Content-Length, and the request comes again with its body while a panel is open.
    observer.beforeRequest({ ...base, requestId: 'body', requestBody: { raw: [{ bytes: new ArrayBuffer(20) }, { bytes: new ArrayBuffer(5) }] } } as unknown as WebRequest.OnBeforeRequestDetailsType);
    go('body', [[]]);
    expect(seen.map((a) => [a.requestId, a.requestBytes])).toEqual([
      ['sized', 25],
      ['unknown', undefined],
      ['redirected', undefined],
      ['body', 25],
    ]);
  });

  it('knows a request for an event stream by its Accept header even when the response is not one', () => {
    const seen: NetworkAttempt[] = [];
    request(new NetworkObserver((a) => seen.push(a)), 'r1', { status: 500, contentType: 'text/html' });
    expect(seen[0]).toMatchObject({ status: 500, contentType: 'text/html' });
    expect(failureOf(seen[0]!)).toBe('HTTP 500 text/html');
  });

  it('knows a fetch() stream by its response type, and ignores other requests', () => {
    const seen: NetworkAttempt[] = [];
    const observer = new NetworkObserver((a) => seen.push(a));
    request(observer, 'sse', { accept: '*/*', method: 'POST' });
    request(observer, 'json', { accept: '*/*', contentType: 'application/json' });
    expect(seen.map((a) => a.requestId)).toEqual(['sse', 'sse']);
    expect(seen[0]!.method).toBe('POST');
  });

  it('reports a request that failed before any response, with the browser error', () => {
    const seen: NetworkAttempt[] = [];
    request(new NetworkObserver((a) => seen.push(a)), 'r1', { error: 'net::ERR_CONNECTION_REFUSED' });
    expect(seen).toHaveLength(1);
    expect(failureOf(seen[0]!)).toBe('net::ERR_CONNECTION_REFUSED');
  });

  it('names a wrong MIME type', () => {
    expect(failureOf({ status: 200, contentType: 'text/plain' } as NetworkAttempt)).toBe('wrong MIME type text/plain');
    expect(failureOf({ status: 200, contentType: 'text/event-stream; charset=utf-8' } as NetworkAttempt)).toBeUndefined();
  });
});

describe('TabLog.applyNetwork', () => {
  const create = { k: 'create', sid: 1, t: 900, url: URL_ES, withCredentials: false, stack: '' } as const;

  it("gives an EventSource's n-th request to its n-th attempt, whichever arrives first", () => {
    const log = new TabLog(5);
    const reports: NetworkAttempt[] = [];
    const observer = new NetworkObserver((a) => reports.push(a));
    request(observer, 'r1', { at: 1000 });
    request(observer, 'r2', { at: 2000, lastEventId: '7' });
    request(observer, 'r3', { at: 3000, status: 500, contentType: 'text/html' });
    // The network's reports of all three requests come before the page's records.
    for (const a of reports) log.applyNetwork(a);
    log.apply(top, [create, { k: 'open', sid: 1, t: 1011 }, { k: 'error', sid: 1, t: 1500, readyState: 0 }]);
    log.apply(top, [{ k: 'open', sid: 1, t: 2011 }, { k: 'error', sid: 1, t: 2500, readyState: 0 }]);
    log.apply(top, [{ k: 'error', sid: 1, t: 3011, readyState: 2 }]);
    const [s] = log.snapshot().streams;
    expect(s!.attempts.map((a) => [a.n, a.status, a.lastEventIdSent, a.failure])).toEqual([
      [1, 200, undefined, undefined],
      [2, 200, '7', undefined],
      [3, 500, undefined, 'HTTP 500 text/html'],
    ]);
    expect(s!.attempts[2]!.startedAt).toBe(3000);
    // Each attempt keeps its own request's headers: the reconnect's carry its Last-Event-ID.
    expect(s!.attempts.map((a) => a.requestHeaders)).toEqual([
      [['Accept', 'text/event-stream']],
      [['Accept', 'text/event-stream'], ['Last-Event-ID', '7']],
      [['Accept', 'text/event-stream']],
    ]);
  });

  it('gives a fetch stream its request and method, matched by URL and frame', () => {
    const log = new TabLog(5);
    const observer = new NetworkObserver((a) => log.applyNetwork(a));
    request(observer, 'p', { method: 'POST', url: 'http://127.0.0.1:8080/llm', accept: '*/*' });
    request(observer, 'other', { url: 'http://127.0.0.1:8080/elsewhere' });
    log.apply(top, [
      { k: 'response', sid: 2, t: 990, kind: 'fetch', url: 'http://127.0.0.1:8080/llm', status: 200, statusText: 'OK', headers: [], headersAt: 1011, stack: '' },
    ]);
    const [s] = log.snapshot().streams;
    expect(s!.method).toBe('POST');
    expect(s!.attempts[0]).toMatchObject({ method: 'POST', status: 200, contentType: 'text/event-stream' });
  });
});

describe('failureOf after a good response', () => {
  it('is no failure when the network errors after a 200 event stream (e.g. close() aborting it)', () => {
    expect(failureOf({ status: 200, contentType: 'text/event-stream', error: 'net::ERR_ABORTED' } as NetworkAttempt)).toBeUndefined();
    expect(failureOf({ error: 'net::ERR_CONNECTION_REFUSED' } as NetworkAttempt)).toBe('net::ERR_CONNECTION_REFUSED');
  });
});

describe('a request that failed before any response', () => {
  it('is reported unconfirmed, and given only to an EventSource of its URL', () => {
    const log = new TabLog(5);
    const observer = new NetworkObserver((a) => log.applyNetwork(a));
    // A refused connection: no request headers were ever sent.
    const base = { requestId: 'r', tabId: 5, frameId: 0, url: URL_ES, method: 'GET', timeStamp: 1000 };
    observer.beforeRequest({ ...base, type: 'other' } as unknown as WebRequest.OnBeforeRequestDetailsType);
    observer.errorOccurred({ ...base, timeStamp: 1005, error: 'net::ERR_CONNECTION_REFUSED' } as unknown as WebRequest.OnErrorOccurredDetailsType);
    log.apply(top, [
      { k: 'response', sid: 2, t: 990, kind: 'fetch', url: URL_ES, status: 200, statusText: 'OK', headers: [], headersAt: 999, stack: '' },
      { k: 'create', sid: 1, t: 990, url: URL_ES, withCredentials: false, stack: '' },
      { k: 'error', sid: 1, t: 1006, readyState: 0 },
    ]);
    const streams = log.snapshot().streams;
    expect(streams.find((s) => s.kind === 'fetch')!.attempts[0]!.failure).toBeUndefined();
    expect(streams.find((s) => s.kind === 'eventsource')!.attempts[0]).toMatchObject({ failure: 'net::ERR_CONNECTION_REFUSED', startedAt: 990 });
  });

  it('a non-SSE request that simply completes is not reported', () => {
    const seen: NetworkAttempt[] = [];
    request(new NetworkObserver((a) => seen.push(a)), 'json', { accept: 'application/json', contentType: 'application/json' });
    expect(seen).toEqual([]);
  });
});
