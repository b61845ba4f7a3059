// Incremental text/event-stream parser for a debugger.
//
// It interprets a stream exactly as the WHATWG HTML Standard's "Interpreting an event stream"
// (§9.2.6) does, so every `event` record is an event a browser's EventSource dispatches, with
// the same type, data and lastEventId. On top of that it reports what EventSource drops:
// comments, retry fields, ignored fields, blocks that dispatch nothing, the raw wire text of
// each block, and the unterminated block a stream ends with.
//
// Allocation-light: one string per decoded chunk (and one per line split across chunks), slices of
// it for values and raw text, one object per record. Line ends are found with indexOf.

/** What a stream said, in wire order. */
export type SseRecord =
  /** A block ended by a blank line with a non-empty data buffer: EventSource dispatches it. */
  | {
      kind: 'event';
      /** The event type buffer, or 'message' when it is empty. */
      type: string;
      /** The data buffer without its final LF. */
      data: string;
      /** The last event ID at dispatch (the event's lastEventId): it persists across events. */
      id: string;
      /** The block's lines as on the wire (comments included) with their line ends, including
       *  the blank line. See the note on split CRLF in SseParser. */
      raw: string;
    }
  /** A block ended by a blank line whose data buffer was empty: EventSource dispatches nothing,
   *  but its last event ID becomes `id` and the event type buffer (`type`) is thrown away.
   *  Only for blocks with at least one field line; comment-only blocks give just their comments. */
  | { kind: 'no-data'; type: string; id: string; idChanged: boolean; raw: string }
  /** A comment line (`:...`): the text after the colon, one leading space removed. */
  | { kind: 'comment'; text: string }
  /** A valid `retry` field: the new reconnection time, in milliseconds. */
  | { kind: 'retry'; ms: number }
  /** A field line EventSource ignores. */
  | { kind: 'ignored'; field: string; value: string; reason: 'unknown-field' | 'invalid-retry' | 'nul-in-id' };

export interface SseParserOptions {
  /** The last event ID to start from: a browser keeps it across reconnections. Default ''. */
  lastEventId?: string;
}

/**
 * Where a parser fed with text stands between two chunks (plain data, so it can be stored):
 * a parser made from it goes on exactly as the saved one would have.
 */
export interface SseParserState {
  started: boolean;
  skipLF: boolean;
  /** The unterminated line. */
  carry: string;
  blockRaw: string;
  blockFields: boolean;
  blockStartId: string;
  data: string;
  dataLines: number;
  type: string;
  id: string;
}

const LF = 10;
const SPACE = 32;
const COLON = 58;
const BOM = 0xfeff;
const STREAM: TextDecodeOptions = { stream: true };

/**
 * Feed it the response body, chunk by chunk, as bytes (decoded as UTF-8, bad bytes becoming
 * U+FFFD) or as already decoded text; records are passed to `onRecord` synchronously, in wire
 * order. Call end() when the body ends: it reports the unterminated trailing block, which
 * EventSource discards, and readies the parser for the next connection (keeping lastEventId,
 * as a browser does).
 *
 * Line ends are found as soon as they arrive, so a block ending in CR is dispatched at once even
 * if the next chunk may start with LF (as a browser does). When that LF does arrive, it is
 * consumed as the second half of the CRLF; if the CR ended the blank line of a block already
 * reported, that one LF is in no record's `raw` (the only case where `raw` misses a character).
 *
 * onRecord must not call feed() or end(); if it throws, the error propagates and the parser is
 * left mid-chunk: start a new one.
 */
export class SseParser {
  private readonly onRecord: (r: SseRecord) => void;
  private decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  /** Bytes were decoded in streaming mode since the last flush: the decoder may hold a partial character. */
  private decoding = false;
  /** The first character of the stream has been seen (and a BOM there removed). */
  private started = false;
  /** The text seen so far ended with CR: a LF starting the next text ends the same line. */
  private skipLF = false;
  /** Start of an unterminated line, in pieces (joined once its line end arrives). */
  private carry: string[] = [];
  /** Raw text of the open block's complete lines from earlier chunks. */
  private blockRaw = '';
  /** The open block has a field line (anything but comments). */
  private blockFields = false;
  /** The last event ID when the open block started. */
  private blockStartId: string;
  private data = '';
  private dataLines = 0;
  private type = '';
  private id: string;

