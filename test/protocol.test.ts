import { describe, expect, it } from 'vitest';
import { LIMITS, PROTOCOL_VERSION, eventOfRun, parsePageBatch, parsePageRecord, type EventRun, type PageRecord } from '../src/shared/protocol';
import { utf8Length } from '../src/shared/text';

type Kind = PageRecord['k'];

/** A valid input of each kind, and exactly what the parser must return for it. */
const valid: Record<Kind, { input: Record<string, unknown>; output: PageRecord }> = {
  create: {
    input: { k: 'create', sid: 0, t: 1700000000000.5, url: 'http://127.0.0.1:8080/sse', withCredentials: true, stack: 'Error\n    at x (http://a/b.js:1:2)' },
    output: { k: 'create', sid: 0, t: 1700000000000.5, url: 'http://127.0.0.1:8080/sse', withCredentials: true, stack: 'Error\n    at x (http://a/b.js:1:2)' },
  },
  open: { input: { k: 'open', sid: 3, t: 12.25 }, output: { k: 'open', sid: 3, t: 12.25 } },
  error: { input: { k: 'error', sid: 4, t: 0, readyState: 0 }, output: { k: 'error', sid: 4, t: 0, readyState: 0 } },
  close: { input: { k: 'close', sid: 5, t: 7 }, output: { k: 'close', sid: 5, t: 7 } },
  listen: { input: { k: 'listen', sid: 6, t: 8, type: 'tick' }, output: { k: 'listen', sid: 6, t: 8, type: 'tick' } },
  event: {
    input: { k: 'event', sid: 7, t: 9, type: 'message', data: '{"a":1}', id: '42', origin: 'http://127.0.0.1:8080' },
    output: { k: 'event', sid: 7, t: 9, type: 'message', data: '{"a":1}', id: '42', origin: 'http://127.0.0.1:8080' },
  },
  response: {
    input: { k: 'response', sid: 8, t: 10, kind: 'fetch', url: 'http://127.0.0.1:8080/llm', status: 200, statusText: 'OK', headers: [['content-type', 'text/event-stream']], redirected: false, headersAt: 11, stack: '' },
    output: { k: 'response', sid: 8, t: 10, kind: 'fetch', url: 'http://127.0.0.1:8080/llm', status: 200, statusText: 'OK', headers: [['content-type', 'text/event-stream']], redirected: false, headersAt: 11, stack: '' },
  },
  chunk: { input: { k: 'chunk', sid: 8, t: 12, text: 'data: x\n\n', bytes: 9 }, output: { k: 'chunk', sid: 8, t: 12, text: 'data: x\n\n', bytes: 9 } },
  end: { input: { k: 'end', sid: 8, t: 13, how: 'aborted', error: 'AbortError: x' }, output: { k: 'end', sid: 8, t: 13, how: 'aborted', error: 'AbortError: x' } },
};
const kinds = Object.keys(valid) as Kind[];

const withField = (kind: Kind, key: string, value: unknown): Record<string, unknown> => ({ ...valid[kind].input, [key]: value });
const without = (kind: Kind, key: string): Record<string, unknown> => {
  const copy = { ...valid[kind].input };
  delete copy[key];
  return copy;
};

