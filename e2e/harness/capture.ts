// Reading what the extension captured, through the panel's own protocol: from an extension page
// (the panel's HTML, for no tab), connect a runtime port named 'panel', subscribe to a tab and
// take the first message, which is the tab's LogSnapshot (src/shared/protocol.ts).
import type { Page } from 'puppeteer-core';
import type { Launched } from '../../scripts/launch';
import { PANEL_PATH, gotoExtensionPage, tabIdOf } from '../../scripts/open-panel';
import type { RecordKind, Stream } from '../../src/shared/model';
import type { Counters, LogSnapshot } from '../../src/shared/protocol';

export { tabIdOf };

/** A stream, with how many records of each kind the log holds for it. */
export interface StreamSummary {
  stream: Stream;
  records: Record<RecordKind, number>;
}

export interface CaptureSummary {
  streams: StreamSummary[];
  counters: Counters;
}

/** Subscribes to `tabId` and resolves with the first message; `summary` computes a summary in the page. */
function subscribe(tabId: number, summary: boolean): Promise<LogSnapshot | CaptureSummary> {
  // Runs in the extension page: no closure, no import().
  return new Promise((resolve, reject) => {
    interface Port {
      postMessage(msg: unknown): void;
      disconnect(): void;
      onMessage: { addListener(fn: (msg: LogSnapshot) => void): void };
    }
    type Api = { runtime: { connect(info: { name: string }): Port } };
    const g = globalThis as unknown as { browser?: Api; chrome?: Api };
    const port = (g.browser ?? g.chrome)!.runtime.connect({ name: 'panel' });
    const timer = setTimeout(() => {
      port.disconnect();
      reject(new Error(`no snapshot for tab ${tabId}`));
    }, 15_000);
    port.onMessage.addListener((msg) => {
      clearTimeout(timer);
      port.disconnect();
      if (!summary) return resolve(msg);
      const records = new Map<string, Record<string, number>>();
      for (const e of msg.events) {
        let r = records.get(e.streamId);
        if (!r) records.set(e.streamId, (r = { event: 0, comment: 0, retry: 0 }));
        r[e.kind] = (r[e.kind] ?? 0) + 1;
      }
      resolve({
        streams: msg.streams.map((stream) => ({ stream, records: records.get(stream.id) ?? { event: 0, comment: 0, retry: 0 } })),
        counters: msg.counters,
      } as CaptureSummary);
    });
    port.postMessage({ kind: 'subscribe', v: 1, tabId });
  });
}

export class CaptureReader {
  private constructor(private readonly page: Page) {}

  /** Opens the extension page the capture is read from. */
  static async open(launched: Launched): Promise<CaptureReader> {
    if (!launched.extensionOrigin) throw new Error('launched without the extension');
    const page = await launched.browser.newPage();
    try {
      await gotoExtensionPage(page, `${launched.extensionOrigin}${PANEL_PATH}?tabId=-1`);
    } catch (e) {
      await page.close().catch(() => undefined);
      throw e;
    }
    return new CaptureReader(page);
  }

  /** The tab's whole log: streams, records (events, comments, retry) and counters. */
  async snapshot(tabId: number): Promise<LogSnapshot> {
    return (await this.page.evaluate(subscribe, tabId, false)) as LogSnapshot;
  }

  /** Streams and counters only (records counted per stream): cheap to poll. */
  async summary(tabId: number): Promise<CaptureSummary> {
    return (await this.page.evaluate(subscribe, tabId, true)) as CaptureSummary;
  }

  /** Polls the summary until `done` holds; returns the last summary either way (the caller asserts). */
  async waitFor(tabId: number, done: (s: CaptureSummary) => boolean, timeout = 20_000): Promise<CaptureSummary> {
    const end = Date.now() + timeout;
    for (;;) {
      const s = await this.summary(tabId);
      if (done(s) || Date.now() > end) return s;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async close(): Promise<void> {
    await this.page.close().catch(() => undefined);
  }
}
