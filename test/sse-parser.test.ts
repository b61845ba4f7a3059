import { describe, expect, it } from 'vitest';
import { SseParser, type SseRecord } from '../src/shared/sse/parser';
import { prng } from './support/prng';

// Every rule of the WHATWG HTML Standard's "Interpreting an event stream" (§9.2.6), plus what
// the debugger keeps on top, each fed three ways: whole, byte by byte, and in many seeded random
// chunkings. Expectations are written out by hand; a spec-literal oracle (below) must agree with
// each of them, and then checks the parser on random streams too.

// ---------------------------------------------------------------------------------------------
// Helpers

const enc = new TextEncoder();
type Input = string | Uint8Array;
const toBytes = (i: Input): Uint8Array => (typeof i === 'string' ? enc.encode(i) : i);
const cat = (...parts: (string | number[])[]): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...enc.encode(p)] : p)));

interface Result {
  records: SseRecord[];
  discarded: string;
}

interface Way {
  label: string;
  chunks: Uint8Array[];
}

const RANDOM_CHUNKINGS = 40;

/** whole, byte by byte, and RANDOM_CHUNKINGS seeded random chunkings (mostly 1–8 bytes, some up to 64). */
function ways(bytes: Uint8Array, seed = 1): Way[] {
  const out: Way[] = [{ label: 'whole', chunks: [bytes] }];
  const single: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i++) single.push(bytes.subarray(i, i + 1));
  out.push({ label: 'byte by byte', chunks: single });
  for (let k = 0; k < RANDOM_CHUNKINGS; k++) {
    const rnd = prng(seed * 1000 + k);
    const chunks: Uint8Array[] = [];
    let i = 0;
    while (i < bytes.length) {
      const n = rnd() < 0.85 ? 1 + Math.floor(rnd() * 8) : 1 + Math.floor(rnd() * 64);
      // Now and then an empty chunk: it must change nothing.
      if (rnd() < 0.05) chunks.push(bytes.subarray(i, i));
      chunks.push(bytes.subarray(i, i + n));
      i += n;
    }
    out.push({ label: `random chunking #${k} (seed ${seed * 1000 + k})`, chunks });
  }
  return out;
}

function run(chunks: (Uint8Array | string)[], lastEventId?: string): Result {
  const records: SseRecord[] = [];
  const p = new SseParser((r) => records.push(r), lastEventId === undefined ? {} : { lastEventId });
  for (const c of chunks) p.feed(c);
  return { records, discarded: p.end().discarded };
}

/** Does this chunking put a chunk boundary between a CR and the LF after it? */
function splitsCRLF(chunks: Uint8Array[]): boolean {
  const nonEmpty = chunks.filter((c) => c.length > 0);
  for (let i = 1; i < nonEmpty.length; i++) {
    const prev = nonEmpty[i - 1]!;
    if (prev[prev.length - 1] === 13 && nonEmpty[i]![0] === 10) return true;
  }
  return false;
}

/**
 * The one documented difference a chunking may make: when a CRLF that ends a block's blank line
 * is split across chunks, the block is reported at the CR (as a browser dispatches it) and its raw
 * ends with CR. Only then is a missing final LF accepted; otherwise raw must be exact.
 */
function allowSplitCRLF(got: Result, expected: Result): Result {
  return {
    discarded: got.discarded,
    records: got.records.map((r, i) => {
      const e = expected.records[i];
      if (
        e !== undefined &&
        (r.kind === 'event' || r.kind === 'no-data') &&
        e.kind === r.kind &&
        e.raw.endsWith('\r\n') &&
        r.raw === e.raw.slice(0, -1)
      ) {
        return { ...r, raw: e.raw };
      }
      return r;
    }),
  };
}

/** Feeds `input` every way and requires exactly `expected`; the oracle must agree too. */
function check(input: Input, expected: Result, seed = 1): void {
  const bytes = toBytes(input);
  expect(reference(bytes), 'the spec-literal oracle disagrees with this expectation').toEqual(expected);
  for (const way of ways(bytes, seed)) {
    let got = run(way.chunks);
    if (way.label !== 'whole' && splitsCRLF(way.chunks)) got = allowSplitCRLF(got, expected);
    expect(got, way.label).toEqual(expected);
  }
}