describe('parsePageRecord: accepts', () => {
  it.each(kinds)('a valid %s record, as a fresh copy with the same fields', (kind) => {
    const input = valid[kind].input;
    const r = parsePageRecord(input);
    expect(r).toStrictEqual(valid[kind].output);
    expect(r).not.toBe(input);
    expect(Object.keys(r!).sort()).toEqual(Object.keys(valid[kind].output).sort());
  });

  it.each(kinds)('a %s record with extra, __proto__ and constructor keys, which do not survive', (kind) => {
    const json = JSON.stringify({ ...valid[kind].input, extra: 1, constructor: 'evil' }).replace(/^\{/, '{"__proto__":{"polluted":true},');
    const input: unknown = JSON.parse(json);
    // JSON.parse makes "__proto__" an own property, as a structured clone would.
    expect(Object.prototype.hasOwnProperty.call(input, '__proto__')).toBe(true);
    const r = parsePageRecord(input);
    expect(r).toStrictEqual(valid[kind].output);
    expect(Object.keys(r!).sort()).toEqual(Object.keys(valid[kind].output).sort());
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(r, '__proto__')).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(r, 'constructor')).toBe(false);
    expect((r as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect((r as unknown as Record<string, unknown>).extra).toBeUndefined();
  });

  it('an error record with readyState 2', () => {
    expect(parsePageRecord(withField('error', 'readyState', 2))).toStrictEqual({ k: 'error', sid: 4, t: 0, readyState: 2 });
  });

  it('a create record with withCredentials false', () => {
    expect(parsePageRecord(withField('create', 'withCredentials', false))).toMatchObject({ withCredentials: false });
  });

  it('sid 0, a large safe integer sid, and t 0', () => {
    expect(parsePageRecord({ k: 'open', sid: 0, t: 0 })).toStrictEqual({ k: 'open', sid: 0, t: 0 });
    expect(parsePageRecord({ k: 'open', sid: Number.MAX_SAFE_INTEGER, t: 1 })).toStrictEqual({ k: 'open', sid: Number.MAX_SAFE_INTEGER, t: 1 });
  });

  it('empty strings for type, id, origin, data, url and stack', () => {
    expect(parsePageRecord({ k: 'event', sid: 1, t: 1, type: '', data: '', id: '', origin: '' })).toStrictEqual({
      k: 'event', sid: 1, t: 1, type: '', data: '', id: '', origin: '',
    });
    expect(parsePageRecord({ k: 'create', sid: 1, t: 1, url: '', withCredentials: false, stack: '' })).toStrictEqual({
      k: 'create', sid: 1, t: 1, url: '', withCredentials: false, stack: '',
    });
  });
});

describe('parsePageRecord: rejects', () => {
  const badSids: [string, unknown][] = [
    ['negative', -1],
    ['non-integer', 1.5],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['unsafe integer', 2 ** 53],
    ['string', '1'],
    ['null', null],
    ['boolean', true],
  ];
  const badTimes: [string, unknown][] = [
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['negative', -1],
    ['string', '5'],
    ['null', null],
    ['object', {}],
  ];

  describe.each(kinds)('%s', (kind) => {
    it('without sid', () => {
      expect(parsePageRecord(without(kind, 'sid'))).toBeNull();
    });
    it.each(badSids)('with a %s sid', (_name, sid) => {
      expect(parsePageRecord(withField(kind, 'sid', sid))).toBeNull();
    });
    it('without t', () => {
      expect(parsePageRecord(without(kind, 't'))).toBeNull();
    });
    it.each(badTimes)('with a %s t', (_name, t) => {
      expect(parsePageRecord(withField(kind, 't', t))).toBeNull();
    });
  });

  it.each<[Kind, string, unknown]>([
    ['create', 'url', 42],
    ['create', 'url', null],
    ['create', 'url', undefined],
    ['create', 'url', { toString: () => 'http://x' }],
    ['create', 'withCredentials', 'true'],
    ['create', 'withCredentials', 1],
    ['create', 'withCredentials', undefined],
    ['create', 'stack', 1],
    ['create', 'stack', null],
    ['create', 'stack', undefined],
    ['error', 'readyState', 1],
    ['error', 'readyState', '0'],
    ['error', 'readyState', '2'],
    ['error', 'readyState', 3],
    ['error', 'readyState', -0.5],
    ['error', 'readyState', null],
    ['error', 'readyState', undefined],
    ['listen', 'type', 1],
    ['listen', 'type', null],
    ['listen', 'type', undefined],
    ['listen', 'type', ['message']],
    ['event', 'type', 1],
    ['event', 'type', undefined],
    ['event', 'id', 42],
    ['event', 'id', null],
    ['event', 'id', undefined],
    ['event', 'origin', 0],
    ['event', 'origin', null],
    ['event', 'origin', undefined],
    ['event', 'data', 1],
    ['event', 'data', null],
    ['event', 'data', undefined],
    ['event', 'data', { length: 1 }],
  ])('%s with %s = %j', (kind, key, value) => {
    // Sanity: the same record with its valid value is accepted.
    expect(parsePageRecord(valid[kind].input)).not.toBeNull();
    expect(parsePageRecord(withField(kind, key, value))).toBeNull();
  });

  it.each<[string, unknown]>([
    ['an unknown k', { k: 'message', sid: 1, t: 1 }],
    ['a missing k', { sid: 1, t: 1 }],
    ['a non-string k', { k: 1, sid: 1, t: 1 }],
    ['a k differing in case', { k: 'Open', sid: 1, t: 1 }],
    ['an inherited k (Object.prototype name)', { k: 'toString', sid: 1, t: 1 }],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'open'],
    ['a JSON string of a valid record', JSON.stringify({ k: 'open', sid: 1, t: 1 })],
    ['a number', 1],
    ['a boolean', true],
    ['an empty array', []],
    ['an array with record properties', Object.assign([], { k: 'open', sid: 1, t: 1 })],
    ['a function', Object.assign(() => {}, { k: 'open', sid: 1, t: 1 })],
  ])('%s', (_name, input) => {
    expect(parsePageRecord(input)).toBeNull();
  });
});

