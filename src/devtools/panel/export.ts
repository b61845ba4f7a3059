// What the export dialog writes: a capture, a HAR, one stream's raw text/event-stream, or the
// table as CSV; of all streams, the selected one, or what the filter shows; redacted unless
// the user says otherwise. Pure: the dialog passes what it knows of the environment.
import { CAPTURE_EXTENSION, toCapture, type CaptureLog, type CaptureScope } from '../../shared/capture/capture';
import { toHar } from '../../shared/capture/har';
import { toRawSse } from '../../shared/capture/raw-sse';
import { redact, Redactor } from '../../shared/capture/redact';
import type { EventRecord, Stream } from '../../shared/model';
import { toCsv } from './csv';
import { isMarker } from './rows';
import type { PanelStore } from './store';

export type ExportFormat = 'capture' | 'har' | 'sse' | 'csv';

export interface ExportOptions {
  format: ExportFormat;
  /** For capture and HAR; raw SSE is one stream, CSV is the table as filtered. */
  scope: CaptureScope;
  redact: boolean;
}

export interface ExportEnv {
  now: Date;
  /** "SSE Inspector 0.1.0". */
  tool: string;
  userAgent: string;
}

export interface ExportFile {
  name: string;
  mime: string;
  /** What redaction replaced (empty: nothing, or redaction was off). */
  redacted: string[];
  /** Writes the file: only when it is saved (the dialog shows the rest as the user chooses). */
  text: () => string;
}

/** The stream a raw export writes: the selected one, or the only one. */
export function rawStream(store: PanelStore): Stream | undefined {
  if (store.selectedStream !== null) return store.streams.get(store.selectedStream);
  return store.streams.size === 1 ? [...store.streams.values()][0] : undefined;
}

/** The part of the log a scope takes. */
export function scopedLog(store: PanelStore, scope: CaptureScope): CaptureLog {
  const log = store.log();
  if (scope === 'all') return log;
  if (scope === 'stream') {
    const id = store.selectedStream;
    return { ...log, streams: log.streams.filter((s) => s.id === id), events: log.events.filter((e) => e.streamId === id) };
  }
  // What the table shows: its records (in seq order) and the streams of its rows.
  const rows = store.rows();
  const ids = new Set(rows.map((r) => r.streamId));
  const events = rows.filter((r): r is EventRecord => !isMarker(r)).sort((a, b) => a.seq - b.seq);
  return { ...log, streams: log.streams.filter((s) => ids.has(s.id)), events };
}

export function buildExport(store: PanelStore, options: ExportOptions, env: ExportEnv): ExportFile {
  const pageUrl = store.imported?.info?.pageUrl ?? store.pages[store.pages.length - 1]?.url ?? '';
  const base = fileBase(pageUrl || ([...store.streams.values()][0]?.url ?? ''), env.now);
  switch (options.format) {
    case 'capture':
    case 'har': {
      const source = scopedLog(store, options.scope);
      const r = options.redact ? redact(source, pageUrl) : { log: source, pageUrl, redacted: [] };
      const capture = toCapture(r.log, { exportedAt: env.now, tool: env.tool, userAgent: env.userAgent, pageUrl: r.pageUrl, scope: options.scope, redacted: r.redacted });
      return options.format === 'capture'
        ? { name: `${base}${CAPTURE_EXTENSION}`, mime: 'application/json', text: () => JSON.stringify(capture), redacted: r.redacted }
        : { name: `${base}.har`, mime: 'application/json', text: () => JSON.stringify(toHar(capture), null, 1), redacted: r.redacted };
    }
    case 'sse': {
      const id = rawStream(store)?.id;
      // Event data is never redacted: a raw stream carries nothing else.
      return { name: `${base}.sse.txt`, mime: 'text/event-stream', text: () => toRawSse(store.events.filter((e) => e.streamId === id)), redacted: [] };
    }
    case 'csv': {
      // The table's only secrets are in its stream URLs.
      const redactor = options.redact ? new Redactor() : null;
      const streams = new Map([...store.streams].map(([id, s]) => [id, redactor ? { ...s, url: redactor.text(s.url) } : s]));
      const text = () => toCsv({ rows: store.rows(), columns: store.visibleColumns(), streams, deltas: store.deltas, relativeTime: store.view.relativeTime });
      return { name: `${base}.csv`, mime: 'text/csv', text, redacted: redactor?.summary() ?? [] };
    }
  }
}

/** "sse-example.com-2026-11-21-140307": where and when, safe as a file name everywhere. */
function fileBase(url: string, now: Date): string {
  let host = 'capture';
  try {
    host = new URL(url).host || host;
  } catch {
    // Not a URL (an imported raw stream's file name): the default.
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  return `sse-${host.replace(/[^a-z0-9.-]/gi, '_')}-${stamp}`;
}
