// The network's view of SSE requests, from webRequest: for every attempt of every SSE stream
// (EventSource, fetch, XHR) its method, request size, the Last-Event-ID it sent, status,
// response headers, and why it failed. This is what explains an EventSource "error".
// NetworkObserver is fed plain webRequest details (so it is unit-tested without a browser);
// listen() wires it to the browser.
import type { WebRequest } from 'webextension-polyfill';

/** One HTTP request that is, or asked for, an event stream. */
export interface NetworkAttempt {
  requestId: string;
  tabId: number;
  frameId: number;
  /** The URL requested last (after redirects). */
  url: string;
  method: string;
  startedAt: number;
  requestBytes?: number;
  /** The Last-Event-ID header sent: how an EventSource resumes after a reconnect. */
  lastEventId?: string;
  /** The request headers as sent (the last hop's, after redirects). */
  requestHeaders?: [string, string][];
  /** Chrome gave them without the headers it hides unless asked (Cookie, Referer, …; see listen()). */
  requestHeadersPartial?: true;
  status?: number;
  statusLine?: string;
  contentType?: string;
  headers?: [string, string][];
  headersAt?: number;
  endedAt?: number;
  /** The browser's error (net::ERR_CONNECTION_REFUSED, NS_BINDING_ABORTED, …). */
  error?: string;
  redirects: string[];
  /**
   * It failed before anything showed it was for an event stream (a refused connection sends
   * no headers): it belongs to an EventSource of the same URL, if there is one.
   */
  unconfirmed?: true;
}

const EVENT_STREAM = /^\s*text\/event-stream\s*(;|$)/i;
const header = (headers: WebRequest.HttpHeaders | undefined, name: string) =>
  headers?.find((h) => h.name.toLowerCase() === name)?.value;

/**
 * Why an attempt did not give an event stream, in words; undefined when it did (an error
 * after a good response, such as the page's close() aborting it, only ended the stream).
 */
export function failureOf(a: NetworkAttempt): string | undefined {
  if (a.status === undefined) return a.error;
  if (a.status !== 200) return `HTTP ${a.status}${a.contentType ? ` ${a.contentType}` : ''}`;
  if (a.contentType !== undefined && !EVENT_STREAM.test(a.contentType)) return `wrong MIME type ${a.contentType || '(none)'}`;
  return undefined;
}

export class NetworkObserver {
  /** Requests seen but not yet known to be SSE, and SSE requests not yet ended. */
  private readonly open = new Map<string, NetworkAttempt & { sse: boolean }>();

  /** @param report called when an SSE attempt's headers arrive and when it ends. */
  constructor(private readonly report: (attempt: NetworkAttempt) => void) {}

  beforeRequest(d: WebRequest.OnBeforeRequestDetailsType): void {
    if (d.tabId < 0) return;
    const bytes = d.requestBody?.raw?.reduce((n, part) => n + ((part.bytes as ArrayBuffer | undefined)?.byteLength ?? 0), 0);
    const existing = this.open.get(d.requestId);
    if (existing) return; // A redirect's next hop: same request.
    this.open.set(d.requestId, {
      requestId: d.requestId,
      tabId: d.tabId,
      frameId: d.frameId,
      url: d.url,
      method: d.method,
      startedAt: d.timeStamp,
      ...(bytes !== undefined ? { requestBytes: bytes } : {}),
      redirects: [],
      sse: false,
    });
  }

  /**
   * `partial`: the headers came without those Chrome hides unless asked (see listen()). Chrome
   * may report a request twice, partial and full, in either order: the full list stays.
   */
  sendHeaders(d: WebRequest.OnSendHeadersDetailsType, partial = false): void {
    const a = this.open.get(d.requestId);
    if (!a) return;
    // EventSource always asks for text/event-stream; so do most fetch() SSE clients.
    if (header(d.requestHeaders, 'accept')?.includes('text/event-stream')) a.sse = true;
    const lastEventId = header(d.requestHeaders, 'last-event-id');
    if (lastEventId !== undefined) a.lastEventId = lastEventId;
    if (partial && a.requestHeaders && !a.requestHeadersPartial) return;
    a.requestHeaders = (d.requestHeaders ?? []).map((h): [string, string] => [h.name, h.value ?? '']);
    if (partial) a.requestHeadersPartial = true;
    else delete a.requestHeadersPartial;
  }