describe('parsePageRecord: size limits', () => {
  it.each<[Kind, 'url' | 'type' | 'id' | 'origin', number]>([
    ['create', 'url', LIMITS.url],
    ['event', 'origin', LIMITS.origin],
  ])('%s.%s: %i code units accepted, one more rejected', (kind, key, limit) => {
    const atLimit = parsePageRecord(withField(kind, key, 'x'.repeat(limit)));
    expect(atLimit).not.toBeNull();
    expect((atLimit as unknown as Record<string, unknown>)[key]).toBe('x'.repeat(limit));
    expect(parsePageRecord(withField(kind, key, 'x'.repeat(limit + 1)))).toBeNull();
  });

  it.each<[Kind, 'type' | 'id', number]>([
    ['listen', 'type', LIMITS.type],
    ['event', 'type', LIMITS.type],
    ['event', 'id', LIMITS.id],
  ])('%s.%s: over %i code units it is cut, not refused; an event says so', (kind, key, limit) => {
    const atLimit = parsePageRecord(withField(kind, key, 'x'.repeat(limit))) as unknown as Record<string, unknown>;
    expect(atLimit[key]).toBe('x'.repeat(limit));
    expect(atLimit.cut).toBeUndefined();
    const over = parsePageRecord(withField(kind, key, 'x'.repeat(limit) + 'TAIL')) as unknown as Record<string, unknown>;
    expect(over[key]).toBe('x'.repeat(limit));
    expect(over.cut).toBe(kind === 'event' ? true : undefined);
  });

  it('a stack over LIMITS.stack is cut to LIMITS.stack, not rejected', () => {
    const stack = 'a'.repeat(LIMITS.stack) + 'TAIL'.repeat(100);
    const r = parsePageRecord(withField('create', 'stack', stack));
    expect(r).not.toBeNull();
    if (r?.k !== 'create') throw new Error('expected a create record');
    expect(r.stack).toHaveLength(LIMITS.stack);
    expect(r.stack).toBe(stack.slice(0, LIMITS.stack));
    expect(r.stack).not.toContain('TAIL');
  });

  it('a stack of exactly LIMITS.stack is kept whole', () => {
    const stack = 'b'.repeat(LIMITS.stack);
    const r = parsePageRecord(withField('create', 'stack', stack));
    expect(r).toMatchObject({ stack });
  });

  it('event data within LIMITS.data is kept whole with no fullSize', () => {
    for (const data of ['', 'hello', '这是注释', 'd'.repeat(LIMITS.data)]) {
      const r = parsePageRecord(withField('event', 'data', data));
      expect(r).not.toBeNull();
      expect(r).toMatchObject({ data });
      expect(Object.prototype.hasOwnProperty.call(r, 'fullSize')).toBe(false);
    }
  });

  it('event data over LIMITS.data is cut to LIMITS.data code units with fullSize = its UTF-8 size', () => {
    // 2-byte, 3-byte and 4-byte (surrogate pair) characters: bytes differ from code units.
    const data = 'é€😀'.repeat(Math.ceil(LIMITS.data / 4) + 10);
    expect(data.length).toBeGreaterThan(LIMITS.data);
    const r = parsePageRecord(withField('event', 'data', data));
    if (r?.k !== 'event') throw new Error('expected an event record');
    expect(r.data).toHaveLength(LIMITS.data);
    expect(r.data).toBe(data.slice(0, LIMITS.data));
    const trueSize = Buffer.byteLength(data, 'utf8');
    expect(r.fullSize).toBe(trueSize);
    expect(r.fullSize).not.toBe(data.length);
    expect(r.fullSize).toBeGreaterThan(data.length);
    // The other fields are untouched.
    expect(r).toMatchObject({ k: 'event', sid: 7, t: 9, type: 'message', id: '42', origin: 'http://127.0.0.1:8080' });
  });

  it('event data of 3-byte characters one code unit over the limit: fullSize is 3 bytes per character', () => {
    const data = '这'.repeat(LIMITS.data + 1);
    const r = parsePageRecord(withField('event', 'data', data));
    if (r?.k !== 'event') throw new Error('expected an event record');
    expect(r.data).toBe('这'.repeat(LIMITS.data));
    expect(r.fullSize).toBe(3 * (LIMITS.data + 1));
  });

  it('a fullSize sent by the page is not trusted', () => {
    const r = parsePageRecord(withField('event', 'fullSize', 999_999_999));
    expect(r).toStrictEqual(valid.event.output);
    expect(Object.prototype.hasOwnProperty.call(r, 'fullSize')).toBe(false);
  });
});

