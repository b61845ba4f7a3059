// The sse-inspector command line: `sse-inspector replay FILE [--speed N] [--port N]`.
import { ImportError } from '../shared/capture/capture';
import { UsageError } from './replay/args';
import { replay, type Io } from './replay/command';

export const USAGE = `Usage: sse-inspector replay FILE.sse-capture.json [--speed N] [--port N]

Serves each stream of a capture (exported from the SSE panel; also a HAR with
_eventSourceMessages or a raw text/event-stream file) as a local SSE server on
127.0.0.1, with its original timing: the Nth connection to a stream replays its Nth attempt.

  --speed N   play N times faster (0.5: twice as slow); default 1
  --port N    listen on port N; default 0, a free port`;

/** Runs the command line `argv` (without node and the script); resolves with the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help' || rest.includes('--help') || rest.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  try {
    if (command === 'replay') return await replay(rest, io);
    throw new UsageError(command === undefined ? 'which command?' : `unknown command ${command}`);
  } catch (e) {
    // What the user got wrong is said plainly; anything else is a bug, with its stack.
    if (e instanceof UsageError) {
      io.err(`sse-inspector: ${e.message}`);
      if (command !== 'replay') io.err(USAGE);
      return 1;
    }
    if (e instanceof ImportError) {
      io.err(`sse-inspector: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
