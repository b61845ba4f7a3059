// The user's settings as the panel reads and writes them: in storage.local, where the
// background reads them too (src/shared/settings.ts says what they are).
import browser from 'webextension-polyfill';
import { SETTINGS_KEY, parseSettings, type Settings } from '../../shared/settings';

export async function loadSettings(): Promise<Settings> {
  return parseSettings((await browser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY]);
}

export async function saveSettings(settings: Settings): Promise<void> {
  await browser.storage.local.set({ [SETTINGS_KEY]: parseSettings(settings) });
}

/** Calls `onChange` with the settings whenever they change (in this panel or another). */
export function watchSettings(onChange: (settings: Settings) => void): void {
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && SETTINGS_KEY in changes) onChange(parseSettings(changes[SETTINGS_KEY]!.newValue));
  });
}
