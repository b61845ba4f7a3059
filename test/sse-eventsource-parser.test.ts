import { createParser } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { SseParser, type SseRecord } from '../src/shared/sse/parser';
import { prng } from './support/prng';

// Why src/shared/sse has its own parser rather than the npm package eventsource-parser: the
// evidence, kept runnable. The package is a dev dependency only (for this and the parser
// benchmark). If a new version makes one of the "does not" tests fail, look at it again.

interface EsMessage {
  id?: string | undefined;
  event?: string | undefined;
  data: string;
}
interface EsModule {
  createParser(callbacks: {
    onEvent?: (e: EsMessage) => void;
    onId?: (id: string) => void;
    onRetry?: (ms: number) => void;
    onComment?: (c: string) => void;
  }): { feed(chunk: string): void; reset(options?: { consume?: boolean }): void };
}

const mod: EsModule = { createParser };

type Seen = { kind: 'event'; type: string; data: string; id: string } | { kind: 'comment'; text: string } | { kind: 'retry'; ms: number };

/** The thinnest wrapper that makes it EventSource-like: bytes in, a last event ID that persists, 'message' by default. */
function viaPackage(m: EsModule, chunks: Uint8Array[]): Seen[] {
  const out: Seen[] = [];
  let lastId = '';
  const p = m.createParser({
    onId: (id) => (lastId = id),
    onEvent: (e) => out.push({ kind: 'event', type: e.event || 'message', data: e.data, id: lastId }),
    onRetry: (ms) => out.push({ kind: 'retry', ms }),
    onComment: (text) => out.push({ kind: 'comment', text }),
  });
  // ignoreBOM: true leaves the BOM to the package (a default TextDecoder strips one more).
  const dec = new TextDecoder('utf-8', { ignoreBOM: true });
  for (const c of chunks) p.feed(dec.decode(c, { stream: true }));
  p.feed(dec.decode());
  return out;
}

function viaOurs(chunks: Uint8Array[]): Seen[] {
  const out: Seen[] = [];
  const p = new SseParser((r: SseRecord) => {
    if (r.kind === 'event') out.push({ kind: 'event', type: r.type, data: r.data, id: r.id });
    else if (r.kind === 'comment' || r.kind === 'retry') out.push(r);
  });
  for (const c of chunks) p.feed(c);
  p.end();
  return out;
}

const enc = new TextEncoder();

describe('eventsource-parser (evaluated, not used)', () => {
  const m = mod!;

  it('with a thin wrapper, agrees with SseParser on events, comments and retry: random streams, whole, byte by byte and random chunks', () => {
    const pieces = ['data', 'data:', 'data: ', 'event:', 'id: ', 'id:', 'retry: ', 'retry:', 'foo:', ': ', ':', 'x', '12', 'é', '你', '\0', '\uFEFF', ' ', '\n', '\r', '\r\n', '\n\n'];
    const rnd = prng(99);
    for (let n = 0; n < 300; n++) {
      let s = rnd() < 0.3 ? '\uFEFF' : '';
      for (let i = 1 + Math.floor(rnd() * 40); i > 0; i--) s += pieces[Math.floor(rnd() * pieces.length)];
      const b = enc.encode(s);
      const single = Array.from(b, (_, i) => b.subarray(i, i + 1));
      const random: Uint8Array[] = [];
      for (let i = 0; i < b.length; ) {
        const k = 1 + Math.floor(rnd() * 7);
        random.push(b.subarray(i, i + k));
        i += k;
      }
      for (const chunks of [[b], single, random]) expect(viaPackage(m, chunks), JSON.stringify(s)).toEqual(viaOurs(chunks));
    }
  });

  it('does not keep the last event ID across events by itself: the wrapper has to (onId)', () => {
    const events: EsMessage[] = [];
    const p = m.createParser({ onEvent: (e) => events.push(e) });
    p.feed('id: 7\ndata: a\n\ndata: b\n\n');
    expect(events.map((e) => e.id)).toEqual(['7', undefined]); // EventSource: '7', '7'
  });

  it('does not follow the spec on a stream starting "ï»¿" (a mojibake BOM): it dispatches an event EventSource never does', () => {
    const b = enc.encode('\u00EF\u00BB\u00BFdata: x\n\n');
    expect(viaPackage(m, [b])).toEqual([{ kind: 'event', type: 'message', data: 'x', id: '' }]);
    expect(viaOurs([b])).toEqual([]); // the field name is "ï»¿data": unknown, ignored
  });

  it('does not expose the raw text of an event, nor its lines', () => {
    const events: object[] = [];
    const p = m.createParser({ onEvent: (e) => events.push(e) });
    p.feed('event: x\r\n: note\r\nid: 1\r\ndata: a\r\n\r\n');
    expect(events).toHaveLength(1);
    expect(Object.keys(events[0]!).sort()).toEqual(['data', 'event', 'id']);
    expect(Object.keys(p).sort()).toEqual(['feed', 'reset']);
  });

  it('does not report the unterminated last event: reset({ consume: true }) drops it silently', () => {
    const events: EsMessage[] = [];
    const p = m.createParser({ onEvent: (e) => events.push(e) });
    p.feed('data: a\n\ndata: b\n');
    p.reset({ consume: true });
    expect(events.map((e) => e.data)).toEqual(['a']);
  });
});
