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
  /** The request body's size: its Content-Length (Firefox), or the body itself (Chrome, see listen()). */
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

  /** Called again for a redirect's next hop (same request), and in Chrome maybe twice per hop, with and without its body. */
  beforeRequest(d: WebRequest.OnBeforeRequestDetailsType): void {
    if (d.tabId < 0) return;
    let a = this.open.get(d.requestId);
    if (!a) {
      a = { requestId: d.requestId, tabId: d.tabId, frameId: d.frameId, url: d.url, method: d.method, startedAt: d.timeStamp, redirects: [], sse: false };
      this.open.set(d.requestId, a);
    }
    const bytes = d.requestBody?.raw?.reduce((n, part) => n + ((part.bytes as ArrayBuffer | undefined)?.byteLength ?? 0), 0);
    if (bytes !== undefined) a.requestBytes = bytes;
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
    const length = header(d.requestHeaders, 'content-length');
    if (length !== undefined && /^\d+$/.test(length)) a.requestBytes = Number(length);
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
    // The next hop's headers are the ones sent last (a 303 sends no body).
    delete a.requestHeaders;
    delete a.requestHeadersPartial;
    delete a.requestBytes;
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
 * What Chrome gives a listener only when asked, each at a cost to every request of every tab:
 * `headers`, the request headers it otherwise hides (Cookie, Referer, Last-Event-ID, …;
 * 'extraHeaders': +0.5-0.8 ms per request here), and `bodySizes`, a request's body (copied to
 * us whole: a 20 MB upload took 73 ms longer), which is how we know its size (Chrome shows no
 * Content-Length). Firefox gives every listener every header, Content-Length too: it needs neither.
 */
export interface NetworkDetail {
  headers: boolean;
  bodySizes: boolean;
}

/**
 * Wires the observer to webRequest: every request of every tab that could be a stream.
 * Returns the switch for what Chrome gives only when asked: none of it until the switch is set
 * (Hub.onNetworkDetail sets it at once, and says when).
 */
export function listen(webRequest: WebRequest.Static, observer: NetworkObserver): (detail: NetworkDetail) => void {
  const filter: WebRequest.RequestFilter = { urls: ['<all_urls>'], types: ['xmlhttprequest', 'other'] };
  // Chrome hides some headers from a listener that does not ask ('extraHeaders', unknown to Firefox).
  const options = (webRequest as { OnSendHeadersOptions?: Record<string, string> }).OnSendHeadersOptions;
  const hides = options !== undefined && Object.values(options).includes('extraHeaders');
  webRequest.onBeforeRequest.addListener((d) => void observer.beforeRequest(d), filter);
  webRequest.onSendHeaders.addListener((d) => observer.sendHeaders(d, hides), filter, ['requestHeaders']);
  webRequest.onBeforeRedirect.addListener((d) => observer.beforeRedirect(d), filter);
  webRequest.onHeadersReceived.addListener((d) => void observer.headersReceived(d), filter, ['responseHeaders']);
  webRequest.onCompleted.addListener((d) => observer.completed(d), filter);
  webRequest.onErrorOccurred.addListener((d) => observer.errorOccurred(d), filter);
  if (!hides) return () => undefined;

  // One more listener of each, asking for more, there only while needed.
  const withBody = (d: WebRequest.OnBeforeRequestDetailsType) => observer.beforeRequest(d);
  const withHeaders = (d: WebRequest.OnSendHeadersDetailsType) => observer.sendHeaders(d);
  const set = ({ headers, bodySizes }: NetworkDetail) => {
    if (bodySizes !== webRequest.onBeforeRequest.hasListener(withBody)) {
      if (bodySizes) webRequest.onBeforeRequest.addListener(withBody, filter, ['requestBody']);
      else webRequest.onBeforeRequest.removeListener(withBody);
    }
    if (headers !== webRequest.onSendHeaders.hasListener(withHeaders)) {
      if (headers) webRequest.onSendHeaders.addListener(withHeaders, filter, ['requestHeaders', 'extraHeaders'] as WebRequest.OnSendHeadersOptions[]);
      else webRequest.onSendHeaders.removeListener(withHeaders);
    }
  };
  return set;
}