/** Feeds explicit chunks (bytes or strings) and requires exactly `expected`. */
function checkChunks(chunks: (Uint8Array | string)[], expected: Result): void {
  expect(run(chunks)).toEqual(expected);
}

const ev = (data: string, raw: string, type = 'message', id = ''): SseRecord => ({ kind: 'event', type, data, id, raw });
const noData = (raw: string, id = '', idChanged = false, type = ''): SseRecord => ({ kind: 'no-data', type, id, idChanged, raw });
const comment = (text: string): SseRecord => ({ kind: 'comment', text });
const retry = (ms: number): SseRecord => ({ kind: 'retry', ms });
const unknown = (field: string, value: string): SseRecord => ({ kind: 'ignored', field, value, reason: 'unknown-field' });
const badRetry = (value: string): SseRecord => ({ kind: 'ignored', field: 'retry', value, reason: 'invalid-retry' });
const nulId = (value: string): SseRecord => ({ kind: 'ignored', field: 'id', value, reason: 'nul-in-id' });
const result = (records: SseRecord[], discarded = ''): Result => ({ records, discarded });

// ---------------------------------------------------------------------------------------------
// The oracle: the spec's steps read literally, on the whole stream at once (no chunking, no
// speed tricks): decode, drop one leading BOM, split into lines, then per line.

function reference(bytes: Uint8Array, lastEventId = ''): Result {
  let text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: SseRecord[] = [];
  let data = '';
  let type = '';
  let id = lastEventId;
  let blockStartId = id;
  let raw = '';
  let fields = false;
  const re = /([^\r\n]*)(\r\n|\r|\n)/y;
  let pos = 0;
  for (;;) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (m === null) break;
    pos = re.lastIndex;
    const line = m[1]!;
    raw += m[0];
    if (line === '') {
      if (fields) {
        if (data === '') records.push({ kind: 'no-data', type, id, idChanged: id !== blockStartId, raw });
        else records.push({ kind: 'event', type: type === '' ? 'message' : type, data: data.slice(0, -1), id, raw });
      }
      data = '';
      type = '';
      raw = '';
      fields = false;
      blockStartId = id;
      continue;
    }
    if (line.startsWith(':')) {
      records.push({ kind: 'comment', text: line.slice(1).replace(/^ /, '') });
      continue;
    }
    fields = true;
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (name === 'event') type = value;
    else if (name === 'data') data += value + '\n';
    else if (name === 'id') {
      if (value.includes('\0')) records.push({ kind: 'ignored', field: 'id', value, reason: 'nul-in-id' });
      else id = value;
    } else if (name === 'retry') {
      if (/^[0-9]+$/.test(value)) records.push({ kind: 'retry', ms: parseInt(value, 10) });
      else records.push({ kind: 'ignored', field: 'retry', value, reason: 'invalid-retry' });
    } else records.push({ kind: 'ignored', field: name, value, reason: 'unknown-field' });
  }
  return { records, discarded: raw + text.slice(pos) };
}

// ---------------------------------------------------------------------------------------------

