// The benchmark suite (npm run bench; not part of npm test). See bench/README.md for the method.
//
//   npm run bench -- [--only overhead,latency,create,idle,pipeline,panel,parser]
//                    [--browser chromium|firefox|both] [--runs 7] [--n 100000]
//                    [--pipeline-n 100000,300000]
//                    [--out artifacts/bench-<time>.json]
//
// SSE_DIST selects the build (as for scripts/launch.ts). Every figure is a ratio or a rate
// measured in this run; each section prints the machine's load average (os.loadavg()) with it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { DIST, type BrowserName } from '../scripts/launch';
import { launchPair, type CpuByKind, type Pair, type Share } from './browsers';
import { creation, firehose, firstCalls, floor, idle, latency, leaveAfterFetch, longestTask, p, ratios, requests, uploads, type Arms } from './overhead';
import { runParserBench } from './parser-core';
import { panelScale } from './panel-scale';
import { pipeline } from './pipeline';
import { startBenchServer } from './server';
import { f0, f2, int, load, loadText, median, table } from './stats';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string', default: 'overhead,latency,create,idle,pipeline,panel,parser' },
    browser: { type: 'string', default: 'both' },
    runs: { type: 'string', default: '7' },
    n: { type: 'string', default: '100000' },
    'pipeline-n': { type: 'string', default: '100000,300000' },
    'panel-events': { type: 'string', default: '200000' },
    'big-events': { type: 'string', default: '1000000' },
    'parser-mb': { type: 'string', default: '32' },
    out: { type: 'string' },
  },
});
const only = new Set(args.only.split(','));
const browsers: BrowserName[] = args.browser === 'both' ? ['chromium', 'firefox'] : [args.browser === 'firefox' ? 'firefox' : 'chromium'];
const runs = Number(args.runs);
const n = Number(args.n);
const out = args.out ?? `artifacts/bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;

const results: Record<string, unknown> = { startedAt: new Date().toISOString(), build: DIST, node: process.version, loadAtStart: load(), runs, n };
const say = (s = '') => console.log(s);
const save = () => {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 1)}\n`);
};

const armsLine = (label: string, a: Arms<number>, unit = 'ms') => {
  const r = ratios(a);
  return [label, `${f0(r.without)} ${unit}`, `${f0(r.with)} ${unit}`, f2(r.ratio), f2(r.paired)];
};
/** For sub-millisecond figures, where a ratio says little (the page's own call takes ~0 ms): the ms added. */
const addedLine = (label: string, a: Arms<number>) => {
  const r = ratios(a);
  const added = r.with - r.without;
  return [label, `${f2(r.without)} ms`, `${f2(r.with)} ms`, `${added < 0 ? '-' : '+'}${f2(Math.abs(added))} ms`, ''];
};
const cpuLine = (c: { with: CpuByKind; without: CpuByKind }) =>
  (Object.keys(c.with) as (keyof CpuByKind)[])
    .filter((k) => c.with[k] + c.without[k] >= 5)
    .map((k) => `${k} ${f0(c.without[k])}→${f0(c.with[k])}`)
    .join(', ');
const sharesLine = (s: Record<Share, number> | undefined) =>
  s ? (Object.entries(s) as [Share, number][]).filter(([k]) => k !== 'idle').map(([k, v]) => `${k} ${f0(v)}`).join(', ') : '';

