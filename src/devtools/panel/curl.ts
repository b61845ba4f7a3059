// "Copy as cURL": a stream's request as a curl command that prints the events as they come.
import type { Attempt, Stream } from '../../shared/model';
import { bytes } from './format';

/** A POSIX shell word: single-quoted, each ' written as '\''. */
export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Headers curl sets itself: Host from the URL, Content-Length from the body; HTTP/2 pseudo-headers
 * are no headers at all. Accept-Encoding becomes --compressed, so curl decodes what it asked for.
 */
const LEFT_TO_CURL = new Set(['host', 'content-length', 'accept-encoding']);

/**
 * The request of `attempt` (the stream's first if none) with its method and request headers as
 * the network saw them, and -N so curl prints each event as it arrives. The body is never
 * captured: a request that had one gets --data-binary from a file and a comment saying so.
 */
export function curlCommand(s: Pick<Stream, 'url' | 'method'>, attempt: Attempt | undefined): string {
  const method = attempt?.method ?? s.method ?? 'GET';
  const headers = attempt?.requestHeaders;
  const comments: string[] = [];
  // One option per line, continued with a backslash, as DevTools' own "Copy as cURL" does.
  const lines = [`curl -N ${shellQuote(s.url)}`];
  if (method !== 'GET') lines.push(`-X ${shellQuote(method)}`);
  if (headers === undefined) {
    comments.push('# The network did not report this request: its headers are unknown.');
    lines.push(`-H ${shellQuote('Accept: text/event-stream')}`);
  } else {
    for (const [name, value] of headers) {
      if (name.startsWith(':') || LEFT_TO_CURL.has(name.toLowerCase())) continue;
      lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
    }
    if (headers.some(([name]) => name.toLowerCase() === 'accept-encoding')) lines.push('--compressed');
  }
  const requestBytes = attempt?.requestBytes;
  if (method !== 'GET' && method !== 'HEAD' && requestBytes !== 0) {
    const size = requestBytes === undefined ? 'The request body (if any)' : `The ${bytes(requestBytes)} request body`;
    comments.push(`# ${size} was not captured: save it as request-body first.`);
    lines.push('--data-binary @request-body');
  }
  return [...comments, lines.join(' \\\n  ')].join('\n');
}
