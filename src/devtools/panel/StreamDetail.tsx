import type { Stream } from '../../shared/model';
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
        <dt>Credentials</dt>
        <dd>{s.withCredentials ? 'withCredentials: true' : 'no'}</dd>
        <dt>Created</dt>
        <dd>
          {clockTime(s.createdAt)} by {s.initiator || 'unknown code'}
        </dd>
        <dt>Frame</dt>
        <dd>{s.frame.top ? 'top' : `iframe ${s.frame.url}`}</dd>
        <dt>Received</dt>
        <dd>
          {count(s.eventCount, 'event')}, {bytes(s.bytes)}; last id {s.lastEventId || <em>none</em>}
        </dd>
      </dl>
      <h3>Attempts</h3>
      <ol class="attempts" data-testid="attempts">
        {s.attempts.map((a, i) => {
          const prev = s.attempts[i - 1];
          const since = prev?.endedAt !== undefined && a.openedAt !== undefined ? a.openedAt - prev.endedAt : undefined;
          return (
            <li key={a.n} data-testid="attempt">
              #{a.n}: {a.openedAt !== undefined ? `opened ${clockTime(a.openedAt)}` : 'never opened'}
              {a.end === 'error' && a.endedAt !== undefined && `, error at ${clockTime(a.endedAt)}`}
              {a.end === 'closed' && ', closed by the page'}
              {since !== undefined && ` (reconnected ${duration(since)} after the error)`}
            </li>
          );
        })}
      </ol>
      <p class="note">
        Seen by the page hook. A native EventSource shows only the event types the page listens to: {s.listenedTypes.join(', ')}.
        Types the page never listens to, comments and retry fields are not visible here.
      </p>
    </section>
  );
}
