// The captured model, as the background keeps it and the panel shows it. Plain data only:
// it crosses ports as JSON and is what an export will write.

export type StreamKind = 'eventsource';
export type StreamState = 'connecting' | 'open' | 'closed';
/** Where a fact came from; the panel names it, since each source sees different things. */
export type Source = 'page-hook';

/** One HTTP connection of a stream: an EventSource reconnects, and each try is an attempt. */
export interface Attempt {
  /** 1-based. */
  n: number;
  /** When the connection was requested; unknown for reconnects the page hook cannot see start. */
  startedAt?: number;
  openedAt?: number;
  endedAt?: number;
  /** error: the connection failed or dropped; closed: the page called close(). */
  end?: 'error' | 'closed';
}

export interface FrameInfo {
  /** The browser's frame id (0 is the top frame). */
  id: number;
  url: string;
  top: boolean;
}

export interface Stream {
  /** Unique within a tab: `<document id>:<stream number in the document>`. */
  id: string;
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
  source: Source;
}

export interface EventRecord {
  /** Position in the tab's log, increasing, never reused. */
  seq: number;
  streamId: string;
  /** The attempt (connection) it arrived on. */
  attempt: number;
  /** Arrival time, epoch ms with sub-ms precision. */
  time: number;
  type: string;
  id: string;
  data: string;
  origin: string;
  /** UTF-8 bytes of the data as received (also when `truncated`). */
  size: number;
  /** The data was longer than the capture limit and is cut; `size` is its true size. */
  truncated?: true;
  source: Source;
}
