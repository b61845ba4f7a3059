// `sse-inspector replay FILE`: reads a capture, serves it, prints where, and runs until stopped.
import { readFile } from 'node:fs/promises';
import { ImportError, type Capture } from '../../shared/capture/capture';
import { readCapture } from '../../shared/capture/read';
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
  let text: string;
  try {
    text = await readFile(args.file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${args.file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const capture = readFromFile(args.file, text);
  // readCapture checks the file; this only keeps a wrong one from failing later with a stack.
  if (!Array.isArray(capture?.streams) || !Array.isArray(capture.events) || typeof capture.counters !== 'object') {
    throw new ImportError(`${args.file}: it is not an SSE Inspector capture (no streams and events)`);
  }
  const plan = planReplay(capture, args.speed);
  if (plan.streams.length === 0) throw new ImportError(`${args.file}: it has no streams`);

  const server = await startReplayServer(plan, args.port).catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(e.code === 'EADDRINUSE' ? `port ${args.port} is in use (--port 0 takes a free one)` : `cannot listen: ${e.message}`);
  });
  const speed = args.speed === 1 ? 'original timing' : `${args.speed}× speed`;
  io.out(`Replaying ${args.file} (page ${capture.pageUrl || 'unknown'}, ${capture.exportedAt || 'date unknown'}) at ${speed}:`);
  for (const line of listingText(plan, server.url)) io.out(line);
  io.out(`All streams: ${server.url}/  —  Ctrl-C to stop.`);

  await new Promise<void>((resolve) => {
    if (io.stop.aborted) resolve();
    io.stop.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  io.out('Stopped.');
  return 0;
}

/** readCapture, with the file's name in front of what is wrong with it. */
function readFromFile(file: string, text: string): Capture {
  try {
    return readCapture(text);
  } catch (e) {
    if (e instanceof ImportError) throw new ImportError(`${file}: ${e.message}`);
    throw e;
  }
}
