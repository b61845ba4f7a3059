// What the user can set in the panel. The panel writes it to storage.local; the background
// reads it from there at start and whenever it changes (storage survives a stopped worker).

export interface Settings {
  /** Per tab: the most records kept; the oldest are dropped (and counted) beyond it. */
  maxEvents: number;
  /** Per tab: the most event data kept, in MiB (UTF-8). */
  maxMegabytes: number;
  /** A navigation keeps the earlier pages' streams (marked with their page) instead of clearing them. */
  preserveLog: boolean;
}

export const SETTINGS_KEY = 'settings';

export const DEFAULT_SETTINGS: Settings = { maxEvents: 200_000, maxMegabytes: 256, preserveLog: false };

/** What the panel lets a user choose (the upper ends keep a tab's log within a browser's means). */
export const SETTING_RANGES = {
  maxEvents: { min: 100, max: 2_000_000 },
  maxMegabytes: { min: 1, max: 2048 },
} as const;

/** Settings from storage (or anything): missing or bad values become their defaults, numbers are clamped. */
export function parseSettings(x: unknown): Settings {
  const o = typeof x === 'object' && x !== null ? (x as Record<string, unknown>) : {};
  return {
    maxEvents: clampInt(o.maxEvents, SETTING_RANGES.maxEvents, DEFAULT_SETTINGS.maxEvents),
    maxMegabytes: clampInt(o.maxMegabytes, SETTING_RANGES.maxMegabytes, DEFAULT_SETTINGS.maxMegabytes),
    preserveLog: typeof o.preserveLog === 'boolean' ? o.preserveLog : DEFAULT_SETTINGS.preserveLog,
  };
}

function clampInt(x: unknown, { min, max }: { min: number; max: number }, fallback: number): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) return fallback;
  return Math.min(max, Math.max(min, Math.round(x)));
}
