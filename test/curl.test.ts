import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { curlCommand, shellQuote } from '../src/devtools/panel/curl';
import type { Attempt } from '../src/shared/model';

/** The words a POSIX shell passes to curl for `command` (curl replaced by a function printing them). */
function argv(command: string): string[] {
  const out = execFileSync('sh', ['-c', `curl() { printf '%s\\0' "$@"; }\n${command}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const URL_ES = 'http://127.0.0.1:8080/2-counter/stream';

describe('curlCommand', () => {
  it('an EventSource reconnect: GET, its request headers as sent (Last-Event-ID too), -N', () => {
    const attempt: Attempt = {
      n: 2,
      method: 'GET',
      requestHeaders: [
        ['Accept', 'text/event-stream'],
        ['Cache-Control', 'no-cache'],
        ['Last-Event-ID', '99'],
      ],
    };
    const command = curlCommand({ url: URL_ES }, attempt);
    expect(command).toBe(
      `curl -N '${URL_ES}' \\\n  -H 'Accept: text/event-stream' \\\n  -H 'Cache-Control: no-cache' \\\n  -H 'Last-Event-ID: 99'`,
    );
    expect(argv(command)).toEqual(['-N', URL_ES, '-H', 'Accept: text/event-stream', '-H', 'Cache-Control: no-cache', '-H', 'Last-Event-ID: 99']);
  });

  it("quotes single quotes and shell characters so the shell passes them through unchanged", () => {
    const tricky = `it's $HOME; \`id\` "x" \\ ' '' *`;
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    const command = curlCommand({ url: `${URL_ES}?q=it's&x=$(id)` }, { n: 1, method: 'GET', requestHeaders: [['X-Note', tricky]] });
    expect(argv(command)).toEqual(['-N', `${URL_ES}?q=it's&x=$(id)`, '-H', `X-Note: ${tricky}`]);
  });

  it('a POST: -X POST, and the body it had is said to be missing, read from a file', () => {
    const command = curlCommand(
      { url: 'http://127.0.0.1:8080/5-llm/stream', method: 'POST' },
      { n: 1, method: 'POST', requestBytes: 25, requestHeaders: [['Content-Type', 'application/json'], ['Content-Length', '25']] },
    );
    expect(command.split('\n')[0]).toBe('# The 25 B request body was not captured: save it as request-body first.');
    expect(argv(command)).toEqual(['-N', 'http://127.0.0.1:8080/5-llm/stream', '-X', 'POST', '-H', 'Content-Type: application/json', '--data-binary', '@request-body']);
  });

  it('a POST with an empty body needs no body; one of unknown size says so', () => {
    expect(curlCommand({ url: URL_ES }, { n: 1, method: 'POST', requestBytes: 0, requestHeaders: [] })).toBe(`curl -N '${URL_ES}' \\\n  -X 'POST'`);
    expect(curlCommand({ url: URL_ES }, { n: 1, method: 'PUT', requestHeaders: [] })).toMatch(/^# The request body \(if any\) was not captured/);
  });

  it('leaves Host and Content-Length to curl, and asks for compression as the browser did', () => {
    const command = curlCommand({ url: URL_ES }, { n: 1, method: 'GET', requestHeaders: [['Host', 'elsewhere'], ['Accept-Encoding', 'gzip, br'], [':authority', 'x']] });
    expect(argv(command)).toEqual(['-N', URL_ES, '--compressed']);
  });

  it('without network facts: the stream method, Accept: text/event-stream, and a comment that headers are unknown', () => {
    const command = curlCommand({ url: URL_ES, method: 'POST' }, undefined);
    expect(command.split('\n').filter((l) => l.startsWith('#'))).toEqual([
      '# The network did not report this request: its headers are unknown.',
      '# The request body (if any) was not captured: save it as request-body first.',
    ]);
    expect(argv(command)).toEqual(['-N', URL_ES, '-X', 'POST', '-H', 'Accept: text/event-stream', '--data-binary', '@request-body']);
  });
});
