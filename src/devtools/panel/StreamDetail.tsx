import { useState } from 'preact/hooks';
import type { Attempt, PageInfo, Stream } from '../../shared/model';
import { CopyButton } from './CopyButton';
import { curlCommand } from './curl';
import './detail.css';
import { bytes, clockTime, count, duration } from './format';

/** `page`: the earlier page the stream came from, if it is not the current page's. */
export function StreamDetail({ stream: s, page }: { stream: Stream; page?: PageInfo | undefined }) {
  return (
    <section class="detail" aria-label="Stream detail" data-testid="stream-detail">
      <div class="detail-actions">
        <CopyButton label="Copy as cURL" text={() => curlCommand(s, s.attempts[0])} testid="copy-curl" title="The stream's first request as a curl command" />
      </div>
      <dl class="facts">
        <dt>URL</dt>
        <dd>{s.url}</dd>
        <dt>State</dt>
        <dd>
          {s.state}
          {s.closedBy === 'page' && ' (the page called close())'}
          {s.closedBy === 'error' && ' (the browser gave up after an error)'}
        </dd>
        <dt>Kind</dt>
        <dd>{s.kind === 'eventsource' ? 'EventSource' : s.kind === 'fetch' ? 'fetch() response' : 'XMLHttpRequest response'}</dd>
        {s.kind === 'eventsource' && (
          <>
            <dt>Credentials</dt>
            <dd>{s.withCredentials ? 'withCredentials: true' : 'no'}</dd>
          </>
        )}
        <dt>Created</dt>
        <dd>
          {clockTime(s.createdAt)} by {s.initiator || 'unknown code'}
        </dd>
        <dt>Frame</dt>
        <dd data-testid="stream-detail-frame">{s.frame.top ? 'top' : `iframe ${s.frame.url}`}</dd>
        {page && (
          <>
            <dt>Page</dt>
            <dd data-testid="stream-detail-page">
              an earlier page (kept by "Preserve log"): {page.url || 'unknown URL'}
              {page.startedAt > 0 && `, loaded at ${clockTime(page.startedAt)}`}
            </dd>
          </>
        )}
        <dt>Received</dt>
        <dd>
          {count(s.eventCount, 'event')}, {bytes(s.bytes)}; last id {s.lastEventId || <em>none</em>}
          {s.retry !== undefined && `; retry ${s.retry} ms`}
        </dd>
      </dl>
      <h3>{s.kind === 'eventsource' ? 'Attempts' : 'Response'}</h3>
      {reconnectDelay(s) !== undefined && <p data-testid="reconnect-delay">Reconnects {duration(reconnectDelay(s)!)} after an error (measured)</p>}
      <ol class="attempts" data-testid="attempts">
        {s.attempts.map((a, i) => (
          <li key={a.n} data-testid="attempt">
            {describeAttempt(a, s.attempts[i - 1])}
          </li>
        ))}
      </ol>
      {s.attempts.map((a) => (
        <AttemptHeaders key={a.n} stream={s} attempt={a} />
      ))}
      {s.attempts.some((a) => a.discarded) && (
        <>
          <h3>Discarded at the end (no blank line after it)</h3>
          <pre class="data" data-testid="discarded">
            {s.attempts.map((a) => a.discarded ?? '').join('')}
          </pre>
        </>
      )}
      <p class="note">
        {s.kind === 'eventsource' ? 'Open, error and close() come from the page hook; ' : 'Status and headers come from the page hook; '}
        the request method and size, Last-Event-ID, HTTP status, content type and why an attempt failed come from the network (webRequest).
      </p>
      <p class="note" data-testid="source-note">
        {s.kind === 'eventsource'
          ? `Seen by the page hook. A native EventSource shows only the event types the page listens to: ${s.listenedTypes.join(', ')}. Types the page never listens to, comments and retry fields are not visible here.`
          : `Parsed from the response body as the page read it: every event, comment and retry field, exactly as an EventSource would interpret them. Bytes the page has not read yet are not shown.`}
      </p>
    </section>
  );
}

/**
 * One attempt's request and response headers, and its request as cURL. Closed at first when
 * there are several (a reconnect loop has many); drawn only once opened.
 */