describe('the spec’s own examples', () => {
  it('removes one leading space of a value: "data:test" and "data: test" are the same', () => {
    const s = 'data:test\n\ndata: test\n\n';
    check(s, result([ev('test', 'data:test\n\n'), ev('test', 'data: test\n\n')]));
  });

  it('"data\\n\\ndata\\ndata\\n\\ndata:" dispatches "" and "\\n" and discards the last', () => {
    const s = 'data\n\ndata\ndata\n\ndata:';
    check(s, result([ev('', 'data\n\n'), ev('\n', 'data\ndata\n\n')], 'data:'));
  });

  it('the stock-ticker example: multi-line data joined with LF', () => {
    const s =
      'data: This is the first message.\n\n' +
      'data: This is the second message, it\ndata: has two lines.\n\n' +
      'data: This is the third message.\n\n';
    check(
      s,
      result([
        ev('This is the first message.', 'data: This is the first message.\n\n'),
        ev('This is the second message, it\nhas two lines.', 'data: This is the second message, it\ndata: has two lines.\n\n'),
        ev('This is the third message.', 'data: This is the third message.\n\n'),
      ]),
    );
  });

  it('the event-type example: add / remove / add', () => {
    const s = 'event: add\ndata: 73857293\n\nevent: remove\ndata: 2153\n\nevent: add\ndata: 113411\n\n';
    check(
      s,
      result([
        ev('73857293', 'event: add\ndata: 73857293\n\n', 'add'),
        ev('2153', 'event: remove\ndata: 2153\n\n', 'remove'),
        ev('113411', 'event: add\ndata: 113411\n\n', 'add'),
      ]),
    );
  });

  it('the id example: a comment block, id 1, then "id" alone resets it, two spaces keep one', () => {
    const s = ': test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n';
    check(
      s,
      result([
        comment('test stream'),
        ev('first event', 'data: first event\nid: 1\n\n', 'message', '1'),
        ev('second event', 'data:second event\nid\n\n', 'message', ''),
        ev(' third event', 'data:  third event\n\n', 'message', ''),
      ]),
    );
  });
});

describe('UTF-8 decoding', () => {
  it('decodes multi-byte characters, also split across chunks', () => {
    // 2-, 3- and 4-byte sequences: byte-by-byte feeding splits each of them.
    const s = 'event: é你\ndata: 你好 é 😀\nid: ✓\n\n';
    check(s, result([ev('你好 é 😀', s, 'é你', '✓')]));
  });

  it('turns invalid bytes into U+FFFD', () => {
    // 0xFF never occurs in UTF-8; 0xC3 starts a 2-byte sequence that "b" breaks; 0xE4 0xBD is a truncated 3-byte one.
    const b = cat('data: a', [0xff], 'b', [0xc3], 'c\n', 'data: ', [0xe4, 0xbd], '\n\n');
    check(b, result([ev('a\uFFFDb\uFFFDc\n\uFFFD', 'data: a\uFFFDb\uFFFDc\ndata: \uFFFD\n\n')]));
  });

  it('turns a character truncated by the end of the stream into U+FFFD', () => {
    const b = cat('data: x\n\ndata: ', [0xf0, 0x9f, 0x98]);
    check(b, result([ev('x', 'data: x\n\n')], 'data: \uFFFD'));
  });

  it('a string chunk after a partial character ends it as U+FFFD', () => {
    checkChunks([cat('data: a', [0xe4]), '\n\n'], result([ev('a\uFFFD', 'data: a\uFFFD\n\n')]));
  });

  it('accepts decoded text chunks too, with the same results', () => {
    const s = "\uFEFFdata: 你好\r\n: c\rid: 7\n\ndata: 😀\n\ndata: tail";
    const expected = result(
      [comment('c'), ev('你好', 'data: 你好\r\n: c\rid: 7\n\n', 'message', '7'), ev('😀', 'data: 😀\n\n', 'message', '7')],
      'data: tail',
    );
    check(s, expected);
    expect(run([s])).toEqual(expected);
    expect(run(Array.from(s))).toEqual(expected); // one code point a chunk
  });
});

