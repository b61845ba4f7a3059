// Raw text/event-stream export and import (src/shared/capture/raw-sse.ts). Records are made the
// way the extension makes them (a TabLog parsing a fetch body, or the page hook's events), so
// `raw` is where it really is: on events, with the comments and retry fields of their block
// both inside it and records of their own.
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { TabLog, type RecordOrigin } from '../src/background/tab-log';
import { ImportError, toCapture } from '../src/shared/capture/capture';
import captureSchema from '../src/shared/capture/capture.schema.json';
import { fromRawSse, toRawSse } from '../src/shared/capture/raw-sse';
import type { EventRecord, RecordKind } from '../src/shared/model';
import { LIMITS } from '../src/shared/protocol';
import { SseParser } from '../src/shared/sse/parser';
import { LLM_WIRE, reconnectAndLlm } from './fixtures/captures';
import { prng } from './support/prng';
import { importError } from './support/import-error';

const CHAT = readFileSync(new URL('./fixtures/chat-completions.sse', import.meta.url), 'utf8');
const FILE = { name: 'chat-completions.sse', lastModified: Date.UTC(2025, 2, 14, 10, 0, 0) };

type Tuple = [RecordKind, string, string, string];

/** What SseParser reads from a text: (kind, type, id, data) of its events, comments and retry fields. */
function parsed(text: string): Tuple[] {
  const out: Tuple[] = [];
  const p = new SseParser((r) => {
    if (r.kind === 'event') out.push(['event', r.type, r.id, r.data]);
    else if (r.kind === 'comment') out.push(['comment', '', '', r.text]);
    else if (r.kind === 'retry') out.push(['retry', '', '', String(r.ms)]);
  });
  p.feed(text);
  p.end();
  return out;
}
const tuples = (records: readonly EventRecord[]): Tuple[] => records.map((e) => [e.kind, e.type, e.id, e.data]);

/** The records a TabLog makes of a fetch body that arrives in these chunks. */
function bodyRecords(chunks: string[]): EventRecord[] {
  const log = new TabLog(1, { maxEvents: 1_000_000, maxBytes: 1_000_000_000 });
  const origin: RecordOrigin = { doc: { id: 'd', url: 'http://127.0.0.1:8080/', top: true }, frameId: 0 };
  log.apply(origin, [
    { k: 'response', sid: 1, t: 1, kind: 'fetch', url: 'http://127.0.0.1:8080/sse', status: 200, statusText: 'OK', headers: [], headersAt: 2, stack: '' },
  ]);
  chunks.forEach((text, i) => log.apply(origin, [{ k: 'chunk', sid: 1, t: 10 + i, text }]));
  log.apply(origin, [{ k: 'end', sid: 1, t: 1000, how: 'done', error: '' }]);
  return log.snapshot().events;
}