  constructor(onRecord: (r: SseRecord) => void, options: SseParserOptions | SseParserState = {}) {
    this.onRecord = onRecord;
    if ('started' in options) {
      this.started = options.started;
      this.skipLF = options.skipLF;
      if (options.carry !== '') this.carry.push(options.carry);
      this.blockRaw = options.blockRaw;
      this.blockFields = options.blockFields;
      this.blockStartId = options.blockStartId;
      this.data = options.data;
      this.dataLines = options.dataLines;
      this.type = options.type;
      this.id = options.id;
    } else {
      this.id = options.lastEventId ?? '';
      this.blockStartId = this.id;
    }
  }

  /**
   * Its state, for a parser that goes on later (new SseParser(onRecord, state)). Only for a
   * parser fed with text: bytes may leave a partial character in the decoder, which is not saved.
   */
  save(): SseParserState {
    const carry = this.carry.length > 1 ? this.carry.join('') : (this.carry[0] ?? '');
    if (this.carry.length > 1) this.carry = [carry];
    const { started, skipLF, blockRaw, blockFields, blockStartId, data, dataLines, type, id } = this;
    return { started, skipLF, carry, blockRaw, blockFields, blockStartId, data, dataLines, type, id };
  }

  /** The last event ID buffer: what the next event will carry. */
  get lastEventId(): string {
    return this.id;
  }