describe('byte order mark', () => {
  it('strips one leading BOM', () => {
    // Were it kept, the first line's field name would be "\uFEFFdata": an unknown field.
    check('\uFEFFdata: x\n\n', result([ev('x', 'data: x\n\n')]));
  });

  it('strips it when its three bytes arrive in separate chunks', () => {
    const expected = result([ev('x', 'data: x\n\n')]);
    checkChunks([new Uint8Array([0xef]), new Uint8Array([0xbb]), new Uint8Array([0xbf]), enc.encode('data: x\n\n')], expected);
    checkChunks([new Uint8Array([0xef, 0xbb]), cat([0xbf], 'data: x\n\n')], expected);
    checkChunks([new Uint8Array([]), new Uint8Array([0xef]), cat([0xbb, 0xbf], 'da'), enc.encode('ta: x\n\n')], expected);
  });

  it('keeps a second BOM: as part of a field name, or as data', () => {
    const s = '\uFEFF\uFEFFdata: x\n\ndata: \uFEFFy\n\n';
    check(s, result([unknown('\uFEFFdata', 'x'), noData('\uFEFFdata: x\n\n'), ev('\uFEFFy', 'data: \uFEFFy\n\n')]));
  });

  it('strips it only at the very start of the stream, not at the start of a later chunk', () => {
    const expected = result([ev('a', 'data: a\n\n'), unknown('\uFEFFdata', 'b'), noData('\uFEFFdata: b\n\n')]);
    check('data: a\n\n\uFEFFdata: b\n\n', expected);
    checkChunks([enc.encode('data: a\n\n'), enc.encode('\uFEFFdata: b\n\n')], expected);
  });

  it('is not fooled by "ï»¿" (a BOM decoded as Latin-1 and re-encoded): it is text', () => {
    check('\u00EF\u00BB\u00BFdata: x\n\n', result([unknown('\u00EF\u00BB\u00BFdata', 'x'), noData('\u00EF\u00BB\u00BFdata: x\n\n')]));
  });
});

describe('line ends: CRLF, LF and CR', () => {
  it('LF', () => {
    check('data: a\ndata: b\n\n', result([ev('a\nb', 'data: a\ndata: b\n\n')]));
  });

  it('CRLF', () => {
    check('data: a\r\ndata: b\r\n\r\n', result([ev('a\nb', 'data: a\r\ndata: b\r\n\r\n')]));
  });

  it('CR only', () => {
    const s = 'data: a\rdata: b\r\revent: x\rdata: c\r\r: bye\r';
    check(s, result([ev('a\nb', 'data: a\rdata: b\r\r'), ev('c', 'event: x\rdata: c\r\r', 'x'), comment('bye')], ': bye\r'));
  });

  it('mixed endings, including LF CR (two line ends) and CR CR LF', () => {
    // "b\n\r" = "b" + LF, then CR alone: a blank line. "d\r\r\n" = "d" + CR, then CRLF: a blank line.
    const s = 'data: a\r\ndata: b\n\rdata: c\r\n\r\n: c\revent: e\ndata: d\r\r\n';
    check(
      s,
      result([
        ev('a\nb', 'data: a\r\ndata: b\n\r'),
        ev('c', 'data: c\r\n\r\n'),
        comment('c'),
        ev('d', ': c\revent: e\ndata: d\r\r\n', 'e'),
      ]),
    );
  });

  it('a CRLF split across chunks is one line end, not two', () => {
    // If the LF after a chunk-final CR ended another (blank) line, "a" would be dispatched alone.
    const expected = result([ev('a\nb', 'data: a\r\ndata: b\r\n\r\n')]);
    check('data: a\r\ndata: b\r\n\r\n', expected);
    const got = run([enc.encode('data: a\r'), enc.encode('\ndata: b\r'), enc.encode('\n\r'), enc.encode('\n')]);
    expect(got).toEqual(result([ev('a\nb', 'data: a\r\ndata: b\r\n\r')])); // the documented raw exception
    expect(run(['data: a\r', '\n', 'data: b\r', '\n', '\r\n'])).toEqual(expected);
  });

  it('dispatches a block at a chunk-final CR at once, without waiting for the next chunk', () => {
    const records: SseRecord[] = [];
    const p = new SseParser((r) => records.push(r));
    p.feed('data: a\r\r');
    expect(records).toEqual([ev('a', 'data: a\r\r')]);
    p.feed('\ndata: b\n\n'); // a LF here ends the CR above: not a blank line of its own
    expect(records).toEqual([ev('a', 'data: a\r\r'), ev('b', 'data: b\n\n')]);
  });

  it('a chunk-final CR ending a field line: the LF that follows is in the raw text', () => {
    checkChunks(['data: a\r', '\n', '\n'], result([ev('a', 'data: a\r\n\n')]));
    checkChunks(['data: a\r', '\n\n'], result([ev('a', 'data: a\r\n\n')]));
    checkChunks([enc.encode('id: 1\r'), enc.encode('\n'), enc.encode('\r\n')], result([noData('id: 1\r\n\r\n', '1', true)]));
  });

  it('keeps raw text exact when no chunk boundary falls between a CR and its LF', () => {
    const s = 'data: a\r\n: c\r\nid: 1\r\n\r\nevent: x\r\n\r\n';
    const expected = result([comment('c'), ev('a', 'data: a\r\n: c\r\nid: 1\r\n\r\n', 'message', '1'), noData('event: x\r\n\r\n', '1', false, 'x')]);
    const bytes = enc.encode(s);
    for (let k = 0; k < 40; k++) {
      const rnd = prng(500 + k);
      const chunks: Uint8Array[] = [];
      let i = 0;
      while (i < bytes.length) {
        let n = 1 + Math.floor(rnd() * 6);
        if (bytes[i + n - 1] === 13 && bytes[i + n] === 10) n++; // never split CR|LF
        chunks.push(bytes.subarray(i, i + n));
        i += n;
      }
      expect(run(chunks), `seed ${500 + k}`).toEqual(expected);
    }
  });
});

