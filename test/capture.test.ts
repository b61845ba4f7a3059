// The capture file: its schema (checked with Ajv as the reference, and with the panel's own
// checker), reading a file back with clear errors, the import dispatcher, redaction.
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { CAPTURE_FORMAT, ImportError, toCapture, type Capture, type CaptureMeta } from '../src/shared/capture/capture';
import schema from '../src/shared/capture/capture.schema.json';
import { bounded, importFile, MAX_IMPORT_BYTES, type ImportSource } from '../src/shared/capture/import';
import { readCapture } from '../src/shared/capture/read';
import { redact, REDACTED } from '../src/shared/capture/redact';
import { schemaErrors, type Schema } from '../src/shared/capture/schema-check';
import { capturedLog, PAGE_URL } from './support/capture-log';
import { prng } from './support/prng';

const META: CaptureMeta = { exportedAt: new Date('2026-11-21T12:00:00Z'), tool: 'SSE Inspector 0.1.0', userAgent: 'test', pageUrl: PAGE_URL, scope: 'all', redacted: [] };
const capture = (): Capture => toCapture(capturedLog(), META);
const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(schema);
const file = (name: string, text: string, size = text.length): ImportSource => ({ name, size, lastModified: 0, text: async () => text });
/** The message `p` rejects with, as an ImportError. */
const errorOf = async (p: Promise<unknown>): Promise<string> => {
  const e = await p.then(() => new Error('no error'), (e: unknown) => e);
  expect(e).toBeInstanceOf(ImportError);
  return (e as Error).message;
};

describe('capture schema', () => {
  it('a capture of a real log is valid for Ajv and for our checker, and reads back equal', () => {
    const c = capture();
    expect(validate(c), JSON.stringify(validate.errors)).toBe(true);
    expect(schemaErrors(schema as Schema, c)).toEqual([]);
    expect(readCapture(JSON.stringify(c))).toEqual(c);
  });

  it('our checker agrees with Ajv on 500 damaged captures', () => {
    const random = prng(7);
    const values = [null, -1, 1.5, 'x', '', true, [], {}, [['a']], 0];
    let invalid = 0;
    for (let i = 0; i < 500; i++) {
      const c = JSON.parse(JSON.stringify(capture())) as Record<string, unknown>;
      // Replace or delete one value somewhere in the tree.
      let node: Record<string, unknown> = c;
      for (;;) {
        const keys = Object.keys(node);
        const key = keys[Math.floor(random() * keys.length)]!;
        const child = node[key];
        if (typeof child === 'object' && child !== null && random() < 0.7 && Object.keys(child).length > 0) {
          node = child as Record<string, unknown>;
          continue;
        }
        if (random() < 0.2 && !Array.isArray(node)) delete node[key];
        else node[key] = values[Math.floor(random() * values.length)];
        break;
      }
      const ours = schemaErrors(schema as Schema, c).length === 0;
      expect(ours, JSON.stringify(validate.errors)).toBe(validate(c));
      if (!ours) invalid++;
    }
    expect(invalid).toBeGreaterThan(300);
  });

  it('an unknown schema keyword is refused, not ignored', () => {
    expect(() => schemaErrors({ type: 'string', pattern: 'x' } as Schema, 'a')).toThrow(/pattern is not supported/);
  });
});

