// Throughput of our SSE parser (src/shared/sse/parser.ts) against the npm package
// eventsource-parser, on the same generated stream, in the same run.
//
//   npx tsx bench/parser.ts [--mb 64] [--runs 11]
//
// eventsource-parser is a dev dependency, kept for this comparison (and the evaluation tests).
// Both parsers get the same Uint8Array chunks (random sizes, 1 B to 64 KiB): ours decodes them
// itself; eventsource-parser gets them through a streaming TextDecoder, as it takes strings. Each
// run builds a fresh parser and counts events and data characters, so both do the same work.
// A second mode feeds both the same chunks already decoded, to show the parsing alone (UTF-8
// decoding is about half the cost of the bytes mode, and the same for both).
// Reported: median MB/s (MB = 10^6 bytes of stream) over the runs, and the ratio, both of the
// medians and as the median of the ratios of back-to-back pairs (steadier on a busy machine).
// The two parsers alternate, and which goes first alternates too. The code is in parser-core.ts.
import { loadavg } from 'node:os';
import { runParserBench } from './parser-core';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? undefined : process.argv[i + 1];
  return v === undefined ? dflt : Number(v);
}

await runParserBench({ mb: arg('mb', 64), runs: arg('runs', 11), log: (s) => console.log(s) });
console.log(`load average: ${loadavg().map((x) => x.toFixed(2)).join(' / ')}`);
