// Small readers shared by the fetch and XHR hooks, built on natives only.
import { apply, bare, getOwnPropertyDescriptor, getPrototypeOf, getter } from '../native';

const headersForEach = Headers.prototype.forEach;
const domExceptionName = getter(DOMException.prototype, 'name') as (this: DOMException) => string;
const domExceptionMessage = getter(DOMException.prototype, 'message') as (this: DOMException) => string;
const nativeErrors: [object, string][] = [
  [TypeError.prototype, 'TypeError'],
  [Error.prototype, 'Error'],
  [RangeError.prototype, 'RangeError'],
];

/** A response's headers as [name, value] pairs. */
export function headerList(headers: Headers): [string, string][] {
  const list: [string, string][] = bare([]);
  apply(headersForEach, headers, [(value: string, name: string) => (list[list.length] = [name, value])]);
  return list;
}

/**
 * "AbortError: …" for a DOMException, "TypeError: …" for a native error, otherwise only the
 * kind of value: never a getter or toString of the page's (the value may be a page's Proxy,
 * whose traps run page code: whatever they do, the answer is 'error'). Nothing is thrown and
 * caught for the usual values (none, a native error, a DOMException): in Chromium that made a
 * page's first cancel() with no reason 1.2 ms slower (bench: "first cancel()").
 */
export function describeError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return typeof error;
  try {
    const proto = getPrototypeOf(error);
    const desc = getOwnPropertyDescriptor(error, 'message');
    const message: unknown = desc && bare(desc).value;
    for (let i = 0; i < nativeErrors.length; i++) {
      const known = nativeErrors[i]!;
      if (proto === known[0] && typeof message === 'string') return `${known[1]}: ${message}`;
    }
  } catch {
    // A Proxy's trap threw.
  }
  // The getters check that it is a DOMException, of any frame.
  try {
    return `${apply(domExceptionName, error, [])}: ${apply(domExceptionMessage, error, [])}`;
  } catch {
    return 'error';
  }
}