describe('toRawSse: what the server sent', () => {
  it('a body with comments in and between blocks, retry alone and in a block, an id-only block, unknown fields: byte for byte', () => {
    const wire =
      ': hello\n\n' +
      'retry: 3000\n\n' +
      ': inside\nevent: update\nid: 1\ndata: {"a":1}\nx-trace: abc\n\n' +
      'id: 7\n\n' +
      'data: first line\ndata: second 你好 🌍\ndata:\n\n' +
      ':\nretry: 100\n: two comments\ndata: x\n\n' +
      'id:\n\n' +
      'data: id reset\n\n';
    const records = bodyRecords([wire.slice(0, 13), wire.slice(13, 70), wire.slice(70)]);
    expect(records.map((e) => e.kind)).toEqual(['comment', 'retry', 'comment', 'event', 'event', 'comment', 'retry', 'comment', 'event', 'event']);
    expect(toRawSse(records)).toBe(wire);
  });

  it('a comment inside an event block is written once, inside it', () => {
    const records = bodyRecords([': c1\ndata: x\n\n']);
    expect(records.map((e) => [e.kind, e.raw])).toEqual([
      ['comment', undefined],
      ['event', ': c1\ndata: x\n\n'],
    ]);
    expect(toRawSse(records)).toBe(': c1\ndata: x\n\n');
  });

  it('the CRLF LLM stream: its raw blocks as they came, written records for what has no raw', () => {
    const capture = reconnectAndLlm();
    const records = capture.events.filter((e) => e.streamId === 'd2:1');
    const blocks = LLM_WIRE.slice(LLM_WIRE.indexOf('id: msg_1'), LLM_WIRE.indexOf(': bye'))
      // The LF of a CRLF that arrived in the next chunk after a block's CR is in no record.
      .replace('"claude-sonnet"}\r\n\r\n', '"claude-sonnet"}\r\n\r')
      // The id-only block dispatched nothing: it is written again, by toSse.
      .replace('id: msg_2\r\n\r\n', 'id: msg_2\n\n');
    expect(toRawSse(records)).toBe(`: connected\n\nretry: 3000\n\n${blocks}: bye\n\n`);
    expect(parsed(toRawSse(records))).toEqual(tuples(records));
  });

  it('an EventSource stream (no wire text): its events written as SSE, across its attempts, with ids only where they change', () => {
    const capture = reconnectAndLlm();
    const records = capture.events.filter((e) => e.streamId === 'd1:1');
    const text = toRawSse(records);
    expect(text.startsWith('id: 1\ndata: server time: 09:30:00\n\nevent: tick\nid: 2\ndata: {"n":2,"text":"第二条消息"}\n\nid: 3\ndata: multi\ndata: line\ndata:\ndata: data\n\nid: 4\n')).toBe(true);
    expect(text.endsWith('xxx\n\nid: 5\ndata: 🎉 emoji and 中文\n\n')).toBe(true);
    // The truncated event is written with the data the log kept.
    expect(parsed(text)).toEqual(tuples(records));
    expect(parsed(text)[3]![3]).toHaveLength(LIMITS.data);
  });

  it('a raw that no longer matches its record is not used: cut with a truncated event, or its comment was dropped', () => {
    const big = 'y'.repeat(LIMITS.data + 10);
    const records = bodyRecords([`id: 9\ndata: ${big}\n\ndata: after\n\n`]);
    expect(records[0]).toMatchObject({ truncated: true, size: LIMITS.data + 10 });
    expect(records[0]!.raw).toHaveLength(LIMITS.data); // cut: no longer the block
    const text = toRawSse(records);
    expect(text).toBe(`id: 9\ndata: ${big.slice(0, LIMITS.data)}\n\ndata: after\n\n`);
    expect(parsed(text)).toEqual(tuples(records));

    // The log dropped the comment record of a block (its oldest records went): the raw would bring it back.
    const withComment = bodyRecords([': old\ndata: kept\n\n']);
    const dropped = withComment.slice(1);
    expect(toRawSse(dropped)).toBe('data: kept\n\n');
    // A record changed since (its raw says otherwise).
    expect(toRawSse([{ ...withComment[1]!, data: 'edited' }])).toBe('data: edited\n\n');
  });

  it('nothing: an empty text', () => {
    expect(toRawSse([])).toBe('');
  });
});

describe('toRawSse round trip: SseParser reads back the same (kind, type, id, data)', () => {
  const ENDS = ['\n', '\r\n', '\r'];
  const WORDS = ['a', 'hello', '你好', '🌍', ' spaced ', '{"k":[1,2]}', 'x:y', ':', '', 'é'];

  function randomWire(rnd: () => number): string {
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const word = () => Array.from({ length: Math.floor(rnd() * 3) }, () => pick(WORDS)).join('');
    const lines: (() => string)[] = [
      () => `data: ${word()}`,
      () => `data:${word()}`,
      () => 'data',
      () => `event: ${pick(['message', 'update', 'ping', '', 'ü'])}`,
      () => `id: ${pick(['1', '2', 'abc', '', 'a\0b'])}`,
      () => 'id',
      () => `retry: ${pick(['10', '3000', 'x1', ''])}`,
      () => `: ${word()}`,
      () => ':',
      () => `${pick(['foo', 'x-debug', 'Data'])}: ${word()}`,
      () => '',
      () => '',
      () => '',
    ];
    let text = rnd() < 0.1 ? '\ufeff' : '';
    for (let n = Math.floor(rnd() * 40); n > 0; n--) text += pick(lines)() + pick(ENDS);
    if (rnd() < 0.3) text += pick(lines)(); // an unterminated tail
    return text;
  }

  function randomChunks(text: string, rnd: () => number): string[] {
    const chunks: string[] = [];
    let i = 0;
    while (i < text.length) {
      let j = Math.min(text.length, i + 1 + Math.floor(rnd() * 12));
      // The page hook's decoder never splits a character.
      if (j < text.length && (text.charCodeAt(j) & 0xfc00) === 0xdc00) j++;
      chunks.push(text.slice(i, j));
      i = j;
    }
    return chunks;
  }

  it('fetch bodies parsed by the extension, in random chunks (300 seeded streams)', () => {
    const rnd = prng(11);
    for (let k = 0; k < 300; k++) {
      const records = bodyRecords(randomChunks(randomWire(rnd), rnd));
      const text = toRawSse(records);
      expect(parsed(text), text).toEqual(tuples(records));
    }
  });

  it('the same with its oldest records dropped (a bounded log)', () => {
    const rnd = prng(12);
    for (let k = 0; k < 300; k++) {
      const records = bodyRecords(randomChunks(randomWire(rnd), rnd));
      const kept = records.slice(Math.floor(rnd() * (records.length + 1)));
      // The first kept event's raw may hold comments whose records were dropped: it is not used then.
      const text = toRawSse(kept);
      expect(parsed(text), text).toEqual(tuples(kept));
    }
  });

  it('EventSource records (no raw): random types, ids (also reset to empty), multi-line and empty data', () => {
    const rnd = prng(13);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
    for (let k = 0; k < 300; k++) {
      let id = '';
      const records: EventRecord[] = Array.from({ length: Math.floor(rnd() * 20) }, (_, i): EventRecord => {
        if (rnd() < 0.7) id = pick([id, id, '', String(i), 'x y', ' lead']);
        const data = Array.from({ length: Math.floor(rnd() * 3) }, () => pick(WORDS)).join(pick(['', '\n']));
        return { seq: i + 1, kind: 'event', streamId: 's', attempt: 1, time: i, type: pick(['message', 'tick', 'a:b', ' x']), id, data, origin: '', size: 0, source: 'page-hook' };
      });
      const text = toRawSse(records);
      expect(parsed(text), text).toEqual(tuples(records));
    }
  });
});

