// The `sse-inspector` executable (package.json "bin"; built to dist/cli/sse-inspector.js).
import { run } from './main';

const stop = new AbortController();
// Ctrl-C (or a kill) closes the server and its connections, then the process exits by itself.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());

run(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line), stop: stop.signal }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 2;
  },
);