const server = await startBenchServer();
say(`SSE Inspector benchmarks — build ${DIST.chromium.replace(/\/chrome$/, '')}, node ${process.version}, load ${loadText()}`);
try {
  for (const name of browsers) {
    const section: Record<string, unknown> = {};
    results[name] = section;
    if (['overhead', 'latency', 'create', 'idle'].some((s) => only.has(s))) {
      const pair: Pair = await launchPair(name);
      try {
        say(`\n== ${name} ${await pair.with.browser.version()}: page overhead (${runs} alternating runs each, medians) ==`);
        const rows: string[][] = [];
        if (only.has('overhead')) {
          for (const kind of ['eventsource', 'fetch'] as const) {
            // The page reads a fetch firehose in ~20 ms, where the machine's noise is ±20 %: three times the runs.
            const r = await firehose(pair, server, kind, n, kind === 'fetch' ? runs * 3 : runs, () => undefined);
            section[`firehose-${kind}`] = r;
            rows.push(armsLine(`${kind}: ${int(n)} events, to the last`, r.ms));
            rows.push(armsLine(`${kind}: first to last event`, r.steadyMs));
            if (r.responseMs) rows.push(armsLine(`${kind}: fetch() to its Response`, r.responseMs));
            say(`  ${kind}: CPU ms per run, without→with: ${cpuLine(r.cpu)}  (load ${loadText(r.load)})`);
            if (r.shares) say(`  ${kind}: page renderer with the extension, ms by code: ${sharesLine(r.shares)}`);
            say(`  ${kind}: events/s without ${int((n / median(r.ms.without)) * 1000)}, with ${int((n / median(r.ms.with)) * 1000)}`);
          }
          // Ten times as many (24 MB): the page hook once sent each 4 MiB of such a burst at once, in
          // the page's task, and the page read it 5× slower (bench/HISTORY.md, eighth round).
          const big = await firehose(pair, server, 'fetch', n * 10, runs, () => undefined);
          section['firehose-fetch-big'] = big;
          rows.push(armsLine(`fetch: ${int(n * 10)} events, to the last`, big.ms));
          const left = await leaveAfterFetch(pair, server, n * 10, runs);
          section['leave-after-fetch-big'] = left;
          rows.push(armsLine(`fetch (${int(n * 10)}): page left at once, to the next one's DCL`, left));
          for (const [kind, events] of [['eventsource', n], ['fetch', n], ['fetch', n * 10]] as const) {
            const r = await longestTask(pair, server, kind, events, runs);
            if (r.with.some((x) => x === null)) continue;
            section[`longest-task-${kind}${events === n ? '' : '-big'}`] = r;
            for (const when of ['during', 'after'] as const) {
              const arm = (which: 'with' | 'without') => median(r[which].map((x) => x![when]));
              rows.push([`${kind}${events === n ? '' : ` (${int(events)})`}: longest task, ${when === 'during' ? 'during the firehose' : 'in the 3 s after it'}`, `${f0(arm('without'))} ms`, `${f0(arm('with'))} ms`, '', '']);
            }
          }
          // The floor: what the page doing what the page hook does (or, 'wrap', could do) costs, without the extension.
          const extras = { noop: 'a no-op listener', keep: 'a listener keeping each event', read: 'a listener reading the fields', wrap: 'its onmessage wrapped, keeping each event', copy: 'a copy of each chunk' };
          for (const extra of ['noop', 'keep', 'read', 'wrap', 'copy'] as const) {
            const r = await floor(pair, server, n, extra === 'copy' ? runs * 3 : runs, extra);
            section[`floor-${extra}`] = r;
            rows.push(armsLine(`${extra === 'copy' ? 'fetch' : 'eventsource'}: page + ${extras[extra]} (no ext.)`, { with: r.ms.extra, without: r.ms.plain }));
          }
        }
        if (only.has('latency')) {
          for (const kind of ['eventsource', 'fetch'] as const) {
            const r = await latency(pair, server, kind, 4000, 2000, Math.max(3, Math.ceil(runs / 2)));
            section[`latency-${kind}`] = { ...r, delays: undefined, p50: { with: p(r.delays.with, 50), without: p(r.delays.without, 50) }, p99: { with: p(r.delays.with, 99), without: p(r.delays.without, 99) } };
            for (const q of [50, 99]) {
              const w = p(r.delays.with, q);
              const wo = p(r.delays.without, q);
              rows.push([`${kind}: delay p${q} at ${r.rate}/s`, `${f2(wo)} ms`, `${f2(w)} ms`, `${w >= wo ? '+' : ''}${f2(w - wo)} ms`, '']);
            }
          }
        }
        if (only.has('create')) {
          const r = await creation(pair, server, 10_000, runs);
          section.create = r;
          rows.push(armsLine(`10 000 EventSources created+closed`, r.ms));
          if (r.shares) say(`  create: page renderer with the extension, ms by code: ${sharesLine(r.shares)}`);
        }
        if (only.has('idle')) {
          const r = await idle(pair, server, Math.max(runs, 11));
          section.idle = r;
          rows.push(armsLine('idle page: load event', r.load));
          rows.push(armsLine('idle page: DOMContentLoaded', r.dcl));
          const perRequest = await requests(pair, server, 20, Math.max(runs, 11));
          section.requests = perRequest;
          rows.push(armsLine('small fetch, ms per request (20 in a row)', perRequest));
          const perUpload = await uploads(pair, server, 20, 3, Math.max(runs, 11));
          section.uploads = perUpload;
          rows.push(armsLine('upload of 20 MB, ms per request (3 in a row)', perUpload));
          const first = await firstCalls(pair, server, Math.max(runs, 21));
          section.firstCalls = first;
          rows.push(addedLine('first SSE fetch(), to its Response', first.response));
          rows.push(addedLine("first cancel() of an SSE fetch's body", first.cancel));
          rows.push(addedLine("first open, onopen to the page's open listener", first.open));
        }
        say(table(['figure', 'without', 'with', 'ratio', 'paired'], rows));
        say(`(load ${loadText()})`);
      } finally {
        await pair.close();
      }
      save();
    }
    if (only.has('pipeline')) {
      section.pipeline = await pipeline(name, server, args['pipeline-n'].split(',').map(Number), say);
      save();
    }
    if (only.has('panel')) {
      section.panel = await panelScale(name, server, Number(args['panel-events']), Number(args['big-events']), say);
      save();
    }
  }
  if (only.has('parser')) {
    say(`\n== parser (Node ${process.version}) ==`);
    results.parser = await runParserBench({ mb: Number(args['parser-mb']), runs: 7, log: say });
    save();
  }
} finally {
  await server.close();
  save();
  say(`\nResults: ${out}`);
}
process.exit(0);
