// Pages a test writes itself (served by the test server's /page), and the pages a test opens,
// closed after it: a page's streams hold some of the browser's 6 connections per host.
import type { Browser, Page } from 'puppeteer-core';

/** The URL at which the test server serves `html`. */
export const pageUrl = (origin: string, html: string) => `${origin}/page?html=${encodeURIComponent(html)}`;

/** A JavaScript string literal of `s` that can stand inside an inline <script>. */
export const scriptString = (s: string) => JSON.stringify(s).replace(/</g, '\\u003c');

/** `s` as an HTML attribute value, in double quotes. */
export const attribute = (s: string) => `"${s.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`;

/** Polls `read` until `done` holds; returns the last value either way (the caller asserts). */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeout = 20_000): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Like until(), but throws, naming `what` and the last value, when `done` never held. */
export async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeout = 20_000): Promise<T> {
  const value = await until(read, done, timeout);
  if (!done(value)) throw new Error(`${what}: never happened; last ${JSON.stringify(value)}`);
  return value;
}

/** Opens pages, and closes them all at the end of each test. */
export class Pages {
  private readonly opened: Page[] = [];
  constructor(private readonly browser: () => Browser) {}

  async open(url?: string): Promise<Page> {
    const page = await this.browser().newPage();
    this.opened.push(page);
    if (url !== undefined) await page.goto(url);
    return page;
  }

  /** A page opened otherwise, to close with the others. */
  track(page: Page): void {
    this.opened.push(page);
  }

  async closeAll(): Promise<void> {
    for (const page of this.opened.splice(0)) await page.close().catch(() => undefined);
  }
}
