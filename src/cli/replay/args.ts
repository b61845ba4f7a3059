// The replay command's arguments: `replay FILE [--speed N] [--port N]`.

export interface ReplayArgs {
  file: string;
  /** Time runs this many times faster than captured. */
  speed: number;
  /** 0: any free port. */
  port: number;
}

/** Wrong arguments: the message is for the user, printed without a stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseReplayArgs(argv: readonly string[]): ReplayArgs {
  const args: ReplayArgs = { file: '', speed: 1, port: 0 };
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      files.push(arg);
      continue;
    }
    // --name value, or --name=value
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const value = () => {
      if (eq !== -1) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${name} needs a value`);
      return next;
    };
    if (name === '--speed') args.speed = speedOf(value());
    else if (name === '--port') args.port = portOf(value());
    else throw new UsageError(`unknown option ${name}`);
  }
  if (files.length === 0) throw new UsageError('which capture file? (replay FILE.sse-capture.json)');
  if (files.length > 1) throw new UsageError(`one capture file at a time, not ${files.length} (${files.join(', ')})`);
  args.file = files[0]!;
  return args;
}

function speedOf(text: string): number {
  const speed = Number(text);
  if (text.trim() === '' || !Number.isFinite(speed) || speed <= 0) throw new UsageError(`--speed must be a number above 0 (2: twice as fast), not "${text}"`);
  return speed;
}

function portOf(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`--port must be a port number from 0 to 65535 (0: any free port), not "${text}"`);
  return port;
}