describe('field parsing', () => {
  it('a line starting with ":" is a comment (one leading space removed), not a field', () => {
    const s = ':data: no\n: two  spaces\n:\n::\ndata: yes\n\n';
    check(s, result([comment('data: no'), comment('two  spaces'), comment(''), comment(':'), ev('yes', s)]));
  });

  it('splits at the first colon only', () => {
    check('data: a: b:c\nevent:x:y\n\n', result([ev('a: b:c', 'data: a: b:c\nevent:x:y\n\n', 'x:y')]));
  });

  it('removes a single leading space of the value, no more, and nothing else', () => {
    const s = 'data:  two\ndata:\tt\ndata: trailing \n\n';
    check(s, result([ev(' two\n\tt\ntrailing ', s)]));
  });

  it('a line without a colon is a field name with an empty value', () => {
    // "event" alone resets the type to '' (so 'message'); "data" alone adds an empty line.
    const s = 'event: x\nevent\ndata\ndata: b\n\n';
    check(s, result([ev('\nb', s)]));
  });

  it('ignores unknown fields, and field names are case-sensitive and exact', () => {
    const s = 'foo: bar\nDATA: up\nData: cap\ndata : sp\n data: lead\ndata: real\n\n';
    check(
      s,
      result([unknown('foo', 'bar'), unknown('DATA', 'up'), unknown('Data', 'cap'), unknown('data ', 'sp'), unknown(' data', 'lead'), ev('real', s)]),
    );
  });
});

describe('data and dispatch', () => {
  it('appends each data value and a LF, and removes only the last LF at dispatch', () => {
    const s = 'data: a\ndata:\ndata\n\n';
    check(s, result([ev('a\n\n', s)]));
  });

  it('an empty data buffer at a blank line dispatches nothing, but resets the event type', () => {
    const s = 'event: foo\n\ndata: x\n\n';
    check(s, result([noData('event: foo\n\n', '', false, 'foo'), ev('x', 'data: x\n\n')]));
  });

  it('blank lines and comment-only blocks report nothing but their comments', () => {
    check('\n\n\r\n: ping\n\n:\r\rdata: x\n\n\n', result([comment('ping'), comment(''), ev('x', 'data: x\n\n')]));
  });

  it('a block with fields but no data is reported as no-data, with its raw text', () => {
    const s = 'id: 5\n\nid: 5\n\nretry: 300\nevent: t\n\n';
    check(s, result([noData('id: 5\n\n', '5', true), noData('id: 5\n\n', '5', false), retry(300), noData('retry: 300\nevent: t\n\n', '5', false, 't')]));
  });
});

