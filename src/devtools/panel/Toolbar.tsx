// The panel's toolbar, as in DevTools' own tools: pause, clear, export, import, preserve log,
// the filter (text or regex over data and id, and a list of types with their counts), what was
// dropped, settings. Pause, clear and preserve log act on a live capture: a file shown (or the
// viewer) has none.
import { useEffect, useRef, useState } from 'preact/hooks';
import { count, grouped } from './format';
import { COMMENTS, CONNECTION, RETRY, textMatcher } from './rows';
import { PreserveLog, type SaveSettings } from './Settings';
import type { PanelStore } from './store';

const SPECIAL_TYPES: Record<string, string> = { [CONNECTION]: 'Connection (open, error, reconnect, close)', [COMMENTS]: 'Comments (keep-alives)', [RETRY]: 'Retry fields' };

export interface ToolbarProps {
  store: PanelStore;
  onSettings: SaveSettings;
  /** Clears the live capture; absent when none is shown. */
  onClear: (() => void) | undefined;
  onOpenFile: (file: File) => void;
  settingsOpen: boolean;
  onToggleSettings: () => void;
  exportOpen: boolean;
  onToggleExport: () => void;
}

export function Toolbar(props: ToolbarProps) {
  const { store, onSettings, onClear, settingsOpen, onToggleSettings } = props;
  const { droppedEvents, droppedStreams, invalidRecords, unsavedWrites } = store.counters;
  const { filter } = store.view;
  const matcher = textMatcher(filter);
  const filterError = matcher !== null && typeof matcher === 'object' ? matcher.error : null;
  const arrived = store.arrivedWhilePaused();
  return (
    <div class="toolbar" role="toolbar" aria-label="SSE Inspector">
      {onClear && (
        <>
          <button
            type="button"
            class={`toolbar-button record${store.paused ? '' : ' on'}`}
            aria-pressed={!store.paused}
            title={store.paused ? 'Resume: show new events' : 'Pause: keep the table still (events are still captured)'}
            aria-label={store.paused ? 'Resume' : 'Pause'}
            data-testid="pause"
            onClick={() => store.pause(!store.paused)}
          >
            ●
          </button>
          <button type="button" class="toolbar-button" title="Clear the log of this tab" aria-label="Clear" data-testid="clear" onClick={onClear}>
            ⊘
          </button>
        </>
      )}
      <button
        type="button"
        class="toolbar-button"
        title="Export: a capture file, HAR, raw text/event-stream or CSV"
        aria-label="Export"
        aria-expanded={props.exportOpen}
        data-testid="export-button"
        onClick={props.onToggleExport}
      >
        ⤓
      </button>
      <OpenFile onFile={props.onOpenFile} />
      {onClear && (
        <>
          <span class="toolbar-divider" />
          <PreserveLog store={store} onSettings={onSettings} />
        </>
      )}
      <span class="toolbar-divider" />
      <input
        type="search"
        class={`filter${filterError ? ' invalid' : ''}`}
        placeholder={filter.regex ? 'Filter data and id (regular expression)' : 'Filter data and id'}
        aria-label="Filter"
        aria-invalid={filterError !== null}
        title={filterError ?? undefined}
        data-testid="filter"
        value={filter.text}
        onInput={(e) => store.setFilter({ text: e.currentTarget.value })}
      />
      <label class="toolbar-check" title="Treat the filter as a regular expression (case-insensitive)">
        <input type="checkbox" data-testid="filter-regex" checked={filter.regex} onChange={(e) => store.setFilter({ regex: e.currentTarget.checked })} />
        Regex
      </label>
      <label class="toolbar-check" title="Hide comment lines (keep-alives)">
        <input
          type="checkbox"
          data-testid="hide-comments"
          checked={filter.hiddenTypes.includes(COMMENTS)}
          onChange={(e) => store.setFilter({ hiddenTypes: toggled(filter.hiddenTypes, COMMENTS, e.currentTarget.checked) })}
        />
        Hide comments
      </label>
      <TypeFilter store={store} />
      {filterError && (
        <span class="warning" role="alert" data-testid="filter-error">
          {filterError}
        </span>
      )}
      <span class="toolbar-count" data-testid="summary">
        {count(store.streams.size, 'stream')} · {count(store.eventCount(), 'event')}
      </span>
      {store.paused && (
        <span class="warning" data-testid="paused">
          Paused{arrived > 0 ? `: ${grouped(arrived)} new` : ''}
        </span>
      )}
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
        class="toolbar-button settings-button"
        type="button"
        aria-label="Settings"
        aria-expanded={settingsOpen}
        data-testid="settings-button"
        onClick={onToggleSettings}
      >
        ⚙
      </button>
    </div>
  );
}

/** "Import": a capture, a HAR or a raw text/event-stream file (dropping a file on the panel works too). */
function OpenFile({ onFile }: { onFile: (file: File) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        class="toolbar-button"
        title="Open a capture (.sse-capture.json), a HAR or a raw text/event-stream file"
        aria-label="Import"
        data-testid="import-button"
        onClick={() => input.current?.click()}
      >
        ⤒
      </button>
      <input
        ref={input}
        type="file"
        class="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        accept=".json,.har,.txt,.sse,text/event-stream,application/json"
        data-testid="import-file"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          // Cleared, so the same file can be opened again.
          e.currentTarget.value = '';
          if (file) onFile(file);
        }}
      />
    </>
  );
}

/** "Types ▾": a checkbox per type key seen (with its count), connection markers included. */
function TypeFilter({ store }: { store: PanelStore }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);
  const { hiddenTypes } = store.view.filter;
  const counts = open ? store.typeCounts() : new Map<string, number>();
  const keys = [CONNECTION, ...[...counts.keys()].filter((k) => k !== COMMENTS && k !== RETRY).sort(), ...[COMMENTS, RETRY].filter((k) => counts.has(k))];
  const hiddenCount = hiddenTypes.length;
  return (
    <div class="type-filter" ref={root}>
      <button
        type="button"
        class="toolbar-button"
        aria-haspopup="true"
        aria-expanded={open}
        data-testid="types-button"
        onClick={() => setOpen(!open)}
        title="Show or hide event types"
      >
        Types{hiddenCount > 0 ? ` (${hiddenCount} hidden)` : ''} ▾
      </button>
      {open && (
        <fieldset class="type-list" data-testid="types">
          <legend class="visually-hidden">Event types shown</legend>
          {keys.map((key) => (
            <label key={key}>
              <input
                type="checkbox"
                data-type={key}
                checked={!hiddenTypes.includes(key)}
                onChange={(e) => store.setFilter({ hiddenTypes: toggled(hiddenTypes, key, !e.currentTarget.checked) })}
              />
              <span class="type-name">{SPECIAL_TYPES[key] ?? key}</span>
              {key !== CONNECTION && <span class="type-count">{grouped(counts.get(key) ?? 0)}</span>}
            </label>
          ))}
          {hiddenCount > 0 && (
            <button type="button" onClick={() => store.setFilter({ hiddenTypes: [] })}>
              Show all
            </button>
          )}
        </fieldset>
      )}
    </div>
  );
}

/** `list` with `key` in it (hide) or not. */
function toggled(list: readonly string[], key: string, hide: boolean): string[] {
  const rest = list.filter((k) => k !== key);
  return hide ? [...rest, key] : rest;
}
