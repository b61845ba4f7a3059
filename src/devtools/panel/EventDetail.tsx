import { useMemo, useState } from 'preact/hooks';
import type { EventRecord, Stream } from '../../shared/model';
import { toSse } from '../../shared/sse/format';
import { CopyButton } from './CopyButton';
import './detail.css';
import { bytes, clockTime } from './format';
import { JsonTree, parseJsonData } from './JsonTree';

const SOURCE_TEXT = {
  'page-hook': "page hook: the event as the page's EventSource dispatched it",
  'response-body': 'response body: parsed from the bytes the page read',
} as const;

export function EventDetail({ event, stream }: { event: EventRecord; stream: Stream | undefined }) {
  // Another event starts afresh: its tree opened as at first, its root selected.
  return <EventView key={event.seq} event={event} stream={stream} />;
}

function EventView({ event: e, stream }: { event: EventRecord; stream: Stream | undefined }) {
  const json = useMemo(() => parseJsonData(e.data), [e.data]);
  const [path, setPath] = useState('$');
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
      <div class="detail-actions">
        <CopyButton label="Copy data" text={() => e.data} testid="copy-data" title={e.truncated ? 'The data as kept: cut to the capture limit' : undefined} />
        <CopyButton
          label="Copy as raw SSE"
          text={() => e.raw ?? toSse(e)}
          testid="copy-sse"
          title={e.raw !== undefined ? 'The wire text, as received' : 'Written from the type, id and data (the wire text was not seen)'}
        />
        {json && (
          <>
            <CopyButton label="Copy JSON path" text={() => path} testid="copy-json-path" title="The path of the node selected in the tree" />
            <code class="json-path" data-testid="json-path">
              {path}
            </code>
          </>
        )}
      </div>
      {json ? (
        <JsonTree value={json} onSelect={setPath} />
      ) : (
        <pre class="data" data-testid="event-data-full">
          {e.data}
        </pre>
      )}
      {e.raw !== undefined ? (
        <>
          <h3>As on the wire</h3>
          <pre class="data" data-testid="event-raw">
            {e.raw}
          </pre>
        </>
      ) : (
        e.source === 'page-hook' && (
          <p class="note no-wire" data-testid="no-wire">
            A native EventSource does not show its wire text to the page; "Copy as raw SSE" writes it from the type, id and data.
          </p>
        )
      )}
    </section>
  );
}
