// The toolbar's "Preserve log" switch and the settings form (the log's bounds). Both write the
// settings through `onSettings`; the store shows them once storage says they changed.
import { useState } from 'preact/hooks';
import { SETTING_RANGES, type Settings } from '../../shared/settings';
import type { PanelStore } from './store';

export type SaveSettings = (settings: Settings) => Promise<void>;

export function PreserveLog({ store, onSettings }: { store: PanelStore; onSettings: SaveSettings }) {
  return (
    <label class="toolbar-check" title="Keep the streams of earlier pages when the page reloads or navigates">
      <input
        type="checkbox"
        data-testid="preserve-log"
        checked={store.settings.preserveLog}
        onChange={(e) => void onSettings({ ...store.settings, preserveLog: e.currentTarget.checked })}
      />
      Preserve log
    </label>
  );
}

export function SettingsForm({ store, onSettings, onClose }: { store: PanelStore; onSettings: SaveSettings; onClose: () => void }) {
  const [maxEvents, setMaxEvents] = useState(store.settings.maxEvents);
  const [maxMegabytes, setMaxMegabytes] = useState(store.settings.maxMegabytes);
  const apply = (e: Event) => {
    e.preventDefault();
    void onSettings({ ...store.settings, maxEvents, maxMegabytes }).then(onClose);
  };
  return (
    <form class="settings" aria-label="Settings" data-testid="settings" onSubmit={apply}>
      <label>
        Keep at most
        <input
          type="number"
          data-testid="max-events"
          min={SETTING_RANGES.maxEvents.min}
          max={SETTING_RANGES.maxEvents.max}
          value={maxEvents}
          onInput={(e) => setMaxEvents(e.currentTarget.valueAsNumber)}
          required
        />
        events
      </label>
      <label>
        and
        <input
          type="number"
          data-testid="max-megabytes"
          min={SETTING_RANGES.maxMegabytes.min}
          max={SETTING_RANGES.maxMegabytes.max}
          value={maxMegabytes}
          onInput={(e) => setMaxMegabytes(e.currentTarget.valueAsNumber)}
          required
        />
        MB of data per tab; the oldest are dropped first, and counted.
      </label>
      <button type="submit" data-testid="settings-apply">
        Apply
      </button>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
    </form>
  );
}