describe('reading a capture', () => {
  const broken = (change: (c: Record<string, any>) => void) => {
    const c = JSON.parse(JSON.stringify(capture()));
    change(c);
    return JSON.stringify(c);
  };
  it.each([
    ['truncated JSON', JSON.stringify(capture()).slice(0, 500), /not valid JSON \(cut short, or not JSON at all\)/],
    ['not a capture', '{"hello": 1}', /not an SSE Inspector capture \(no "format": "sse-inspector-capture"\)/],
    ['a newer version', broken((c) => (c.version = 2)), /written by a newer SSE Inspector \(capture version 2\); this one reads version 1/],
    ['a version that is no number', broken((c) => (c.version = '1')), /capture version is "1"; this SSE Inspector reads version 1/],
    ['a wrong type deep inside', broken((c) => (c.events[2].time = 'soon')), /damaged: events\[2\]\.time must be a number, not "soon"/],
    ['a missing field', broken((c) => delete c.streams[1].attempts), /damaged: streams\[1\] has no "attempts"/],
    ['an unknown field', broken((c) => (c.streams[0].extra = 1)), /damaged: streams\[0\] has an unknown field "extra"/],
    ['a bad header pair', broken((c) => (c.streams[0].attempts[0].headers[0] = ['a'])), /headers\[0\] must have at least 2 items/],
    ['records out of order', broken((c) => ([c.events[0], c.events[1]] = [c.events[1], c.events[0]])), /events\[1\]\.seq 1 is not after the previous record's 2/],
    ['a record of no stream', broken((c) => (c.events[3].streamId = 'nope')), /events\[3\]\.streamId "nope" is not one of its streams/],
    ['a stream twice', broken((c) => c.streams.push(c.streams[0])), /streams\[2\]\.id "d1:0" is used twice/],
  ])('%s: a clear error', (_, text, message) => {
    expect(() => readCapture(text)).toThrow(ImportError);
    expect(() => readCapture(text)).toThrow(message);
  });
});

describe('importFile', () => {
  it('tells the formats apart by content, whatever the name', async () => {
    const c = capture();
    const asCapture = await importFile(file('x.txt', JSON.stringify(c)), 1000);
    expect(asCapture.format).toBe('capture');
    const { streams, events, firstSeq, pages, counters } = c;
    expect(asCapture.log).toEqual({ streams, events, firstSeq, pages, counters });
    expect(asCapture.info?.pageUrl).toBe(PAGE_URL);
    expect(asCapture.info).not.toHaveProperty('events');
    const raw = await importFile(file('x.json', 'data: hi\n\n'), 1000);
    expect(raw.format).toBe('sse');
    expect(raw.log.events.map((e) => e.data)).toEqual(['hi']);
  });

  it('refuses a huge file before reading it, an empty one, and foreign JSON, naming the file', async () => {
    const unread = { name: 'big.json', size: MAX_IMPORT_BYTES + 1, lastModified: 0, text: () => Promise.reject(new Error('read')) };
    expect(await errorOf(importFile(unread, 1000))).toBe('Cannot open big.json: it is 500 MB; SSE Inspector opens files up to 500 MB.');
    expect(await errorOf(importFile({ ...unread, size: 3 * 1024 ** 3 }, 1000))).toMatch(/it is 3,072 MB;/);
    expect(await errorOf(importFile(file('empty.json', ''), 1000))).toBe('Cannot open empty.json: it is empty.');
    expect(await errorOf(importFile(file('a.json', '[1, 2]'), 1000))).toMatch(/^Cannot open a\.json: it is JSON, but neither an SSE Inspector capture \(no "format"\) nor a HAR file \(no "log"\)\.$/);
    expect(await errorOf(importFile(file('t.json', '{"format": "sse-inspector-capture", "version": 1'), 1000))).toMatch(/^Cannot open t\.json: it is not valid JSON/);
    expect(await errorOf(importFile(file('h.har', JSON.stringify({ log: { entries: [] } })), 1000))).toMatch(/^Cannot open h\.har: /);
  });

  it('a file the browser cannot read is a clear error too', async () => {
    const failing = { name: 'gone.json', size: 10, lastModified: 0, text: () => Promise.reject(new Error('NotReadableError')) };
    expect(await errorOf(importFile(failing, 1000))).toBe('Cannot open gone.json: it could not be read (NotReadableError).');
  });

  it('keeps the newest maxEvents records and counts the others as dropped', async () => {
    const c = capture();
    const imported = await importFile(file('c.json', JSON.stringify(c)), 3);
    expect(imported.log.events.map((e) => e.seq)).toEqual([5, 6, 7]);
    expect(imported.log.firstSeq).toBe(5);
    expect(imported.log.counters.droppedEvents).toBe(4);
    const log = capturedLog();
    expect(bounded(log, 100)).toBe(log);
  });
});

describe('redaction', () => {
  it('replaces credential headers and token-like query parameters everywhere, and says what', () => {
    const log = capturedLog();
    const before = JSON.stringify(log);
    const r = redact(log, PAGE_URL);
    expect(JSON.stringify(log)).toBe(before); // the original is not changed
    const text = JSON.stringify(r.log) + r.pageUrl;
    for (const secret of ['sk-live-123', 'k-456', 'sid=abc', 'sid=def', 'tok123', 's3cr3t', 'k3y']) expect(text).not.toContain(secret);
    expect(r.pageUrl).toBe(`http://127.0.0.1:8080/chat?session=${REDACTED}&lang=en`);
    expect(r.log.streams[0]!.url).toBe(`http://127.0.0.1:8080/events?access_token=${REDACTED}`);
    expect(r.log.streams[1]!.attempts[0]!.requestHeaders).toEqual([
      ['Authorization', REDACTED],
      ['x-api-key', REDACTED],
      ['Content-Type', 'application/json'],
    ]);
    expect(r.redacted).toEqual([
      'access_token query parameter (1)',
      // The page URL, in both streams' frames and in the page list.
      'session query parameter (4)',
      // Each stream's initiator and stack.
      'key query parameter (4)',
      'Set-Cookie header (1)',
      'Cookie header (1)',
      'Authorization header (1)',
      'x-api-key header (1)',
    ]);
    // What is no secret stays: event data, other headers and parameters.
    expect(r.log.events).toBe(log.events);
    expect(text).toContain('lang=en');
  });

  it('a log with no secrets is returned with nothing redacted', () => {
    const log = { ...capturedLog(), streams: [], pages: [] };
    expect(redact(log, 'http://x/?q=1').redacted).toEqual([]);
  });
});

it('the format name is the one the schema fixes', () => {
  expect(schema.properties.format.const).toBe(CAPTURE_FORMAT);
});