describe('event type', () => {
  it('sets the type; "message" when empty; it does not carry over to the next event', () => {
    const s = 'event: a\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\nevent: b\nevent: c\ndata: 4\n\n';
    check(
      s,
      result([
        ev('1', 'event: a\ndata: 1\n\n', 'a'),
        ev('2', 'data: 2\n\n'),
        ev('3', 'event:\ndata: 3\n\n'),
        ev('4', 'event: b\nevent: c\ndata: 4\n\n', 'c'),
      ]),
    );
  });
});

describe('id', () => {
  it('persists across events until set again; an empty value resets it to ""', () => {
    const s = 'id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: 8\ndata: d\n\nid:\ndata: e\n\n';
    check(
      s,
      result([
        ev('a', 'id: 7\ndata: a\n\n', 'message', '7'),
        ev('b', 'data: b\n\n', 'message', '7'),
        ev('c', 'id\ndata: c\n\n', 'message', ''),
        ev('d', 'id: 8\ndata: d\n\n', 'message', '8'),
        ev('e', 'id:\ndata: e\n\n', 'message', ''),
      ]),
    );
  });

  it('is set by the field itself, wherever it is in the block (even after data)', () => {
    check('data: a\nid: 3\n\n', result([ev('a', 'data: a\nid: 3\n\n', 'message', '3')]));
  });

  it('ignores an id containing U+0000', () => {
    const s = 'id: 1\ndata: a\n\nid: 2\u00003\ndata: b\n\nid: \u0000\ndata: c\n\n';
    check(
      s,
      result([
        ev('a', 'id: 1\ndata: a\n\n', 'message', '1'),
        nulId('2\u00003'),
        ev('b', 'id: 2\u00003\ndata: b\n\n', 'message', '1'),
        nulId('\u0000'),
        ev('c', 'id: \u0000\ndata: c\n\n', 'message', '1'),
      ]),
    );
  });

  it('an id set in the unterminated last block is not reported', () => {
    const records: SseRecord[] = [];
    const p = new SseParser((r) => records.push(r));
    p.feed('id: 1\ndata: a\n\nid: 2\ndata: b\n');
    expect(p.end()).toEqual({ discarded: 'id: 2\ndata: b\n' });
    expect(records).toEqual([ev('a', 'id: 1\ndata: a\n\n', 'message', '1')]);
  });

  it('starts from options.lastEventId, and end() keeps it for the next connection', () => {
    const records: SseRecord[] = [];
    const p = new SseParser((r) => records.push(r), { lastEventId: '41' });
    p.feed('data: a\n\nid: 42\ndata: b\n\n');
    expect(p.lastEventId).toBe('42');
    expect(p.end()).toEqual({ discarded: '' });
    p.feed('\uFEFFdata: c\n\n'); // a new stream: its BOM is stripped again
    expect(records).toEqual([
      ev('a', 'data: a\n\n', 'message', '41'),
      ev('b', 'id: 42\ndata: b\n\n', 'message', '42'),
      ev('c', 'data: c\n\n', 'message', '42'),
    ]);
    expect(run(['data: x\n\n'], '9')).toEqual(result([ev('x', 'data: x\n\n', 'message', '9')]));
  });
});

describe('retry', () => {
  it('sets the reconnection time when the value is ASCII digits only', () => {
    const s = 'retry: 10000\nretry:0\nretry: 007\n\n';
    check(s, result([retry(10000), retry(0), retry(7), noData(s)]));
  });

  it('ignores a value with anything but ASCII digits, or none', () => {
    const s = 'retry: 10a\nretry: 1.5\nretry: -1\nretry: +1\nretry:\nretry\nretry:  5\nretry: 5 \nretry: \u0661\u0662\nretry: 1e3\n\n';
    check(
      s,
      result([
        badRetry('10a'),
        badRetry('1.5'),
        badRetry('-1'),
        badRetry('+1'),
        badRetry(''),
        badRetry(''),
        badRetry(' 5'),
        badRetry('5 '),
        badRetry('\u0661\u0662'),
        badRetry('1e3'),
        noData(s),
      ]),
    );
  });

  it('is reported where it occurs, between the events around it', () => {
    const s = 'data: a\n\nretry: 5\ndata: b\n\nretry: 6\n';
    check(s, result([ev('a', 'data: a\n\n'), retry(5), ev('b', 'retry: 5\ndata: b\n\n'), retry(6)], 'retry: 6\n'));
  });
});

