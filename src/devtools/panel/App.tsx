import { useEffect, useState } from 'preact/hooks';
import { startDrag } from './drag';
import { EventDetail } from './EventDetail';
import { EventTable } from './EventTable';
import { SettingsForm, type SaveSettings } from './Settings';
import { StreamDetail } from './StreamDetail';
import { StreamList } from './StreamList';
import { Timeline } from './Timeline';
import type { PanelStore } from './store';
import { Toolbar } from './Toolbar';
import { useStore } from './useStore';

const MIN_DETAIL = 80;

export interface AppProps {
  store: PanelStore;
  onSettings: SaveSettings;
  /** Clears the tab's log (in the background: every panel on the tab sees it). */
  onClear: () => void;
}

export function App({ store, onSettings, onClear }: AppProps) {
  useStore(store);
  const [settingsOpen, setSettingsOpen] = useState(false);
  useEffect(() => {
    // Ctrl/Cmd+F: the filter, as in DevTools' own tools. Caught on the way down (capture, on
    // the window): Chrome's DevTools forwards such keys to itself from a listener on the document.
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        e.stopPropagation();
        document.querySelector<HTMLInputElement>('[data-testid="filter"]')?.focus();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
  const stream = store.selectedStream === null ? undefined : store.streams.get(store.selectedStream);
  const event = store.event(store.selectedEvent);
  const detail = event ? (
    <EventDetail event={event} stream={store.streams.get(event.streamId)} />
  ) : (
    stream && <StreamDetail stream={stream} page={store.earlierPage(stream)} />
  );
  return (
    <div class="app">
      <Toolbar store={store} onSettings={onSettings} onClear={onClear} settingsOpen={settingsOpen} onToggleSettings={() => setSettingsOpen(!settingsOpen)} />
      {settingsOpen && <SettingsForm store={store} onSettings={onSettings} onClose={() => setSettingsOpen(false)} />}
      <div class="main">
        <StreamList store={store} />
        <section class="events-and-detail">
          <section class="timeline-section" aria-label="Timeline">
            <button
              type="button"
              class="section-toggle"
              aria-expanded={store.view.timeline}
              data-testid="timeline-toggle"
              onClick={() => store.setView({ timeline: !store.view.timeline })}
            >
              {store.view.timeline ? '▾' : '▸'} Timeline
            </button>
            {store.view.timeline && (
              <Timeline
                streams={store.streams}
                events={store.events}
                selected={store.selectedStream}
                gapMs={store.view.gapMs}
                onSelectTime={(time, streamId) => store.selectAt(time, streamId)}
              />
            )}
          </section>
          <EventTable store={store} />
          {detail && (
            <>
              <Splitter height={store.view.detailHeight} onResize={(h) => store.setView({ detailHeight: h })} />
              <div class="detail-pane" style={{ height: `${store.view.detailHeight}px` }}>
                {detail}
              </div>
            </>
          )}
        </section>
      </div>
    </div>
  );
}

/** The bar above the detail pane: drag it (or use the arrow keys on it) to resize the pane. */
function Splitter({ height, onResize }: { height: number; onResize: (height: number) => void }) {
  const clamp = (h: number) => Math.max(MIN_DETAIL, Math.min(window.innerHeight - 120, Math.round(h)));
  return (
    <div
      class="splitter"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize the detail pane"
      aria-valuenow={height}
      tabIndex={0}
      onKeyDown={(e) => {
        if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
          e.preventDefault();
          onResize(clamp(height + (e.key === 'ArrowUp' ? 20 : -20)));
        }
      }}
      onPointerDown={(e) => startDrag(e, (_, dy) => onResize(clamp(height - dy)))}
    />
  );
}
