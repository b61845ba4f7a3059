// Replacing a native function so that the page cannot tell: the replacement is a Proxy of the
// original (so name, length, prototype, property descriptors, `new`, subclassing and errors
// all stay the native ones), and Function.prototype.toString answers for the Proxy exactly as
// it would for the original ("function EventSource() { [native code] }").
// A Proxy looks up its traps on its handler at every operation: each handler is bare (no
// prototype), or a `get`, `has`, `apply`… that the page puts on Object.prototype would be
// called for every read of EventSource.prototype, every call of fetch.
// Runs in the page's MAIN world before any page script.

import { SafeWeakMap, apply, bare } from './native';

const originals = new SafeWeakMap<object, object>();
const nativeToString = Function.prototype.toString;

Function.prototype.toString = new Proxy(
  nativeToString,
  bare({
    apply(target: typeof nativeToString, self: unknown, args: unknown[]) {
      const original = typeof self === 'function' ? originals.get(self) : undefined;
      return apply(target, original ?? self, args);
    },
  }),
);
originals.set(Function.prototype.toString, nativeToString);

/**
 * Replaces `owner[key]` (a function) by a Proxy with `handler`, keeping the property's
 * descriptor attributes. Returns the original.
 */
export function replaceFunction<T extends object>(owner: object, key: PropertyKey, handler: ProxyHandler<T>): T {
  const desc = Object.getOwnPropertyDescriptor(owner, key);
  if (!desc || typeof desc.value !== 'function') throw new Error(`not a function: ${String(key)}`);
  const original = desc.value as T;
  const proxy = new Proxy(original, bare(handler));
  originals.set(proxy, original);
  Object.defineProperty(owner, key, { ...desc, value: proxy });
  return original;
}

/** Like replaceFunction, for the getter of an accessor property (e.g. Response.prototype.url). */
export function replaceGetter<T extends object>(owner: object, key: PropertyKey, handler: ProxyHandler<T>): void {
  const desc = Object.getOwnPropertyDescriptor(owner, key);
  if (!desc?.get) throw new Error(`not an accessor: ${String(key)}`);
  const proxy = new Proxy(desc.get as T, bare(handler));
  originals.set(proxy, desc.get);
  Object.defineProperty(owner, key, { ...desc, get: proxy as () => unknown });
}