describe('end of stream', () => {
  it('does not dispatch an unterminated last event, and reports its raw text as discarded', () => {
    check('data: a\n\ndata: b\n', result([ev('a', 'data: a\n\n')], 'data: b\n'));
    check('data: a\n\ndata: b', result([ev('a', 'data: a\n\n')], 'data: b'));
    check('data: a\n\nevent: x\r\ndata: b\r\ndata', result([ev('a', 'data: a\n\n')], 'event: x\r\ndata: b\r\ndata'));
  });

  it('discards nothing when the stream ends on a blank line (a final CR is a line end)', () => {
    check('data: a\n\n', result([ev('a', 'data: a\n\n')]));
    check('data: a\n\r', result([ev('a', 'data: a\n\r')]));
    check('', result([]));
  });

  it('does not apply a field on an unterminated last line', () => {
    check('data: a\n\nretry: 5', result([ev('a', 'data: a\n\n')], 'retry: 5'));
  });
});

describe('comments and retry are reported in wire order', () => {
  it('before, inside and after events', () => {
    const s = ': one\ndata: a\n: two\n\nretry: 1\n: three\ndata: b\n\n: four\n';
    check(
      s,
      result(
        [comment('one'), comment('two'), ev('a', ': one\ndata: a\n: two\n\n'), retry(1), comment('three'), ev('b', 'retry: 1\n: three\ndata: b\n\n'), comment('four')],
        ': four\n',
      ),
    );
  });
});

describe('the project’s seed scenarios', () => {
  it('one-shot: "data: The server time is: X"', () => {
    const s = 'data: The server time is: X\n\n';
    check(s, result([ev('The server time is: X', s)]));
  });

  it('counter: "id: 1\\ndata: T;"', () => {
    const s = 'id: 1\ndata: T;\n\n';
    check(s, result([ev('T;', s, 'message', '1')]));
  });

  it('custom event with a comment', () => {
    const s = "data:10:00:00\n\n: '这是注释！'\nevent: myEvent\ndata:2026\n\n";
    check(s, result([ev('10:00:00', 'data:10:00:00\n\n'), comment("'这是注释！'"), ev('2026', ": '这是注释！'\nevent: myEvent\ndata:2026\n\n", 'myEvent')]));
  });

  it('retry then a custom event', () => {
    const s = 'retry: 10000\nevent: connecttime\ndata: D\n\n';
    check(s, result([retry(10000), ev('D', s, 'connecttime')]));
  });

  it('a comment inside a JSON event', () => {
    const s = 'event:onTimeChanged\n:This is a Comment\ndata: {"foo":1,"name":"xutao"}\n\n';
    check(s, result([comment('This is a Comment'), ev('{"foo":1,"name":"xutao"}', s, 'onTimeChanged')]));
  });
});

describe('large input', () => {
  it('a long line arriving in many small chunks', () => {
    const big = 'x'.repeat(200_000);
    const chunks: string[] = ['data: '];
    for (let i = 0; i < big.length; i += 7) chunks.push(big.slice(i, i + 7));
    chunks.push('\n\n');
    expect(run(chunks)).toEqual(result([ev(big, `data: ${big}\n\n`)]));
  });

  it('many events in one chunk', () => {
    let s = '';
    const expected: SseRecord[] = [];
    for (let i = 0; i < 5000; i++) {
      const block = `id: ${i}\nevent: e${i % 3}\ndata: ${i}\ndata: ${'y'.repeat(i % 50)}\n\n`;
      s += block;
      expected.push(ev(`${i}\n${'y'.repeat(i % 50)}`, block, `e${i % 3}`, String(i)));
    }
    expect(run([enc.encode(s)])).toEqual(result(expected));
  });
});

