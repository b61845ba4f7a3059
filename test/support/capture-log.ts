// A realistic captured log for the export/import tests, made the way the extension makes it:
// page records and network facts fed to a TabLog. An EventSource that reconnects, and an LLM-style
// fetch POST whose body has comments, a retry field, CRLF line ends, multi-line and unicode data,
// with credentials in its headers and URL.
import { TabLog, type RecordOrigin } from '../../src/background/tab-log';
import type { CaptureLog } from '../../src/shared/capture/capture';
import type { PageRecord } from '../../src/shared/protocol';

const ORIGIN = 'http://127.0.0.1:8080';
export const PAGE_URL = `${ORIGIN}/chat?session=s3cr3t&lang=en`;
const STACK = `Error\n    at Object.construct (chrome-extension://abc/src/content/page-hook.js:1:2)\n    at ${ORIGIN}/app.js?key=k3y:12:5`;
const top: RecordOrigin = { doc: { id: 'd1', url: PAGE_URL, top: true }, frameId: 0 };
const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

export function capturedLog(): CaptureLog {
  const log = new TabLog(7, { maxEvents: 1_000_000, maxBytes: 1_000_000_000 });
  log.nextPage(T0 - 100, PAGE_URL, false);
  const es = (t: number, data: string, id: string, type = 'message'): PageRecord => ({ k: 'event', sid: 0, t: T0 + t, type, data, id, origin: ORIGIN });
  log.apply(top, [
    { k: 'create', sid: 0, t: T0, url: `${ORIGIN}/events?access_token=tok123`, withCredentials: false, stack: STACK },
    { k: 'listen', sid: 0, t: T0 + 1, type: 'tick' },
    { k: 'open', sid: 0, t: T0 + 20 },
    es(30, 'one', '1'),
    es(1030, '{"n":2,"text":"två ✓"}', '2', 'tick'),
    { k: 'error', sid: 0, t: T0 + 1100, readyState: 0 },
    { k: 'open', sid: 0, t: T0 + 4100 },
    es(4110, 'three\nlines\nhere', '3'),
    { k: 'close', sid: 0, t: T0 + 5000 },
  ]);
  log.applyNetwork({
    requestId: 'r1', tabId: 7, frameId: 0, url: `${ORIGIN}/events?access_token=tok123`, method: 'GET', startedAt: T0 + 2,
    requestHeaders: [['Accept', 'text/event-stream'], ['Cookie', 'sid=abc']], status: 200, statusLine: 'HTTP/1.1 200 OK',
    contentType: 'text/event-stream', headers: [['Content-Type', 'text/event-stream'], ['Set-Cookie', 'sid=def']], headersAt: T0 + 19, redirects: [],
  });
  const body = ': keep-alive\r\nretry: 1500\r\n\r\nevent: delta\r\nid: a1\r\ndata: {"token":"Hel"}\r\n\r\ndata: lo 👋\r\ndata: second line\r\n\r\n';
  log.apply(top, [
    { k: 'response', sid: 1, t: T0 + 200, kind: 'fetch', url: `${ORIGIN}/v1/chat`, status: 200, statusText: 'OK', headers: [['content-type', 'text/event-stream']], redirected: false, headersAt: T0 + 250, stack: STACK },
    { k: 'chunk', sid: 1, t: T0 + 300, text: body.slice(0, 40) },
    { k: 'chunk', sid: 1, t: T0 + 400, text: body.slice(40) },
    { k: 'end', sid: 1, t: T0 + 500, how: 'done', error: '' },
  ]);
  log.applyNetwork({
    requestId: 'r2', tabId: 7, frameId: 0, url: `${ORIGIN}/v1/chat`, method: 'POST', startedAt: T0 + 201,
    requestHeaders: [['Authorization', 'Bearer sk-live-123'], ['x-api-key', 'k-456'], ['Content-Type', 'application/json']], status: 200,
    statusLine: 'HTTP/1.1 200 OK', contentType: 'text/event-stream', headers: [['content-type', 'text/event-stream']], headersAt: T0 + 250, redirects: [],
  });
  const { streams, events, firstSeq, pages, counters } = log.snapshot();
  return { streams, events, firstSeq, pages, counters };
}