describe('fromRawSse: a text/event-stream file as one stream', () => {
  it('the stream: an imported fetch body, one closed attempt, the file’s time everywhere', () => {
    const log = fromRawSse(CHAT, FILE);
    const t = FILE.lastModified;
    expect(log.streams).toStrictEqual([
      {
        id: 'import:1',
        page: 1,
        kind: 'fetch',
        url: 'chat-completions.sse',
        withCredentials: false,
        frame: { id: 0, url: '', top: true },
        createdAt: t,
        initiator: '',
        stack: '',
        state: 'closed',
        attempts: [{ n: 1, startedAt: t, openedAt: t, headersAt: t, endedAt: t, end: 'done', contentType: 'text/event-stream' }],
        eventCount: 5,
        bytes: 512,
        lastEventId: '3',
        listenedTypes: [],
        retry: 5000,
        source: 'response-body',
      },
    ]);
    expect(log.firstSeq).toBe(1);
    expect(log.pages).toEqual([{ n: 1, url: '', startedAt: 0 }]);
    expect(log.counters).toEqual({ droppedEvents: 0, droppedStreams: 0, invalidRecords: 0, unsavedWrites: 0 });
    expect(log.events.every((e) => e.time === t && e.streamId === 'import:1' && e.attempt === 1 && e.source === 'response-body')).toBe(true);
    expect(log.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(log.events.map((e) => [e.kind, e.type, e.id, e.data.slice(0, 24)])).toEqual([
      ['comment', '', '', 'OPENROUTER PROCESSING'],
      ['retry', '', '', '5000'],
      ['event', 'message', '1', '{"id":"chatcmpl-7","obje'],
      ['event', 'message', '2', '{"id":"chatcmpl-7","obje'],
      ['comment', '', '', 'keep-alive'],
      ['event', 'message', '3', '{"id":"chatcmpl-7","obje'],
      ['event', 'usage', '3', '{"prompt_tokens":12,\n "c'],
      ['event', 'message', '3', '[DONE]'],
    ]);
    // Sizes are UTF-8 bytes of the data (a retry counts none, as the extension counts it).
    expect(log.events.map((e) => e.size)).toEqual(log.events.map((e) => (e.kind === 'retry' ? 0 : Buffer.byteLength(e.data))));
    expect(log.events[3]!.size).toBe(Buffer.byteLength(log.events[3]!.data));
    expect(log.events[3]!.size).toBeGreaterThan(log.events[3]!.data.length);
    expect(log.events[6]!.raw).toBe('event: usage\ndata: {"prompt_tokens":12,\ndata:  "completion_tokens":3}\n\n');
    expect(log.events[0]!.raw).toBeUndefined();
  });

  it('written back, the file is the same, byte for byte', () => {
    expect(toRawSse(fromRawSse(CHAT, FILE).events)).toBe(CHAT);
  });

  it('CRLF, an id-only block and an unterminated tail (kept as the attempt’s discarded text)', () => {
    const log = fromRawSse(LLM_WIRE, { name: 'llm.txt', lastModified: 5 });
    const fromTheExtension = reconnectAndLlm().events.filter((e) => e.streamId === 'd2:1');
    expect(tuples(log.events)).toEqual(tuples(fromTheExtension));
    expect(log.streams[0]!.attempts[0]!.discarded).toBe('data: an unterminated tail');
    expect(log.streams[0]!.lastEventId).toBe('msg_2');
    expect(log.streams[0]!.retry).toBe(10000);
    expect(log.events.find((e) => e.type === 'message_start')!.raw).toBe('id: msg_1\r\nevent: message_start\r\ndata: {"type":"message_start","model":"claude-sonnet"}\r\n\r\n');
    // Exported and imported again: the same records.
    expect(tuples(fromRawSse(toRawSse(log.events), { name: 'again', lastModified: 5 }).events)).toEqual(tuples(log.events));
  });

  it('data over the capture limit is cut as the extension cuts it', () => {
    const big = '字'.repeat(LIMITS.data + 1);
    const log = fromRawSse(`data: ${big}\n\n`, FILE);
    expect(log.events[0]).toMatchObject({ truncated: true, size: (LIMITS.data + 1) * 3 });
    expect(log.events[0]!.data).toHaveLength(LIMITS.data);
  });

  it('a file with only an unterminated block is an event stream (with nothing dispatched)', () => {
    const log = fromRawSse('data: never finished', FILE);
    expect(log.events).toEqual([]);
    expect(log.streams[0]!.attempts[0]!.discarded).toBe('data: never finished');
  });

  it('what it gives is a valid capture for the project’s capture schema', () => {
    const validate = new Ajv({ allErrors: true, strict: true }).compile(captureSchema);
    const capture = toCapture(fromRawSse(LLM_WIRE, FILE), { exportedAt: new Date(0), tool: 'SSE Inspector 0.1.0', userAgent: 'test', pageUrl: '', scope: 'all', redacted: [] });
    expect(validate(JSON.parse(JSON.stringify(capture)))).toBe(true);
  });

  it.each([
    ['a binary file (NUL bytes)', '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01', 'it does not look like a text/event-stream: it contains NUL bytes (a binary file?)'],
    ['a NUL in a stream', 'data: a\0b\n\n', 'it does not look like a text/event-stream: it contains NUL bytes (a binary file?)'],
    ['an empty file', '', 'it does not look like a text/event-stream (it is empty)'],
    ['blank lines only', '\n\r\n  \n', 'it does not look like a text/event-stream (it has only blank lines)'],
    ['unknown fields in blocks', 'foo: 1\n\nbar: 2\n\n', 'it does not look like a text/event-stream (no event, comment, retry or id field, only 2 lines an SSE client ignores)'],
    [
      'an HTML page',
      '<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<h1>502 Bad Gateway</h1>\n</body>\n</html>\n',
      'it does not look like a text/event-stream (no event, comment, retry or id field, only 7 lines an SSE client ignores)',
    ],
    ['a JSON file', '{\n  "error": "unauthorized"\n}', 'it does not look like a text/event-stream (no event, comment, retry or id field, only 3 lines an SSE client ignores)'],
    ['one line of prose', 'hello world', 'it does not look like a text/event-stream (no event, comment, retry or id field, only 1 line an SSE client ignores)'],
  ])('refused: %s', (_, text, message) => {
    expect(importError(() => fromRawSse(text, FILE))).toBe(message);
  });

  it('never crashes: random text gives a log or an ImportError', () => {
    const rnd = prng(21);
    const alphabet = ['d', 'a', 't', ':', ' ', '\n', '\r', 'e', 'v', 'n', 'i', 'r', 'y', '1', '\0', '\ufeff', '字', '\ud83c', '<'];
    let logs = 0;
    for (let k = 0; k < 2000; k++) {
      const text = Array.from({ length: Math.floor(rnd() * 60) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      try {
        const log = fromRawSse(text, FILE);
        logs++;
        expect(log.streams).toHaveLength(1);
      } catch (e) {
        expect(e).toBeInstanceOf(ImportError);
      }
    }
    expect(logs).toBeGreaterThan(50);
  });
});
