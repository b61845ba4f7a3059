import type { PageInfo, Stream } from '../../shared/model';
import { bytes, count, shortUrl } from './format';
import type { PanelStore } from './store';

const KIND_LABEL = { eventsource: 'ES', fetch: 'fetch', xhr: 'XHR' } as const;

export function StreamList({ store }: { store: PanelStore }) {
  const streams = [...store.streams.values()];
  const select = (id: string | null) => {
    store.selectStream(id);
    store.selectEvent(null);
  };
  return (
    <nav class="streams" aria-label="Streams">
      <ul role="listbox" aria-label="Streams">
        <li
          role="option"
          aria-selected={store.selectedStream === null}
          class={store.selectedStream === null ? 'selected' : ''}
          onClick={() => select(null)}
          data-testid="all-streams"
        >
          <span class="stream-url">All streams</span>
          <span class="stream-meta">{count(store.eventCount(), 'event')}</span>
        </li>
        {streams.map((s) => (
          <StreamRow key={s.id} stream={s} page={store.earlierPage(s)} selected={store.selectedStream === s.id} onSelect={() => select(s.id)} />
        ))}
      </ul>
      {streams.length === 0 && <p class="empty">No EventSource yet. Streams this page opens appear here, from page load on.</p>}
    </nav>
  );
}

/** `page`: the earlier page it came from (kept by "preserve log"); undefined for the current page. */
function StreamRow({ stream: s, page, selected, onSelect }: { stream: Stream; page: PageInfo | undefined; selected: boolean; onSelect: () => void }) {
  const reconnects = s.attempts.length - 1;
  const classes = [selected ? 'selected' : '', page ? 'earlier-page' : ''].filter(Boolean).join(' ');
  // A stream the browser gave up on after an error says so, not just "closed".
  const state = s.state === 'closed' && s.closedBy === 'error' ? 'error' : s.state;
  return (
    <li role="option" aria-selected={selected} class={classes} onClick={onSelect} data-testid="stream" data-stream-id={s.id}>
      <span class="stream-url" title={s.url}>
        <span class="kind" data-testid="stream-kind">{KIND_LABEL[s.kind]}</span>
        {s.method && s.method !== 'GET' && <span class="kind method">{s.method}</span>} {shortUrl(s.url)}
      </span>
      <span class="stream-meta">
        <span class={`badge state-${state}`} data-testid="stream-state">
          {state}
        </span>
        <span data-testid="stream-events">{count(s.eventCount, 'event')}</span>
        <span>{bytes(s.bytes)}</span>
        <span data-testid="stream-attempts" data-attempts={s.attempts.length} title={count(s.attempts.length, 'attempt')}>
          {count(reconnects, 'reconnect')}
        </span>
      </span>
      <span class="stream-meta">
        {s.lastEventId !== '' && <span title="Last event ID">id {s.lastEventId}</span>}
        {s.retry !== undefined && <span title="Reconnection time set by the stream (retry:)">retry {s.retry} ms</span>}
        {!s.frame.top && (
          <span title={s.frame.url} data-testid="stream-frame">
            iframe
          </span>
        )}
        {page && (
          <span class="page-mark" title={`From an earlier page: ${page.url}`} data-testid="stream-page">
            page {page.n}
          </span>
        )}
      </span>
    </li>
  );
}