  beforeRedirect(d: WebRequest.OnBeforeRedirectDetailsType): void {
    const a = this.open.get(d.requestId);
    if (!a) return;
    a.redirects.push(`${d.statusCode} ${d.url} → ${d.redirectUrl}`);
    a.url = d.redirectUrl;
    // The next hop's headers are the ones sent last.
    delete a.requestHeaders;
    delete a.requestHeadersPartial;
  }

  headersReceived(d: WebRequest.OnHeadersReceivedDetailsType): void {
    const a = this.open.get(d.requestId);
    if (!a) return;
    a.url = d.url;
    a.status = d.statusCode;
    a.statusLine = d.statusLine;
    a.contentType = header(d.responseHeaders, 'content-type') ?? '';
    a.headers = (d.responseHeaders ?? []).map((h): [string, string] => [h.name, h.value ?? '']);
    a.headersAt = d.timeStamp;
    if (EVENT_STREAM.test(a.contentType)) a.sse = true;
    if (!a.sse) this.open.delete(d.requestId);
    else this.report(strip(a));
  }

  completed(d: WebRequest.OnCompletedDetailsType): void {
    this.end(d.requestId, d.timeStamp);
  }

  errorOccurred(d: WebRequest.OnErrorOccurredDetailsType): void {
    this.end(d.requestId, d.timeStamp, d.error);
  }

  private end(requestId: string, at: number, error?: string): void {
    const a = this.open.get(requestId);
    if (!a) return;
    this.open.delete(requestId);
    if (!a.sse && !(error && a.status === undefined)) return;
    a.endedAt = at;
    if (error) a.error = error;
    this.report({ ...strip(a), ...(a.sse ? {} : { unconfirmed: true as const }) });
  }
}

function strip({ sse: _, ...attempt }: NetworkAttempt & { sse: boolean }): NetworkAttempt {
  return { ...attempt, redirects: [...attempt.redirects] };
}

/**
 * Wires the observer to webRequest: every request of every tab that could be a stream.
 * Returns the switch for the full request headers (see below); it starts on, since a worker
 * that just started does not know yet whether anyone needs them.
 */
export function listen(webRequest: WebRequest.Static, observer: NetworkObserver): (fullHeaders: boolean) => void {
  const filter: WebRequest.RequestFilter = { urls: ['<all_urls>'], types: ['xmlhttprequest', 'other'] };
  // Chrome hides some request headers (Cookie, Referer, Last-Event-ID, …) from listeners without
  // 'extraHeaders', which Firefox does not know.
  const options = (webRequest as { OnSendHeadersOptions?: Record<string, string> }).OnSendHeadersOptions;
  const hides = options !== undefined && Object.values(options).includes('extraHeaders');
  webRequest.onBeforeRequest.addListener((d) => void observer.beforeRequest(d), filter, ['requestBody']);
  webRequest.onSendHeaders.addListener((d) => observer.sendHeaders(d, hides), filter, ['requestHeaders']);
  webRequest.onBeforeRedirect.addListener((d) => observer.beforeRedirect(d), filter);
  webRequest.onHeadersReceived.addListener((d) => void observer.headersReceived(d), filter, ['responseHeaders']);
  webRequest.onCompleted.addListener((d) => observer.completed(d), filter);
  webRequest.onErrorOccurred.addListener((d) => observer.errorOccurred(d), filter);
  if (!hides) return () => undefined;

  // While any listener has 'extraHeaders', every request of every tab waits on the browser
  // process for its headers: +0.5-0.8 ms per request here (bench/README.md, sixth round). So
  // that listener is there only while it is needed (Hub.onFullHeaders): while a page has an
  // EventSource (to show the Last-Event-ID its reconnects send) or a panel is open.
  const full = (d: WebRequest.OnSendHeadersDetailsType) => observer.sendHeaders(d);
  const fullHeaders = (on: boolean) => {
    if (on === webRequest.onSendHeaders.hasListener(full)) return;
    if (on) webRequest.onSendHeaders.addListener(full, filter, ['requestHeaders', 'extraHeaders'] as WebRequest.OnSendHeadersOptions[]);
    else webRequest.onSendHeaders.removeListener(full);
  };
  fullHeaders(true);
  return fullHeaders;
}
