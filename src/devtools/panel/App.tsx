import { EventDetail } from './EventDetail';
import { count } from './format';
import { EventTable } from './EventTable';
import { StreamDetail } from './StreamDetail';
import { StreamList } from './StreamList';
import type { PanelStore } from './store';
import { useStore } from './useStore';

export function App({ store }: { store: PanelStore }) {
  useStore(store);
  const { droppedEvents, invalidRecords } = store.counters;
  const stream = store.selectedStream === null ? undefined : store.streams.get(store.selectedStream);
  const event = store.event(store.selectedEvent);
  return (
    <div class="app">
      <div class="toolbar" role="toolbar" aria-label="SSE Inspector">
        <strong>SSE</strong>
        <span class="toolbar-count" data-testid="summary">
          {count(store.streams.size, 'stream')} · {count(store.eventCount(), 'event')}
        </span>
        {droppedEvents > 0 && (
          <span class="warning" data-testid="dropped">
            {count(droppedEvents, 'older event')} dropped (memory limit)
          </span>
        )}
        {invalidRecords > 0 && (
          <span class="warning" data-testid="invalid" title="Messages from the page that were malformed or oversized">
            {count(invalidRecords, 'invalid record')} refused
          </span>
        )}
      </div>
      <div class="main">
        <StreamList store={store} />
        <section class="events-and-detail">
          <EventTable store={store} />
          {event ? <EventDetail event={event} stream={store.streams.get(event.streamId)} /> : stream && <StreamDetail stream={stream} />}
        </section>
      </div>
    </div>
  );
}
