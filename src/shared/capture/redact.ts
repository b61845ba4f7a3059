// Redaction for exports: a capture goes into bug reports, so secrets in it are replaced by a
// marker unless the user asks otherwise. Covered: credential headers (request and response)
// and token-like query parameters in every URL the log holds (streams, redirects, frames,
// pages, the initiator's stack). Event data is the stream's content and stays as it is.
import type { Attempt, Stream } from '../model';
import type { CaptureLog } from './capture';

export const REDACTED = '[REDACTED]';

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
/** Also API-key headers of the usual shapes: x-api-key, api-key, x-auth-token, x-goog-api-key… */
const SECRET_HEADER_NAME = /(^|-)(api-?key|auth-token|access-token|secret)$/i;
/** Query parameter names that usually carry a credential: token, access_token, api_key, sig, X-Amz-Signature, code… */
const SECRET_PARAM_NAME = /token|secret|passw(or)?d|pwd|api[-_]?key|^key$|auth|sig(nature)?$|credential|session|^code$|jwt/i;
/** `?name=value` / `&name=value` in a URL or a stack trace's text. */
const PARAM = /([?&])([^=&#\s"'<>]+)=([^&#\s"'<>)]*)/g;

export interface Redaction {
  log: CaptureLog;
  /** What was replaced, with counts (Redactor.summary). */
  redacted: string[];
}

export function isSecretHeader(name: string): boolean {
  const n = name.toLowerCase();
  return SECRET_HEADERS.has(n) || SECRET_HEADER_NAME.test(n);
}

/** Replaces secrets, counting what it replaced. */
export class Redactor {
  private readonly found = new Map<string, number>();
  /** Header names keep the case they were first seen with ("Authorization", not "authorization"). */
  private readonly headerNames = new Map<string, string>();

  /** What was replaced, with counts: "Authorization header (3)", "token query parameter (2)". */
  summary(): string[] {
    return [...this.found].map(([what, n]) => `${what} (${n})`);
  }

  headers(list: [string, string][]): [string, string][] {
    return list.map(([name, value]): [string, string] => {
      if (!isSecretHeader(name) || value === REDACTED) return [name, value];
      const key = name.toLowerCase();
      if (!this.headerNames.has(key)) this.headerNames.set(key, name);
      this.note(`${this.headerNames.get(key)} header`);
      return [name, REDACTED];
    });
  }

  /** A URL, or text with URLs in it (a stack trace), with token-like query parameters replaced. */
  text(s: string): string {
    return s.replace(PARAM, (all, sep: string, name: string, value: string) => {
      if (!SECRET_PARAM_NAME.test(safeDecode(name)) || value === '' || value === REDACTED) return all;
      this.note(`${safeDecode(name)} query parameter`);
      return `${sep}${name}=${REDACTED}`;
    });
  }

  private note(what: string): void {
    this.found.set(what, (this.found.get(what) ?? 0) + 1);
  }
}

/** A copy of `log` (and the page's URL) with the secrets replaced; `log` itself is not changed. */
export function redact(log: CaptureLog, pageUrl = ''): Redaction & { pageUrl: string } {
  const r = new Redactor();
  const text = (s: string) => r.text(s);
  const attempt = (a: Attempt): Attempt => ({
    ...a,
    ...(a.headers && { headers: r.headers(a.headers) }),
    ...(a.requestHeaders && { requestHeaders: r.headers(a.requestHeaders) }),
    ...(a.redirects && { redirects: a.redirects.map(text) }),
    ...(a.failure !== undefined && { failure: text(a.failure) }),
  });
  const stream = (s: Stream): Stream => ({
    ...s,
    url: text(s.url),
    frame: { ...s.frame, url: text(s.frame.url) },
    initiator: text(s.initiator),
    stack: text(s.stack),
    attempts: s.attempts.map(attempt),
  });
  const redactedLog: CaptureLog = { ...log, streams: log.streams.map(stream), pages: log.pages.map((p) => ({ ...p, url: text(p.url) })) };
  return { log: redactedLog, pageUrl: text(pageUrl), redacted: r.summary() };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
