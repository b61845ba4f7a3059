import type { Attempt, Stream } from '../../shared/model';
import { bytes, clockTime, count, duration } from './format';

export function StreamDetail({ stream: s }: { stream: Stream }) {
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
        <dd>{s.frame.top ? 'top' : `iframe ${s.frame.url}`}</dd>
        <dt>Received</dt>
        <dd>
          {count(s.eventCount, 'event')}, {bytes(s.bytes)}; last id {s.lastEventId || <em>none</em>}
          {s.retry !== undefined && `; retry ${s.retry} ms`}
        </dd>
      </dl>
      <h3>{s.kind === 'eventsource' ? 'Attempts' : 'Response'}</h3>
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
      <p class="note" data-testid="source-note">
        {s.kind === 'eventsource'
          ? `Seen by the page hook. A native EventSource shows only the event types the page listens to: ${s.listenedTypes.join(', ')}. Types the page never listens to, comments and retry fields are not visible here.`
          : `Parsed from the response body as the page read it: every event, comment and retry field, exactly as an EventSource would interpret them. Bytes the page has not read yet are not shown.`}
      </p>
    </section>
  );
}

const END_TEXT = { error: 'error', closed: 'closed by the page', done: 'body ended', aborted: 'aborted', cancelled: 'cancelled by the page' } as const;

/** "#2: HTTP 200, opened 14:03:07.412 (reconnected 3.0 s after the error), error at …" */
function describeAttempt(a: Attempt, previous: Attempt | undefined): string {
  const parts = [`#${a.n}:`];
  if (a.status !== undefined) parts.push(`HTTP ${a.status}${a.statusText ? ` ${a.statusText}` : ''},`);
  parts.push(a.openedAt !== undefined ? `opened ${clockTime(a.openedAt)}` : 'never opened');
  if (a.headersAt !== undefined && a.startedAt !== undefined) parts.push(`(headers after ${duration(a.headersAt - a.startedAt)})`);
  const since = previous?.endedAt !== undefined && a.openedAt !== undefined ? a.openedAt - previous.endedAt : undefined;
  if (since !== undefined) parts.push(`(reconnected ${duration(since)} after the error)`);
  let text = parts.join(' ');
  if (a.end === 'error' && a.endedAt !== undefined) text += `, error at ${clockTime(a.endedAt)}`;
  else if (a.end !== undefined) text += `, ${END_TEXT[a.end]}${a.endedAt !== undefined && a.end !== 'closed' ? ` at ${clockTime(a.endedAt)}` : ''}`;
  if (a.endReason) text += ` (${a.endReason})`;
  return text;
}