describe('parsePageBatch', () => {
  it('accepts a batch of this version, returning copies', () => {
    const records = [valid.create.input, valid.open.input, valid.event.input];
    const batch = parsePageBatch({ v: PROTOCOL_VERSION, records });
    expect(batch).toStrictEqual({ records: [valid.create.output, valid.open.output, valid.event.output], invalid: 0 });
    batch!.records.forEach((r, i) => expect(r).not.toBe(records[i]));
  });

  it('keeps runs of events (by columns) as fresh runs, each value checked; a cut event goes as a record of its own, in its place', () => {
    const long = 'x'.repeat(LIMITS.type + 1);
    const run = { k: 'events', sid: 3, origin: 'http://a', t: [1, 2, 3, 4, 5], type: ['message', 'tick', long, 'm', 'm'], data: ['a', 'b', 'c', 'd', 7], id: ['1', '', '2', '3', '4'] };
    const batch = parsePageBatch({ v: PROTOCOL_VERSION, records: [valid.open.input, run, { ...run, t: [9] }, { ...run, k: 'events', t: 'no' }] });
    expect(batch!.records).toStrictEqual([
      valid.open.output,
      { k: 'events', sid: 3, origin: 'http://a', t: [1, 2], type: ['message', 'tick'], data: ['a', 'b'], id: ['1', ''] },
      { k: 'event', sid: 3, t: 3, type: 'x'.repeat(LIMITS.type), data: 'c', id: '2', origin: 'http://a', cut: true },
      { k: 'events', sid: 3, origin: 'http://a', t: [4], type: ['m'], data: ['d'], id: ['3'] },
    ]);
    const copy = batch!.records[1] as EventRun;
    expect(copy.t).not.toBe(run.t);
    expect(copy.data).not.toBe(run.data);
    // The event whose data is no string; columns of different lengths, and columns that are no arrays: one refused item each.
    expect(batch!.invalid).toBe(3);
    // What the background makes of a run: the records it stands for.
    expect([0, 1].map((i) => eventOfRun(copy, i))).toStrictEqual([
      { k: 'event', sid: 3, t: 1, type: 'message', data: 'a', id: '1', origin: 'http://a' },
      { k: 'event', sid: 3, t: 2, type: 'tick', data: 'b', id: '', origin: 'http://a' },
    ]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a negative sid', { sid: -1 }],
    ['an origin over its limit', { origin: 'o'.repeat(LIMITS.origin + 1) }],
    ['a time that is no number', { t: [1, 'soon', 3] }],
    ['a type that is no string', { type: ['m', null, 'm'] }],
    ['an id that is no string', { id: ['', '', 3] }],
  ])('refuses the events of a run with %s, counted', (_name, change) => {
    const run = { k: 'events', sid: 1, origin: 'http://a', t: [1, 2, 3], type: ['m', 'm', 'm'], data: ['a', 'b', 'c'], id: ['', '', ''], ...change };
    const batch = parsePageBatch({ v: PROTOCOL_VERSION, records: [run] })!;
    const kept = batch.records.reduce((n, r) => n + (r.k === 'events' ? r.t.length : 1), 0);
    expect(kept + batch.invalid).toBe(3);
    expect(batch.invalid).toBe(change.sid !== undefined || change.origin !== undefined ? 3 : 1);
  });

  it('counts the records of runs past the batch limit as refused', () => {
    const n = LIMITS.recordsPerBatch + 5;
    const run = { k: 'events', sid: 1, origin: '', t: Array(n).fill(1), type: Array(n).fill('m'), data: Array(n).fill(''), id: Array(n).fill('') };
    const batch = parsePageBatch({ v: PROTOCOL_VERSION, records: [valid.open.input, run, valid.open.input] });
    expect(batch!.records).toHaveLength(2);
    expect((batch!.records[1] as EventRun).t).toHaveLength(LIMITS.recordsPerBatch - 1);
    expect(batch!.invalid).toBe(7);
  });

  it('accepts an empty batch', () => {
    expect(parsePageBatch({ v: PROTOCOL_VERSION, records: [] })).toStrictEqual({ records: [], invalid: 0 });
  });

  it.each<[string, unknown]>([
    ['a wrong version', { v: PROTOCOL_VERSION + 1, records: [valid.open.input] }],
    ['version 0', { v: 0, records: [valid.open.input] }],
    ['a string version', { v: String(PROTOCOL_VERSION), records: [valid.open.input] }],
    ['no version', { records: [valid.open.input] }],
    ['records as an object', { v: PROTOCOL_VERSION, records: { 0: valid.open.input, length: 1 } }],
    ['records as a string', { v: PROTOCOL_VERSION, records: 'x' }],
    ['records null', { v: PROTOCOL_VERSION, records: null }],
    ['no records', { v: PROTOCOL_VERSION }],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'batch'],
    ['a number', 1],
    ['an array', [valid.open.input]],
  ])('returns null for %s', (_name, input) => {
    expect(parsePageBatch(input)).toBeNull();
  });

  it('keeps the valid records of a mixed batch, in order, and counts the invalid ones', () => {
    const batch = parsePageBatch({
      v: PROTOCOL_VERSION,
      records: [
        valid.create.input,
        null,
        { k: 'nope', sid: 1, t: 1 },
        valid.open.input,
        withField('error', 'readyState', 1),
        'open',
        [],
        valid.listen.input,
        withField('event', 'origin', 'x'.repeat(LIMITS.origin + 1)),
      ],
    });
    expect(batch).toStrictEqual({ records: [valid.create.output, valid.open.output, valid.listen.output], invalid: 6 });
  });

  it(`keeps at most LIMITS.recordsPerBatch records and counts the excess as invalid`, () => {
    const excess = 7;
    const records = Array.from({ length: LIMITS.recordsPerBatch + excess }, (_, i) => ({ k: 'open', sid: i, t: i }));
    const batch = parsePageBatch({ v: PROTOCOL_VERSION, records });
    expect(batch).not.toBeNull();
    expect(batch!.records).toHaveLength(LIMITS.recordsPerBatch);
    expect(batch!.invalid).toBe(excess);
    // The first records are the ones kept.
    expect(batch!.records[0]).toStrictEqual({ k: 'open', sid: 0, t: 0 });
    expect(batch!.records[LIMITS.recordsPerBatch - 1]).toStrictEqual({
      k: 'open', sid: LIMITS.recordsPerBatch - 1, t: LIMITS.recordsPerBatch - 1,
    });
  });

  it('counts both the excess and the invalid records within the cap', () => {
    const records: unknown[] = Array.from({ length: LIMITS.recordsPerBatch + 3 }, (_, i) => ({ k: 'open', sid: i, t: i }));
    records[0] = null;
    records[10] = { k: 'open', sid: -1, t: 0 };
    const batch = parsePageBatch({ v: PROTOCOL_VERSION, records });
    expect(batch!.records).toHaveLength(LIMITS.recordsPerBatch - 2);
    expect(batch!.invalid).toBe(3 + 2);
  });

  it('a batch of exactly LIMITS.recordsPerBatch records has no invalid records', () => {
    const records = Array.from({ length: LIMITS.recordsPerBatch }, (_, i) => ({ k: 'close', sid: i, t: 1 }));
    const batch = parsePageBatch({ v: PROTOCOL_VERSION, records });
    expect(batch!.records).toHaveLength(LIMITS.recordsPerBatch);
    expect(batch!.invalid).toBe(0);
  });
});

