// The events table as CSV (RFC 4180), for spreadsheets: the rows and columns the table shows,
// with full values rather than the table's short forms (the whole data, the full URL, times as
// ISO 8601 or seconds since the stream began, durations and sizes as numbers).
import type { Stream } from '../../shared/model';
import { isMarker, type ColumnId, type Deltas, type Row } from './rows';

const HEADERS: Record<ColumnId, string> = { time: 'time', delta: 'delta_ms', stream: 'stream', type: 'type', id: 'id', size: 'size_bytes', data: 'data' };

export interface CsvInput {
  rows: readonly Row[];
  columns: readonly ColumnId[];
  streams: ReadonlyMap<string, Stream>;
  deltas: Deltas;
  relativeTime: boolean;
}

export function toCsv({ rows, columns, streams, deltas, relativeTime }: CsvInput): string {
  const lines = [columns.map((c) => HEADERS[c]).join(',')];
  for (const r of rows) {
    const stream = streams.get(r.streamId);
    const value = (c: ColumnId): string => {
      switch (c) {
        case 'time':
          return relativeTime && stream ? ((r.time - stream.createdAt) / 1000).toFixed(3) : new Date(r.time).toISOString();
        case 'delta':
          return isMarker(r) ? '' : (deltas.of(r.seq)?.toFixed(1) ?? '');
        case 'stream':
          return text(stream?.url ?? r.streamId);
        case 'type':
          return text(isMarker(r) ? `(${r.what})` : r.kind === 'event' ? r.type : `(${r.kind})`);
        case 'id':
          return isMarker(r) ? '' : text(r.id);
        case 'size':
          return isMarker(r) ? '' : String(r.size);
        case 'data':
          return text(isMarker(r) ? r.text : r.data);
      }
    };
    lines.push(columns.map(value).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * A text cell, quoted when it must be. One that a spreadsheet would run as a formula (it starts
 * with = + - @, a tab or a CR: the stream's content is the server's, not to be trusted) gets a
 * leading apostrophe, as OWASP advises for CSV injection.
 */
function text(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