describe('random streams against the spec-literal oracle', () => {
  const pieces: (string | number[])[] = [
    'data', 'data:', 'data: ', 'event:', 'event: ', 'id:', 'id: ', 'retry:', 'retry: ', 'foo:', ':', ': ',
    'x', 'abc', '12', 'é', '你', '😀', '\0', '\uFEFF', ' ', '\n', '\r', '\r\n', '\n\n', '\r\n\r\n',
    [0xff], [0xe4, 0xbd], [0xef, 0xbb, 0xbf], [0xf0, 0x9f],
  ];
  it('agrees on 300 random streams, each fed whole, byte by byte and 40 random ways', () => {
    const rnd = prng(20260101);
    for (let n = 0; n < 300; n++) {
      const parts: (string | number[])[] = rnd() < 0.3 ? ['\uFEFF'] : [];
      const len = 1 + Math.floor(rnd() * 40);
      for (let i = 0; i < len; i++) parts.push(pieces[Math.floor(rnd() * pieces.length)]!);
      const bytes = cat(...parts);
      const expected = reference(bytes);
      for (const way of ways(bytes, n + 7)) {
        let got = run(way.chunks);
        if (way.label !== 'whole' && splitsCRLF(way.chunks)) got = allowSplitCRLF(got, expected);
        expect(got, `stream ${n} ${JSON.stringify(new TextDecoder().decode(bytes))}, ${way.label}`).toEqual(expected);
      }
    }
  });
});

describe('save() and a parser made from its state', () => {
  const pieces = ['data', 'data: ', 'event: ', 'id: ', 'retry: ', 'foo:', ': ', 'x', 'abc', '12', 'é', '😀', '\0', '\uFEFF', '\n', '\r', '\r\n', '\n\n', '\r\n\r\n'];
  /** Feeds the chunks to one parser, or to a new parser (from the last one's saved state) per chunk. */
  function feed(chunks: string[], restoreEachTime: boolean): Result {
    const records: SseRecord[] = [];
    let parser = new SseParser((r) => records.push(r));
    for (const c of chunks) {
      if (restoreEachTime) parser = new SseParser((r) => records.push(r), JSON.parse(JSON.stringify(parser.save())));
      parser.feed(c);
    }
    return { records, ...parser.end() };
  }

  it('goes on exactly as the saved parser would, at any chunk boundary (200 random streams)', () => {
    const rnd = prng(424242);
    for (let n = 0; n < 200; n++) {
      let text = '';
      const len = 1 + Math.floor(rnd() * 60);
      for (let i = 0; i < len; i++) text += pieces[Math.floor(rnd() * pieces.length)]!;
      const chunks: string[] = [];
      for (let at = 0; at < text.length; ) {
        const size = 1 + Math.floor(rnd() * 8);
        chunks.push(text.slice(at, at + size));
        at += size;
      }
      expect(feed(chunks, true), `stream ${n} ${JSON.stringify(text)}`).toEqual(feed(chunks, false));
    }
  });

  it('keeps a line split over several chunks, and the last event id', () => {
    const records: SseRecord[] = [];
    const first = new SseParser((r) => records.push(r), { lastEventId: '7' });
    first.feed('data: a');
    first.feed('b');
    first.feed('c\r');
    const state = first.save();
    expect(state).toMatchObject({ carry: '', skipLF: true, data: 'abc', dataLines: 1, id: '7' });
    const second = new SseParser((r) => records.push(r), state);
    second.feed('\n\r\n');
    expect(records).toEqual([ev('abc', 'data: abc\r\n\r\n', 'message', '7')]);
    const third = new SseParser((r) => records.push(r), second.save());
    third.feed('data: long');
    third.feed(' line');
    expect(third.save().carry).toBe('data: long line');
  });
});