describe('utf8Length', () => {
  it('counts ASCII as 1 byte per character', () => {
    expect(utf8Length('')).toBe(0);
    expect(utf8Length('a')).toBe(1);
    expect(utf8Length('hello world')).toBe(11);
    expect(utf8Length('\u007f')).toBe(1);
    expect(utf8Length('\0')).toBe(1);
  });

  it('counts U+0080..U+07FF as 2 bytes', () => {
    expect(utf8Length('\u0080')).toBe(2);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('ñandú')).toBe(7);
    expect(utf8Length('\u07ff')).toBe(2);
  });

  it('counts U+0800..U+FFFF (CJK, €) as 3 bytes', () => {
    expect(utf8Length('\u0800')).toBe(3);
    expect(utf8Length('这是注释')).toBe(12);
    expect(utf8Length('€')).toBe(3);
    expect(utf8Length('\uffff')).toBe(3);
    expect(utf8Length('\ue000')).toBe(3);
  });

  it('counts a surrogate pair (emoji) as 4 bytes', () => {
    expect('😀'.length).toBe(2);
    expect(utf8Length('😀')).toBe(4);
    expect(utf8Length('𝄞')).toBe(4);
    expect(utf8Length('a😀b')).toBe(6);
    expect(utf8Length('😀😀')).toBe(8);
  });

  it('counts lone surrogates as 3 bytes (U+FFFD)', () => {
    expect(utf8Length('\ud83d')).toBe(3); // lone high at the end
    expect(utf8Length('\ude00')).toBe(3); // lone low
    expect(utf8Length('\ud83da')).toBe(4); // high followed by non-surrogate
    expect(utf8Length('\ude00\ud83d')).toBe(6); // low then high: not a pair
    expect(utf8Length('\ud83d\ud83d\ude00')).toBe(3 + 4); // lone high, then a pair
  });

  it('agrees with Buffer.byteLength and TextEncoder', () => {
    const encoder = new TextEncoder();
    const samples = [
      '',
      'plain ascii',
      'data: {"k": [1, 2, 3]}\n\n',
      'Grüße, café',
      '这是注释',
      '日本語のテキスト',
      '😀👍🏽👨‍👩‍👧',
      'mixed é€😀 text 这',
      '\ud800',
      '\udfff',
      'x\ud800y\udc00z',
      '\udbff\udfff',
      '\u0000\u007f\u0080\u07ff\u0800\uffff',
      'é€😀'.repeat(1000),
    ];
    for (const s of samples) {
      expect(utf8Length(s), JSON.stringify(s)).toBe(Buffer.byteLength(s, 'utf8'));
      expect(utf8Length(s), JSON.stringify(s)).toBe(encoder.encode(s).length);
    }
  });
});
