// Throughput of our SSE parser (src/shared/sse/parser.ts) against the npm package
// eventsource-parser, on the same generated stream, in the same run (bench/parser.ts is the
// command; bench/run.ts runs it too). See bench/README.md for the method.
import { SseParser, type SseRecord } from '../src/shared/sse/parser';
import { utf8Length } from '../src/shared/text';
import { prng } from '../test/support/prng';

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'stream', 'event', 'value', 'token', '你好', 'café', 'naïve', 'update'];

/** A stream of typical events of mixed sizes, `nl` as the line end. */
function generate(targetBytes: number, nl: string, seed: number): Uint8Array {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const text = (n: number) => {
    let s = '';
    while (s.length < n) s += WORDS[int(WORDS.length)] + ' ';
    return s;
  };
  const parts: string[] = [];
  let size = 0;
  let seq = 0;
  while (size < targetBytes) {
    const r = rnd();
    let ev: string;
    seq++;
    if (r < 0.6) {
      // small JSON tick with id and type (~120 B)
      ev = `id: ${seq}${nl}event: tick${nl}data: {"seq":${seq},"time":"2026-01-01T10:00:${String(seq % 60).padStart(2, '0')}Z","value":${rnd().toFixed(6)}}${nl}${nl}`;
    } else if (r < 0.8) {
      ev = `data: ${text(200 + int(800))}${nl}${nl}`; // one text line, 0.2–1 KB
    } else if (r < 0.9) {
      let lines = '';
      for (let i = 3 + int(18); i > 0; i--) lines += `data: ${text(40 + int(80))}${nl}`;
      ev = `event: log${nl}${lines}${nl}`; // multi-line data
    } else if (r < 0.95) {
      ev = `: heartbeat ${seq}${nl}${nl}`;
    } else if (r < 0.99) {
      ev = `id: ${seq}${nl}data: {"items":"${text(2000 + int(6000))}"}${nl}${nl}`; // 2–8 KB
    } else if (r < 0.995) {
      ev = `data: ${text(32_000 + int(96_000))}${nl}${nl}`; // 32–128 KB
    } else {
      ev = `retry: ${1000 + int(9000)}${nl}data: reconnect hint${nl}${nl}`;
    }
    parts.push(ev);
    size += utf8Length(ev);
  }
  return new TextEncoder().encode(parts.join(''));
}

/** Network-like chunks: random sizes from 1 B to 64 KiB, skewed small. */
function chunk(bytes: Uint8Array, seed: number): Uint8Array[] {
  const rnd = prng(seed);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; ) {
    const n = 1 + Math.floor(rnd() ** 2 * 65536);
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

interface Tally {
  events: number;
  chars: number;
}

type Chunks = Uint8Array[] | string[];

function runOurs(chunks: Chunks): Tally {
  const t: Tally = { events: 0, chars: 0 };
  const p = new SseParser((r: SseRecord) => {
    if (r.kind === 'event') {
      t.events++;
      t.chars += r.data.length;
    }
  });
  for (const c of chunks) p.feed(c);
  p.end();
  return t;
}

interface EsParserModule {
  createParser(config: { onEvent?: (e: { data: string; event?: string | undefined; id?: string | undefined }) => void }): {
    feed(chunk: string): void;
  };
}

function runTheirs(mod: EsParserModule, chunks: Chunks): Tally {
  const t: Tally = { events: 0, chars: 0 };
  const p = mod.createParser({
    onEvent: (e) => {
      t.events++;
      t.chars += e.data.length;
    },
  });
  if (typeof chunks[0] === 'string') {
    for (const c of chunks as string[]) p.feed(c);
  } else {
    const dec = new TextDecoder('utf-8', { ignoreBOM: true });
    const opts = { stream: true };
    for (const c of chunks as Uint8Array[]) p.feed(dec.decode(c, opts));
    p.feed(dec.decode());
  }
  return t;
}

function mbps(mb: number, f: () => Tally): number {
  const t0 = performance.now();
  f();
  return mb / ((performance.now() - t0) / 1000);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export interface ParserFigure {
  stream: 'LF' | 'CRLF';
  mode: 'bytes' | 'pre-decoded text';
  mb: number;
  chunks: number;
  events: number;
  oursMBps: number;
  theirsMBps: number;
  ratio: number;
  paired: number;
}

export async function runParserBench({ mb: targetMb, runs, log }: { mb: number; runs: number; log: (s: string) => void }): Promise<{ theirVersion: string; figures: ParserFigure[] }> {
  const theirs = (await import('eventsource-parser')) as EsParserModule;
  const { createRequire } = await import('node:module');
  const theirVersion = (createRequire(import.meta.url)('eventsource-parser/package.json') as { version: string }).version;
  log(`node ${process.version}, ${targetMb} MB streams, ${runs} runs each (median), chunks 1 B–64 KiB\n`);
  const figures: ParserFigure[] = [];
  for (const [label, nl] of [['LF', '\n'], ['CRLF', '\r\n']] as const) {
    const bytes = generate(targetMb * 1e6, nl, 1);
    const byteChunks = chunk(bytes, 2);
    const dec = new TextDecoder('utf-8', { ignoreBOM: true });
    const textChunks = byteChunks.map((c) => dec.decode(c, { stream: true }));
    const mb = bytes.length / 1e6;
    for (const [mode, chunks] of [['bytes', byteChunks], ['pre-decoded text', textChunks]] as const) {
      // Warm up both, and check that they agree.
      const a = runOurs(chunks);
      const b = runTheirs(theirs, chunks);
      if (a.events !== b.events || a.chars !== b.chars) throw new Error(`parsers disagree: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      const ours: number[] = [];
      const their: number[] = [];
      for (let i = 0; i < runs; i++) {
        const runA = () => ours.push(mbps(mb, () => runOurs(chunks)));
        const runB = () => their.push(mbps(mb, () => runTheirs(theirs, chunks)));
        if (i % 2 === 0) (runA(), runB());
        else (runB(), runA());
      }
      const o = median(ours);
      log(`${label} stream, ${mode}: ${mb.toFixed(1)} MB in ${chunks.length} chunks, ${a.events} events`);
      log(`  ours (SseParser)              ${o.toFixed(0).padStart(5)} MB/s   runs: ${ours.map((x) => x.toFixed(0)).join(' ')}`);
      const t = median(their);
      log(`  eventsource-parser ${theirVersion.padEnd(10)} ${t.toFixed(0).padStart(5)} MB/s   runs: ${their.map((x) => x.toFixed(0)).join(' ')}`);
      const paired = median(ours.map((x, i) => x / their[i]!));
      log(`  ratio ours / eventsource-parser: ${(o / t).toFixed(2)} (of medians), ${paired.toFixed(2)} (median of paired runs)`);
      log('');
      figures.push({ stream: label, mode, mb, chunks: chunks.length, events: a.events, oursMBps: o, theirsMBps: t, ratio: o / t, paired });
    }
  }
  return { theirVersion, figures };
}
