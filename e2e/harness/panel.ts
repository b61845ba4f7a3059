// Reading what the SSE panel shows (scripts/open-panel.ts opens it).
import type { Frame, Page } from 'puppeteer-core';
import type { Launched } from '../../scripts/launch';
import { openPanel } from '../../scripts/open-panel';
import type { Pages } from './pages';

/**
 * Opens `url` in a new page and the SSE panel on it, both closed with the test's `pages`
 * (Firefox's panel is a tab of its own; Chromium's DevTools closes with its page).
 */
export async function openWithPanel(launched: Launched, pages: Pages, url: string): Promise<{ page: Page; panel: Frame }> {
  const page = await pages.open(url);
  const panel = await openPanel(launched, page);
  if (panel.page() !== page && !panel.page().url().startsWith('devtools://')) pages.track(panel.page());
  return { page, panel };
}

export interface StreamRow {
  id: string;
  url: string;
  state: string;
  events: number;
  attempts: number;
}

export interface EventRow {
  type: string;
  id: string;
  data: string;
}

export function readStreams(panel: Frame): Promise<StreamRow[]> {
  return panel.$$eval('[data-testid="stream"]', (rows) =>
    rows.map((r) => ({
      id: r.getAttribute('data-stream-id') ?? '',
      url: r.querySelector('.stream-url')?.getAttribute('title') ?? '',
      state: r.querySelector('[data-testid="stream-state"]')?.textContent ?? '',
      events: parseInt(r.querySelector('[data-testid="stream-events"]')?.textContent ?? '', 10),
      attempts: Number(r.querySelector('[data-testid="stream-attempts"]')?.getAttribute('data-attempts')),
    })),
  );
}

/** The event rows currently rendered (the table is virtualised: those in view). */
export function readEventRows(panel: Frame): Promise<EventRow[]> {
  return panel.$$eval('[data-testid="event-row"]', (rows) =>
    rows
      .map((r) => ({
        top: parseFloat((r as HTMLElement).style.top),
        type: r.querySelector('[data-testid="event-type"]')?.textContent ?? '',
        id: r.querySelector('[data-testid="event-id"]')?.textContent ?? '',
        data: r.querySelector('[data-testid="event-data"]')?.textContent ?? '',
      }))
      .sort((a, b) => a.top - b.top)
      .map(({ type, id, data }) => ({ type, id, data })),
  );
}

/** Waits until `predicate(streams)` holds in the panel, polling its DOM. */
export async function waitForStreams(panel: Frame, predicate: (streams: StreamRow[]) => boolean, timeout = 20_000): Promise<StreamRow[]> {
  let last: StreamRow[] = [];
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    last = await readStreams(panel);
    if (predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`panel streams never matched; last seen: ${JSON.stringify(last)}`);
}

/** Clicks an element of the panel (by selector, optionally the one whose text includes `text`). */
export async function click(panel: Frame, selector: string, text?: string): Promise<void> {
  const done = await panel.$$eval(
    selector,
    (els, t) => {
      const el = els.find((e) => t === null || (e.textContent ?? '').includes(t));
      (el as HTMLElement | undefined)?.click();
      return el !== undefined;
    },
    text ?? null,
  );
  if (!done) throw new Error(`nothing to click at ${selector} ${text ?? ''}`);
}

/** The text of the first element at `selector`, once it is rendered. */
export async function textOf(panel: Frame, selector: string): Promise<string> {
  const el = await panel.waitForSelector(selector, { timeout: 20_000 });
  return el!.evaluate((e) => (e as HTMLElement).innerText);
}

/**
 * Waits until the texts of the elements at `selector` satisfy `predicate`, and returns them:
 * what the network reports can come a moment after the page's records.
 */
export async function waitForTexts(panel: Frame, selector: string, predicate: (texts: string[]) => boolean, timeout = 20_000): Promise<string[]> {
  let last: string[] = [];
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    last = await panel.$$eval(selector, (els) => els.map((e) => e.textContent ?? ''));
    if (predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${selector} never matched; last seen: ${JSON.stringify(last)}`);
}
