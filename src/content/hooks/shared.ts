// Small readers shared by the fetch and XHR hooks, built on natives only.
import { apply, getter } from '../native';

const headersForEach = Headers.prototype.forEach;
const domExceptionName = getter(DOMException.prototype, 'name') as (this: DOMException) => string;
const domExceptionMessage = getter(DOMException.prototype, 'message') as (this: DOMException) => string;
const { getPrototypeOf, getOwnPropertyDescriptor } = Object;
const nativeErrors: object[] = [TypeError.prototype, Error.prototype, RangeError.prototype];

/** A response's headers as [name, value] pairs. */
export function headerList(headers: Headers): [string, string][] {
  const list: [string, string][] = [];
  apply(headersForEach, headers, [(value: string, name: string) => (list[list.length] = [name, value])]);
  return list;
}

/**
 * "AbortError: …" for a DOMException, "TypeError: …" for a native error, otherwise only the
 * kind of value: never a getter or toString of the page's.
 */
export function describeError(error: unknown): string {
  try {
    return `${apply(domExceptionName, error, [])}: ${apply(domExceptionMessage, error, [])}`;
  } catch {
    if (typeof error !== 'object' || error === null) return typeof error;
    const proto = getPrototypeOf(error) as object;
    const message = getOwnPropertyDescriptor(error, 'message')?.value;
    const i = nativeErrors.indexOf(proto);
    return i >= 0 && typeof message === 'string' ? `${['TypeError', 'Error', 'RangeError'][i]}: ${message}` : 'error';
  }
}
