// Exports from the panel's store: each format of each scope, read back through the same import
// the panel uses (round trips), redaction on by default and off when asked, and the CSV's cells.
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import type { CaptureLog } from '../src/shared/capture/capture';
import schema from '../src/shared/capture/capture.schema.json';
import { importFile } from '../src/shared/capture/import';
import { REDACTED } from '../src/shared/capture/redact';
import { buildExport, type ExportOptions } from '../src/devtools/panel/export';
import { PanelStore } from '../src/devtools/panel/store';
import { capturedLog } from './support/capture-log';

const ENV = { now: new Date(2026, 10, 21, 14, 3, 7), tool: 'SSE Inspector 0.1.0', userAgent: 'test agent' };
const validate = new Ajv({ strict: true }).compile(schema);

function storeOf(log: CaptureLog = capturedLog()): PanelStore {
  const store = new PanelStore();
  store.apply({ kind: 'snapshot', tabId: 1, ...log });
  return store;
}
const exported = (store: PanelStore, options: Partial<ExportOptions>) => buildExport(store, { format: 'capture', scope: 'all', redact: false, ...options }, ENV);
const reimport = async (name: string, text: string) => importFile({ name, size: text.length, lastModified: 5, text: async () => text }, 1_000_000);
/** What the panel shows of a log, for comparing a round trip. */
const model = (log: CaptureLog) => ({ streams: log.streams, events: log.events, firstSeq: log.firstSeq, pages: log.pages, counters: log.counters });

describe('export → import round trips', () => {
  it('capture: the whole log, valid for the schema, named after the page and the time', async () => {
    const store = storeOf();
    const file = exported(store, {});
    expect(file.name).toBe('sse-127.0.0.1_8080-2026-11-21-140307.sse-capture.json');
    const json = JSON.parse(file.text());
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json).toMatchObject({ exportedBy: { tool: 'SSE Inspector 0.1.0', userAgent: 'test agent' }, scope: 'all', exportedAt: ENV.now.toISOString() });
    const back = await reimport(file.name, file.text());
    expect(back.format).toBe('capture');
    expect(model(back.log)).toEqual(model(store.log()));
  });

  it('HAR: the same model back, and HAR tools see one entry per request with its events', async () => {
    const store = storeOf();
    const file = exported(store, { format: 'har' });
    expect(file.name).toMatch(/\.har$/);
    const har = JSON.parse(file.text());
    expect(har.log.version).toBe('1.2');
    // Three requests: the EventSource connected twice, the fetch once.
    expect(har.log.entries.map((e: { request: { method: string } }) => e.request.method)).toEqual(['GET', 'POST', 'GET']);
    expect(har.log.entries[0]._eventSourceMessages.map((m: { eventName: string; data: string }) => [m.eventName, m.data])).toEqual([
      ['message', 'one'],
      ['tick', '{"n":2,"text":"två ✓"}'],
    ]);
    const back = await reimport('x.har', file.text());
    expect(back.format).toBe('har');
    expect(model(back.log)).toEqual(model(store.log()));
  });

  it('raw SSE: the selected stream as its server sent it, read back to the same records', async () => {
    const store = storeOf();
    store.selectStream('d1:1');
    const file = exported(store, { format: 'sse' });
    expect(file.name).toMatch(/\.sse\.txt$/);
    // Events as they came on the wire; the comment and the retry field (which have no wire text
    // of their own in the log) written the way toSse writes them.
    expect(file.text()).toBe(': keep-alive\n\nretry: 1500\n\nevent: delta\r\nid: a1\r\ndata: {"token":"Hel"}\r\n\r\ndata: lo 👋\r\ndata: second line\r\n\r\n');
    const back = await reimport(file.name, file.text());
    const records = (log: CaptureLog) => log.events.map((e) => [e.kind, e.type, e.id, e.data]);
    expect(records(back.log)).toEqual(records({ ...store.log(), events: store.events.filter((e) => e.streamId === 'd1:1') }));
  });

  it('scopes: the selected stream, or what the filter shows', async () => {
    const store = storeOf();
    store.selectStream('d1:0');
    const one = JSON.parse(exported(store, { scope: 'stream' }).text());
    expect(one.streams.map((s: { id: string }) => s.id)).toEqual(['d1:0']);
    expect(one.events.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3]);
    store.selectStream(null);
    store.setFilter({ text: 'lines|Hel', regex: true });
    const filtered = JSON.parse(exported(store, { scope: 'filtered' }).text());
    expect(filtered.scope).toBe('filtered');
    expect(filtered.events.map((e: { seq: number }) => e.seq)).toEqual([3, 6]);
    expect(validate(filtered)).toBe(true);
    expect((await reimport('f.json', JSON.stringify(filtered))).log.events).toHaveLength(2);
  });
});

describe('redaction in exports', () => {
  it('on: no secret in any format, and the file says what was replaced', () => {
    const store = storeOf();
    for (const format of ['capture', 'har', 'csv'] as const) {
      const file = exported(store, { format, redact: true });
      const text = file.text();
      for (const secret of ['sk-live-123', 'k-456', 'sid=abc', 'sid=def', 'tok123', 's3cr3t']) expect(text, `${format}: ${secret}`).not.toContain(secret);
      expect(text).toContain(REDACTED);
      expect(file.redacted.length).toBeGreaterThan(0);
    }
    const capture = JSON.parse(exported(store, { redact: true }).text());
    expect(capture.redacted).toContain('Authorization header (1)');
    expect(capture.pageUrl).toContain(`session=${REDACTED}`);
  });

  it('off: the headers and URLs as captured', () => {
    const text = exported(storeOf(), { format: 'har', redact: false }).text();
    expect(text).toContain('Bearer sk-live-123');
    expect(text).toContain('access_token=tok123');
    expect(text).not.toContain(REDACTED);
  });
});

describe('CSV', () => {
  it('the table as shown: its columns and rows, full values, quoted where needed, formulas defused', () => {
    const log = capturedLog();
    log.events[0]!.data = '=HYPERLINK("http://evil")';
    const store = storeOf(log);
    store.selectStream('d1:0');
    store.setView({ columns: ['time', 'delta', 'type', 'id', 'data'] });
    const lines = exported(store, { format: 'csv' }).text().split('\r\n');
    expect(lines[0]).toBe('time,delta_ms,type,id,data');
    expect(lines.slice(1, -1)).toEqual([
      '2026-11-21T12:00:00.020Z,,(open),,open · HTTP 200 OK',
      `2026-11-21T12:00:00.030Z,,message,1,"'=HYPERLINK(""http://evil"")"`,
      '2026-11-21T12:00:01.030Z,1000.0,tick,2,"{""n"":2,""text"":""två ✓""}"',
      '2026-11-21T12:00:01.100Z,,(error),,error: connection lost',
      '2026-11-21T12:00:04.100Z,,(open),,open',
      '2026-11-21T12:00:04.110Z,3080.0,message,3,"three\nlines\nhere"',
      '2026-11-21T12:00:05.000Z,,(close),,close() by the page',
    ]);
    expect(lines.at(-1)).toBe('');
  });
});
