import type { EventRecord, Stream } from '../../shared/model';
import { bytes, clockTime, prettyJson } from './format';

export function EventDetail({ event: e, stream }: { event: EventRecord; stream: Stream | undefined }) {
  const json = prettyJson(e.data);
  return (
    <section class="detail" aria-label="Event detail" data-testid="event-detail">
      <dl class="facts">
        <dt>Type</dt>
        <dd>{e.type}</dd>
        <dt>ID</dt>
        <dd>{e.id || <em>none</em>}</dd>
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
        <dt>Origin</dt>
        <dd>{e.origin}</dd>
        <dt>Source</dt>
        <dd>page hook (the events the page's EventSource dispatched)</dd>
      </dl>
      <h3>{json ? 'Data (JSON)' : 'Data'}</h3>
      <pre class="data" data-testid="event-data-full">
        {json ?? e.data}
      </pre>
    </section>
  );
}
