import type { EventRecord, Stream } from '../../shared/model';
import { bytes, clockTime, prettyJson } from './format';

const SOURCE_TEXT = {
  'page-hook': "page hook: the event as the page's EventSource dispatched it",
  'response-body': 'response body: parsed from the bytes the page read',
} as const;

export function EventDetail({ event: e, stream }: { event: EventRecord; stream: Stream | undefined }) {
  const json = prettyJson(e.data);
  return (
    <section class="detail" aria-label="Event detail" data-testid="event-detail">
      <dl class="facts">
        <dt>{e.kind === 'event' ? 'Type' : 'Record'}</dt>
        <dd>{e.kind === 'event' ? e.type : e.kind}</dd>
        {e.kind === 'event' && (
          <>
            <dt>ID</dt>
            <dd>{e.id || <em>none</em>}</dd>
          </>
        )}
        <dt>Time</dt>
        <dd>{clockTime(e.time)}</dd>
        <dt>Size</dt>
        <dd>
          {bytes(e.size)}
          {e.truncated && ' (truncated in the capture)'}
        </dd>
        <dt>Stream</dt>
        <dd title={stream?.url}>
          {stream?.url} · attempt {e.attempt}
        </dd>
        {e.origin && (
          <>
            <dt>Origin</dt>
            <dd>{e.origin}</dd>
          </>
        )}
        <dt>Source</dt>
        <dd>{SOURCE_TEXT[e.source]}</dd>
      </dl>
      <h3>{json ? 'Data (JSON)' : e.kind === 'comment' ? 'Comment' : e.kind === 'retry' ? 'Reconnection time (ms)' : 'Data'}</h3>
      <pre class="data" data-testid="event-data-full">
        {json ?? e.data}
      </pre>
      {e.raw !== undefined && (
        <>
          <h3>As on the wire</h3>
          <pre class="data" data-testid="event-raw">
            {e.raw}
          </pre>
        </>
      )}
    </section>
  );
}