function AttemptHeaders({ stream: s, attempt: a }: { stream: Stream; attempt: Attempt }) {
  const [open, setOpen] = useState(s.attempts.length === 1);
  const several = s.attempts.length > 1;
  return (
    <details class="headers" open={open} data-testid="attempt-headers">
      <summary
        onClick={(ev) => {
          // Opened and closed here (a click, or Enter and Space), so its content is drawn only when open.
          ev.preventDefault();
          setOpen(!open);
        }}
      >
        Headers{several ? ` (attempt ${a.n})` : ''}
        {a.status !== undefined && ` · HTTP ${a.status}${a.statusText ? ` ${a.statusText}` : ''}`}
      </summary>
      {open && (
        <>
          <h4>Request headers</h4>
          {a.requestHeaders ? <HeaderList headers={a.requestHeaders} testid="request-headers" /> : <p class="note">Not seen: the network did not report this request.</p>}
          {a.requestHeadersPartial && (
            <p class="note" data-testid="request-headers-partial">
              Partial: Chrome shows an extension Cookie, Referer and some other headers only at a cost to every request, so they are asked for
              only while this panel is open or the page has an EventSource open. Reload the page with the panel open to see them.
            </p>
          )}
          <h4>Response headers</h4>
          {a.headers ? <HeaderList headers={a.headers} testid="response-headers" /> : <p class="note">No response.</p>}
          {several && (
            <div class="detail-actions">
              <CopyButton label={`Copy attempt ${a.n} as cURL`} text={() => curlCommand(s, a)} testid="copy-attempt-curl" />
            </div>
          )}
        </>
      )}
    </details>
  );
}

function HeaderList({ headers, testid }: { headers: [string, string][]; testid: string }) {
  return (
    <dl class="facts" data-testid={testid}>
      {headers.flatMap(([name, value], i) => [<dt key={`n${i}`}>{name}</dt>, <dd key={`v${i}`}>{value}</dd>])}
    </dl>
  );
}

/** The median time from an attempt's end to the next one's start: the effective retry delay. */
function reconnectDelay(s: Stream): number | undefined {
  const gaps = s.attempts.flatMap((a, i) => {
    const previous = s.attempts[i - 1];
    return previous?.endedAt !== undefined && a.startedAt !== undefined ? [a.startedAt - previous.endedAt] : [];
  });
  if (gaps.length === 0) return undefined;
  gaps.sort((x, y) => x - y);
  return gaps[Math.floor(gaps.length / 2)];
}

const END_TEXT = { error: 'error', closed: 'closed by the page', done: 'body ended', aborted: 'aborted', cancelled: 'cancelled by the page' } as const;

/**
 * "#7: HTTP 500 Internal Server Error text/html: not an event stream, started 3.0 s after #6
 * ended, never opened, error at 14:03:07.412"
 */
function describeAttempt(a: Attempt, previous: Attempt | undefined): string {
  const parts: string[] = [];
  if (a.status !== undefined) {
    const response = `HTTP ${a.status}${a.statusText ? ` ${a.statusText}` : ''}${a.contentType ? ` ${a.contentType}` : ''}`;
    parts.push(a.failure ? `${response}: not an event stream` : response);
  } else if (a.failure) parts.push(a.failure);
  const gap = previous?.endedAt !== undefined ? (a.startedAt ?? a.openedAt) : undefined;
  if (gap !== undefined && previous?.endedAt !== undefined) {
    parts.push(`${a.startedAt !== undefined ? 'started' : 'opened'} ${duration(gap - previous.endedAt)} after #${previous.n} ended`);
  }
  if (a.lastEventIdSent !== undefined) parts.push(`sent Last-Event-ID ${JSON.stringify(a.lastEventIdSent)}`);
  if (a.method && a.method !== 'GET') parts.push(`${a.method}${a.requestBytes !== undefined ? ` (${bytes(a.requestBytes)} body)` : ''}`);
  parts.push(a.openedAt !== undefined ? `opened ${clockTime(a.openedAt)}` : 'never opened');
  if (a.headersAt !== undefined && a.startedAt !== undefined) parts.push(`headers after ${duration(a.headersAt - a.startedAt)}`);
  if (a.end === 'error' && a.endedAt !== undefined) parts.push(`error at ${clockTime(a.endedAt)}`);
  else if (a.end !== undefined) parts.push(`${END_TEXT[a.end]}${a.endedAt !== undefined && a.end !== 'closed' ? ` at ${clockTime(a.endedAt)}` : ''}`);
  if (a.endReason) parts.push(a.endReason);
  return `#${a.n}: ${parts.join(', ')}`;
}
