import { useState } from 'preact/hooks';
import { EventDetail } from './EventDetail';
import { count, grouped } from './format';
import { EventTable } from './EventTable';
import { PreserveLog, SettingsForm, type SaveSettings } from './Settings';
import { StreamDetail } from './StreamDetail';
import { StreamList } from './StreamList';
import type { PanelStore } from './store';
import { useStore } from './useStore';

export function App({ store, onSettings }: { store: PanelStore; onSettings: SaveSettings }) {
  useStore(store);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const { droppedEvents, droppedStreams, invalidRecords, unsavedWrites } = store.counters;
  const stream = store.selectedStream === null ? undefined : store.streams.get(store.selectedStream);
  const event = store.event(store.selectedEvent);
  return (
    <div class="app">
      <div class="toolbar" role="toolbar" aria-label="SSE Inspector">
        <strong>SSE</strong>
        <PreserveLog store={store} onSettings={onSettings} />
        <span class="toolbar-count" data-testid="summary">
          {count(store.streams.size, 'stream')} · {count(store.eventCount(), 'event')}
        </span>
        {droppedEvents > 0 && (
          <span
            class="warning"
            data-testid="dropped"
            title={`The log keeps at most ${grouped(store.settings.maxEvents)} events and ${store.settings.maxMegabytes} MB per tab (Settings)`}
          >
            {grouped(droppedEvents)} older event{droppedEvents === 1 ? '' : 's'} dropped (memory limit)
          </span>
        )}
        {droppedStreams > 0 && (
          <span class="warning" data-testid="dropped-streams" title="A tab keeps at most 10 000 streams: beyond that, the oldest closed ones with no event left go">
            {grouped(droppedStreams)} closed stream{droppedStreams === 1 ? '' : 's'} dropped
          </span>
        )}
        {invalidRecords > 0 && (
          <span class="warning" data-testid="invalid" title="Messages from the page that were malformed or oversized">
            {count(invalidRecords, 'invalid record')} refused
          </span>
        )}
        {unsavedWrites > 0 && (
          <span class="warning" data-testid="unsaved" title="If the browser restarts the extension's background, these changes will be missing">
            {count(unsavedWrites, 'change')} could not be stored
          </span>
        )}
        <button
          class="toolbar-button"
          type="button"
          aria-label="Settings"
          aria-expanded={settingsOpen}
          data-testid="settings-button"
          onClick={() => setSettingsOpen(!settingsOpen)}
        >
          ⚙
        </button>
      </div>
      {settingsOpen && <SettingsForm store={store} onSettings={onSettings} onClose={() => setSettingsOpen(false)} />}
      <div class="main">
        <StreamList store={store} />
        <section class="events-and-detail">
          <EventTable store={store} />
          {event ? (
            <EventDetail event={event} stream={store.streams.get(event.streamId)} />
          ) : (
            stream && <StreamDetail stream={stream} page={store.earlierPage(stream)} />
          )}
        </section>
      </div>
    </div>
  );
}
