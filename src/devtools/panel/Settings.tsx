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
        <Bound name="maxEvents" testId="max-events" value={maxEvents} onValue={setMaxEvents} />
        events
      </label>
      <label>
        and
        <Bound name="maxMegabytes" testId="max-megabytes" value={maxMegabytes} onValue={setMaxMegabytes} />
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

/** A number input for one of the log's bounds, within the range the settings allow. */
function Bound(props: { name: keyof typeof SETTING_RANGES; testId: string; value: number; onValue: (value: number) => void }) {
  const { min, max } = SETTING_RANGES[props.name];
  return (
    <input
      type="number"
      data-testid={props.testId}
      min={min}
      max={max}
      value={props.value}
      onInput={(e) => props.onValue(e.currentTarget.valueAsNumber)}
      required
    />
  );
}
