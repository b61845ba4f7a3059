// The captured model, as the background keeps it and the panel shows it. Plain data only:
// it crosses ports as JSON and is what an export will write.

export type StreamKind = 'eventsource' | 'fetch' | 'xhr';
export type StreamState = 'connecting' | 'open' | 'closed';
/**
 * Where a fact came from; the panel names it, since each source sees different things.
 * page-hook: what a native EventSource dispatched to the page (listened types only).
 * response-body: a fetch/XHR body as the page read it, parsed here (everything on the wire).
 */
export type Source = 'page-hook' | 'response-body';

/** One HTTP connection of a stream: an EventSource reconnects, and each try is an attempt. */
export interface Attempt {
  /** 1-based. */
  n: number;
  /** When the connection was requested; unknown for reconnects the page hook cannot see start. */
  startedAt?: number;
  openedAt?: number;
  endedAt?: number;
  /**
   * error: the connection failed or dropped; closed: the page called close(); done: the body
   * was read to its end; aborted: the request was aborted; cancelled: the page cancelled the body.
   */
  end?: 'error' | 'closed' | 'done' | 'aborted' | 'cancelled';
  /** What ended it, in words ("TypeError: network error"). */
  endReason?: string;
  /** When the response headers arrived. */
  headersAt?: number;
  status?: number;
  statusText?: string;
  /** Response headers, as [name, value]. */
  headers?: [string, string][];
  /** Text after the stream's last blank line, which EventSource discards. */
  discarded?: string;
  // From the network (webRequest), when it saw the request:
  method?: string;
  requestBytes?: number;
  /** The Last-Event-ID header this attempt sent (an EventSource resuming after a reconnect). */
  lastEventIdSent?: string;
  /** Request headers as sent, as [name, value] (for "Copy as cURL"). */
  requestHeaders?: [string, string][];
  /** Chrome reported them without the ones it hides unless asked: Cookie, Referer, Accept-Language, … */
  requestHeadersPartial?: true;
  contentType?: string;
  /** Why this attempt gave no event stream: "HTTP 500 text/html", "wrong MIME type …", "net::…". */
  failure?: string;
  redirects?: string[];
}

export interface FrameInfo {
  /** The browser's frame id (0 is the top frame). */
  id: number;
  url: string;
  top: boolean;
}

/** A page session of a tab: from one top-level navigation to the next. */
export interface PageInfo {
  /** 1-based, counting the tab's navigations since the capture began. */
  n: number;
  /** The top-level URL ('' until known). */
  url: string;
  /** When the navigation committed (0: the capture began mid-page). */
  startedAt: number;
}

export interface Stream {
  /** Unique within a tab: `<document id>:<stream number in the document>`. */
  id: string;
  /** The page session (PageInfo.n) it was created in; older ones stay only with "preserve log". */
  page: number;
  kind: StreamKind;
  url: string;
  withCredentials: boolean;
  frame: FrameInfo;
  createdAt: number;
  /** The page's code that created the stream (top stack frame outside the extension). */
  initiator: string;
  stack: string;
  state: StreamState;
  /** Why it is closed: the page called close(), or the browser gave up after an error. */
  closedBy?: 'page' | 'error';
  attempts: Attempt[];
  eventCount: number;
  /** UTF-8 bytes of event data received. */
  bytes: number;
  lastEventId: string;
  /** Event types the page listens to: for a native EventSource only these are visible. */
  listenedTypes: string[];
  /** The reconnection time the stream set with `retry:`, in ms (when its source sees it). */
  retry?: number;
  /** The request method, when the network saw it. */
  method?: string;
  source: Source;
}

/** event: dispatched to the page; comment: a `:` line; retry: a `retry:` field. */
export type RecordKind = 'event' | 'comment' | 'retry';

export interface EventRecord {
  /** Position in the tab's log, increasing, never reused. */
  seq: number;
  kind: RecordKind;
  streamId: string;
  /** The attempt (connection) it arrived on. */
  attempt: number;
  /** Arrival time, epoch ms with sub-ms precision. */
  time: number;
  /** The event type; '' for comments and retry. */
  type: string;
  id: string;
  /** The event's data; a comment's text; a retry's milliseconds. */
  data: string;
  origin: string;
  /** The lines as they came on the wire, where the source has them. */
  raw?: string;
  /** UTF-8 bytes of the data as received (also when `truncated`). */
  size: number;
  /** Cut to the capture limits: the data (`size` is its true size), or an over-long type or id. */
  truncated?: true;
  source: Source;
}
