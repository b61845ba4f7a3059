// Loading a page probe (e2e/probes/*.js): a function of the shared kit (probes/kit.js),
// evaluated in the page as source text, exactly as written.
import { readFileSync } from 'node:fs';

const KIT = readFileSync('e2e/probes/kit.js', 'utf8');

/** The expression that runs the probe in `file` in a page. */
export function probeSource(file: string): string {
  return `(${readFileSync(file, 'utf8')})(${KIT})`;
}

/**
 * The expression that calls `name` of the probes in `file` (a function of the kit returning an
 * object of probes) with `args` (JSON).
 */
export function probeCall(file: string, name: string, ...args: unknown[]): string {
  return `(${readFileSync(file, 'utf8')})(${KIT}).${name}(${args.map((a) => JSON.stringify(a)).join(', ')})`;
}