  feed(chunk: Uint8Array | string): void {
    let text: string;
    if (typeof chunk === 'string') {
      text = chunk;
      if (this.decoding) {
        // Earlier bytes ended in a partial character: text cannot complete it, so it is U+FFFD.
        text = this.decoder.decode() + text;
        this.decoding = false;
      }
    } else {
      text = this.decoder.decode(chunk, STREAM);
      this.decoding = true;
    }
    if (text === '') return;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === BOM) {
        text = text.slice(1);
        if (text === '') return;
      }
    }
    let pos = 0;
    let blockStart = 0;
    if (this.skipLF) {
      this.skipLF = false;
      if (text.charCodeAt(0) === LF) {
        pos = 1;
        // The CR ended a line of the open block (its raw is kept): the LF is part of it.
        // Otherwise the CR ended a blank line and its block is gone.
        if (this.blockRaw === '') blockStart = 1;
      }
    }
    const carry = this.carry;
    if (carry.length > 0) {
      // A line began in earlier chunks (and pos is 0). Keep a long line that arrives in many
      // chunks linear: join its pieces only once it ends, and join only that line, not the
      // whole chunk.
      const lf = text.indexOf('\n');
      const cr = text.indexOf('\r');
      if (lf === -1 && cr === -1) {
        carry.push(text);
        return;
      }
      let k: number; // just past the line end
      if (cr === -1 || (lf !== -1 && lf < cr)) k = lf + 1;
      else k = cr + 1 < text.length && text.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
      carry.push(k === text.length ? text : text.slice(0, k));
      const line = carry.join('');
      carry.length = 0;
      this.process(line, 0, 0);
      if (k === text.length) return;
      pos = k;
      blockStart = k;
    }
    this.process(text, pos, blockStart);
  }

  /**
   * The stream ended. Returns the raw text after its last blank line: the unterminated block
   * (and unterminated last line) EventSource discards; '' if the stream ended on a blank line.
   * The parser is then ready for a new stream; lastEventId is kept.
   */
  end(): { discarded: string } {
    let tail = '';
    if (this.decoding) {
      tail = this.decoder.decode(); // a truncated character becomes U+FFFD
      this.decoding = false;
    }
    const discarded = this.blockRaw + this.carry.join('') + tail;
    this.started = false;
    this.skipLF = false;
    this.carry.length = 0;
    this.blockRaw = '';
    this.blockFields = false;
    this.blockStartId = this.id;
    this.data = '';
    this.dataLines = 0;
    this.type = '';
    return { discarded };
  }

  private process(t: string, pos: number, blockStart: number): void {
    const emit = this.onRecord;
    const len = t.length;
    // Hot state in locals; written back at the end.
    let data = this.data;
    let dataLines = this.dataLines;
    let fields = this.blockFields;
    let blockRaw = this.blockRaw;
    let lf = t.indexOf('\n', pos);
    let cr = t.indexOf('\r', pos);
    let colon = -2; // next ':' at or after the line start; -2: not searched yet, -1: none
    let endsWithCR = false;
    for (;;) {
      if (lf !== -1 && lf < pos) lf = t.indexOf('\n', pos);
      if (cr !== -1 && cr < pos) cr = t.indexOf('\r', pos);
      let end: number;
      let next: number;
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        if (lf === -1) break;
        end = lf;
        next = lf + 1;
      } else {
        end = cr;
        next = cr + 1;
        if (next === len) endsWithCR = true;
        else if (t.charCodeAt(next) === LF) next++;
      }
      const start = pos;
      pos = next;

      if (start === end) {
        // Blank line: dispatch.
        if (fields) {
          const raw = blockRaw === '' ? t.slice(blockStart, next) : blockRaw + t.slice(blockStart, next);
          if (dataLines > 0) {
            emit({ kind: 'event', type: this.type === '' ? 'message' : this.type, data, id: this.id, raw });
            data = '';
            dataLines = 0;
          } else {
            emit({ kind: 'no-data', type: this.type, id: this.id, idChanged: this.id !== this.blockStartId, raw });
          }
          this.type = '';
          this.blockStartId = this.id;
          fields = false;
        }
        blockRaw = '';
        blockStart = next;
        continue;
      }

      const c0 = t.charCodeAt(start);
      if (c0 === COLON) {
        const from = start + 1 < end && t.charCodeAt(start + 1) === SPACE ? start + 2 : start + 1;
        emit({ kind: 'comment', text: t.slice(from, end) });
        continue;
      }
      fields = true;
      // Fast path: "data:" (the commonest line).
      if (c0 === 100 && t.startsWith('data:', start)) {
        const from = start + 5 < end && t.charCodeAt(start + 5) === SPACE ? start + 6 : start + 5;
        const value = t.slice(from, end);
        data = dataLines === 0 ? value : data + '\n' + value;
        dataLines++;
        continue;
      }
      if (colon !== -1 && colon < start) colon = t.indexOf(':', start);
      if (colon === -1 || colon >= end) {
        // No colon: the whole line is the field name, the value is empty.
        if (end - start === 4 && t.startsWith('data', start)) {
          data = dataLines === 0 ? '' : data + '\n';
          dataLines++;
        } else this.field(t, start, end, end, end);
      } else {
        this.field(t, start, colon, colon + 1 < end && t.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1, end);
      }
    }
    if (pos < len) this.carry.push(t.slice(pos));
    if (blockStart < pos) blockRaw = blockRaw === '' ? t.slice(blockStart, pos) : blockRaw + t.slice(blockStart, pos);
    this.blockRaw = blockRaw;
    this.data = data;
    this.dataLines = dataLines;
    this.blockFields = fields;
    this.skipLF = endsWithCR;
  }

  /** A field line other than data: name is t[start, nameEnd), value t[from, end). */
  private field(t: string, start: number, nameEnd: number, from: number, end: number): void {
    const n = nameEnd - start;
    if (n === 5 && t.startsWith('event', start)) {
      this.type = t.slice(from, end);
    } else if (n === 2 && t.startsWith('id', start)) {
      const value = t.slice(from, end);
      if (value.indexOf('\0') === -1) this.id = value;
      else this.onRecord({ kind: 'ignored', field: 'id', value, reason: 'nul-in-id' });
    } else if (n === 5 && t.startsWith('retry', start)) {
      let i = from;
      while (i < end && t.charCodeAt(i) >= 48 && t.charCodeAt(i) <= 57) i++;
      const value = t.slice(from, end);
      // Only ASCII digits, and at least one (Chromium and Firefox ignore an empty value).
      if (i === end && end > from) this.onRecord({ kind: 'retry', ms: Number(value) });
      else this.onRecord({ kind: 'ignored', field: 'retry', value, reason: 'invalid-retry' });
    } else {
      this.onRecord({ kind: 'ignored', field: t.slice(start, nameEnd), value: t.slice(from, end), reason: 'unknown-field' });
    }
  }
}
