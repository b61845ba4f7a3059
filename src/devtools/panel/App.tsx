import { useEffect, useState } from 'preact/hooks';
import { startDrag } from './drag';
import { EventDetail } from './EventDetail';
import { EventTable } from './EventTable';
import { ExportDialog } from './ExportDialog';
import type { ExportEnv } from './export';
import { download, openFile } from './files';
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
  /** The tool and browser an export names. */
  exportEnv: () => ExportEnv;
  /** A tab's live capture (the extension's panel); the viewer has none and shows files only. */
  live?: {
    /** Clears the tab's log (in the background: every panel on the tab sees it). */
    onClear: () => void;
    /** Leaves a file shown for the live capture again. */
    onLive: () => void;
  };
}

export function App({ store, onSettings, exportEnv, live }: AppProps) {
  useStore(store);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [exportOpen, setExportOpen] = useState(false);
  const open = (file: File) => void openFile(store, file);
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
  return (
    <div
      class="app"
      onDragOver={(e) => {
        if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
      }}
      onDrop={(e) => {
        const file = e.dataTransfer?.files[0];
        if (!file) return;
        e.preventDefault();
        open(file);
      }}
    >
      <Toolbar
        store={store}
        onSettings={onSettings}
        onClear={store.imported ? undefined : live?.onClear}
        onOpenFile={open}
        settingsOpen={settingsOpen}
        onToggleSettings={() => setSettingsOpen(!settingsOpen)}
        exportOpen={exportOpen}
        onToggleExport={() => setExportOpen(!exportOpen)}
      />
      {settingsOpen && <SettingsForm store={store} onSettings={onSettings} onClose={() => setSettingsOpen(false)} />}
      {exportOpen && <ExportDialog store={store} env={exportEnv} onExport={download} onClose={() => setExportOpen(false)} />}
      <FileBanner store={store} onLive={live?.onLive} />
      {!live && !store.imported ? <Welcome /> : <CaptureView store={store} />}
    </div>
  );
}

/** The streams, the timeline, the events and the detail of what the store holds. */
function CaptureView({ store }: { store: PanelStore }) {
  const stream = store.selectedStream === null ? undefined : store.streams.get(store.selectedStream);
  const event = store.event(store.selectedEvent);
  const detail = event ? (
    <EventDetail event={event} stream={store.streams.get(event.streamId)} />
  ) : (
    stream && <StreamDetail stream={stream} page={store.earlierPage(stream)} />
  );
  return (
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
  );
}

/** The viewer before a file is opened. */
function Welcome() {
  return (
    <div class="welcome" data-testid="welcome">
      <h1>SSE Inspector viewer</h1>
      <p>Open a capture with ⤒ (Import) or drop a file here.</p>
      <p class="note">
        It opens <code>*.sse-capture.json</code> files exported by SSE Inspector, HAR files whose entries carry <code>_eventSourceMessages</code>, and raw
        text/event-stream files. Files are read in this page and sent nowhere.
      </p>
    </div>
  );
}

/** Which file is shown instead of the live capture, or why the last one could not be opened. */
function FileBanner({ store, onLive }: { store: PanelStore; onLive: (() => void) | undefined }) {
  const { imported, importError } = store;
  if (importError) {
    return (
      <div class="banner error" role="alert" data-testid="import-error">
        <span>{importError}</span>
        <button type="button" class="toolbar-button" aria-label="Dismiss" onClick={() => store.setImportError(null)}>
          ✕
        </button>
      </div>
    );
  }
  if (!imported) return null;
  const c = imported.info;
  const facts = [
    c && `exported ${new Date(c.exportedAt).toLocaleString()}`,
    c?.pageUrl && `from ${c.pageUrl}`,
    c && c.redacted.length > 0 && `redacted: ${c.redacted.join(', ')}`,
  ].filter(Boolean);
  const kind = { capture: 'capture', har: 'HAR', sse: 'raw text/event-stream' }[imported.format];
  return (
    <div class="banner" role="status" data-testid="import-banner">
      <span>
        Showing {kind} <strong>{imported.name}</strong>
        {facts.length > 0 && ` (${facts.join('; ')})`}
      </span>
      {onLive && (
        <button
          type="button"
          data-testid="back-to-live"
          onClick={() => {
            store.showLive();
            onLive();
          }}
        >
          Back to the live capture
        </button>
      )}
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
