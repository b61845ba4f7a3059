import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../src/shared/model';
import { SseParser, type SseRecord } from '../src/shared/sse/parser';
import { toSse } from '../src/shared/sse/format';
import { prng } from './support/prng';

const event = (type: string, id: string, data: string) => ({ kind: 'event', type, id, data }) as const;

function parse(text: string): SseRecord[] {
  const records: SseRecord[] = [];
  const parser = new SseParser((r) => records.push(r));
  parser.feed(text);
  expect(parser.end().discarded).toBe('');
  return records;
}

describe('toSse', () => {
  it('writes a message event as data lines only, ending with a blank line', () => {
    expect(toSse(event('message', '', 'hello'))).toBe('data: hello\n\n');
  });

  it('writes event: for other types, id: when set, and one data: line per line', () => {
    expect(toSse(event('myEvent', '7', 'a\nb'))).toBe('event: myEvent\nid: 7\ndata: a\ndata: b\n\n');
  });

  it('keeps empty lines and leading spaces of the data', () => {
    expect(toSse(event('message', '', ''))).toBe('data:\n\n');
    expect(toSse(event('message', '', '\n x'))).toBe('data:\ndata:  x\n\n');
  });

  it('writes a CR in the data as the line break a reader would see', () => {
    expect(toSse(event('message', '', 'a\r\nb\rc'))).toBe('data: a\ndata: b\ndata: c\n\n');
  });

  it('writes comments and retry as their lines', () => {
    expect(toSse({ kind: 'comment', type: '', id: '', data: 'keep-alive\nagain' })).toBe(': keep-alive\n: again\n\n');
    expect(toSse({ kind: 'retry', type: '', id: '', data: '10000' })).toBe('retry: 10000\n\n');
  });

  it('writes id: only when it differs from the previous id, including a reset to empty', () => {
    expect(toSse(event('message', '5', 'x'), '5')).toBe('data: x\n\n');
    expect(toSse(event('message', '', 'x'), '5')).toBe('id:\ndata: x\n\n');
  });

  it('reads back, through the parser, as the same events (random types, ids and data)', () => {
    const random = prng(6);
    const pick = (alphabet: string, max: number) =>
      Array.from({ length: Math.floor(random() * max) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    const events = Array.from({ length: 300 }, () =>
      event(random() < 0.3 ? 'message' : pick('abc:é ', 6) || 'message', pick('0123 :x', 4), pick('ab \n:{}"é😀', 20)),
    );
    let text = '';
    let previousId = '';
    for (const e of events) {
      text += toSse(e, previousId);
      previousId = e.id;
    }
    const parsed = parse(text).filter((r): r is Extract<SseRecord, { kind: 'event' }> => r.kind === 'event');
    expect(parsed.map(({ type, id, data }) => event(type, id, data))).toEqual(events);
  });

  it('a captured record reads back as itself', () => {
    const record: Pick<EventRecord, 'kind' | 'type' | 'id' | 'data'> = event('onTimeChanged', '99', '{"foo":1,\n"name":"xutao"}');
    expect(parse(toSse(record))).toEqual([{ kind: 'event', type: 'onTimeChanged', id: '99', data: '{"foo":1,\n"name":"xutao"}', raw: toSse(record) }]);
  });
});
