// `sse-inspector replay FILE`: reads a capture (or a HAR with _eventSourceMessages, or a raw
// text/event-stream: whatever the panel imports), serves it, prints where, and runs until stopped.
import { readFile, stat } from 'node:fs/promises';
import { ImportError } from '../../shared/capture/capture';
import { importFile } from '../../shared/capture/import';
import { UsageError, parseReplayArgs } from './args';
import { listingText } from './listing';
import { planReplay } from './plan';
import { startReplayServer } from './server';

export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Aborted: stop serving (Ctrl-C). */
  stop: AbortSignal;
}

/** Runs the command; resolves with the exit code once stopped. */
export async function replay(argv: readonly string[], io: Io): Promise<number> {
  const args = parseReplayArgs(argv);
  const stats = await stat(args.file).catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${args.file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  const file = { name: args.file, size: stats.size, lastModified: stats.mtimeMs, text: () => readFile(args.file, 'utf8') };
  const { log, info } = await importFile(file, Number.MAX_SAFE_INTEGER);
  const plan = planReplay(log, args.speed);
  if (plan.streams.length === 0) throw new ImportError(`Cannot replay ${args.file}: it has no streams.`);

  const server = await startReplayServer(plan, args.port).catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(e.code === 'EADDRINUSE' ? `port ${args.port} is in use (--port 0 takes a free one)` : `cannot listen: ${e.message}`);
  });
  const speed = args.speed === 1 ? 'original timing' : `${args.speed}× speed`;
  const from = info ? ` (page ${info.pageUrl || 'unknown'}, ${info.exportedAt})` : '';
  io.out(`Replaying ${args.file}${from} at ${speed}:`);
  for (const line of listingText(plan, server.url)) io.out(line);
  // Open CORS is what lets the developer's app (on any local origin) connect; it also lets any page.
  io.out('Any web page open on this machine can read these streams while the replay runs (CORS is open to every origin).');
  io.out(`All streams: ${server.url}/  —  Ctrl-C to stop.`);

  await new Promise<void>((resolve) => {
    if (io.stop.aborted) resolve();
    io.stop.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  io.out('Stopped.');
  return 0;
}
