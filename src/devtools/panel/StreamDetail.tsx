import type { Attempt, PageInfo, Stream } from '../../shared/model';
import { bytes, clockTime, count, duration } from './format';

/** `page`: the earlier page the stream came from, if it is not the current page's. */
export function StreamDetail({ stream: s, page }: { stream: Stream; page?: PageInfo | undefined }) {
  return (
    <section class="detail" aria-label="Stream detail" data-testid="stream-detail">
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
      {s.attempts.map(
        (a) =>
          a.headers && (
            <details key={a.n} class="headers">
              <summary>Response headers{s.attempts.length > 1 ? ` (attempt ${a.n})` : ''}</summary>
              <dl class="facts" data-testid="response-headers">
                {a.headers.flatMap(([name, value], i) => [<dt key={`n${i}`}>{name}</dt>, <dd key={`v${i}`}>{value}</dd>])}
              </dl>
            </details>
          ),
      )}
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
