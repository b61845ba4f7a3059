// How the page hook names an error it saw (src/content/hooks/shared.ts): never by running the
// page's code. (That it throws and catches nothing for the usual values is a cost, not a result:
// the bench measures it, "first cancel()".)
import { describe, expect, it } from 'vitest';
import { describeError } from '../src/content/hooks/shared';

describe('describeError', () => {
  it('names what it can: no reason, a primitive, a DOMException, a native error', () => {
    expect(describeError(undefined)).toBe('undefined');
    expect(describeError('stop')).toBe('string');
    expect(describeError(new DOMException('The user aborted a request.', 'AbortError'))).toBe('AbortError: The user aborted a request.');
    expect(describeError(new TypeError('network error'))).toBe('TypeError: network error');
    expect(describeError(new RangeError('r'))).toBe('RangeError: r');
  });

  it('reads no getter or toString of the page, and a Proxy whose trap throws is only "error"', () => {
    let ran = 0;
    const getterMessage = Object.create(TypeError.prototype, { message: { get: () => `${++ran}` } }) as object;
    expect(describeError(getterMessage)).toBe('error');
    const withToString = { message: 'm', toString: () => `${++ran}` };
    expect(describeError(withToString)).toBe('error');
    class PageError extends Error {}
    expect(describeError(new PageError('m'))).toBe('error');
    const throwing = new Proxy({}, { getPrototypeOf: () => { throw new Error('trap'); } });
    expect(describeError(throwing)).toBe('error');
    expect(ran).toBe(0);
  });
});
