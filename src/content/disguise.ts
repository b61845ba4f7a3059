// Replacing a native function so that the page cannot tell: the replacement is a Proxy of the
// original (so name, length, prototype, property descriptors, `new`, subclassing and errors
// all stay the native ones), and Function.prototype.toString answers for the Proxy exactly as
// it would for the original ("function EventSource() { [native code] }").
// A Proxy looks up its traps on its handler at every operation: each handler is bare (no
// prototype), or a `get`, `has`, `apply`… that the page puts on Object.prototype would be
// called for every read of EventSource.prototype, every call of fetch.
// Runs in the page's MAIN world before any page script.

import { SafeWeakMap, apply, bare, construct, getOwnPropertyDescriptor } from './native';

const originals = new SafeWeakMap<object, object>();
const nativeToString = Function.prototype.toString;

// A native that throws inside one of our traps would have the trap as its error's top frame:
// the page's `stack` would name our script (and our extension's id) where the page's call is,
// and error reporters drop errors whose top frame is an extension's. V8's
// Error.captureStackTrace takes the stack again from the page's call, with the same lazy
// `stack` accessor a native error has. What it cannot give back: a frame of the engine's own
// above ours (Function.prototype.toString's), and window's `error` event's filename and line,
// which Chromium takes from the frame that throws (ours, either way). SpiderMonkey's
// makes an own data property, which no native error has, and leaves fileName and lineNumber
// naming us: in Firefox errors are left as they are. Errors that a native makes later (a failed
// connection) or gives as a rejection (fetch('http://[')) keep the trap's frame in both: a
// rejection's error cannot be reached while the page's frames are still on the stack.
const captureStackTrace = recapturesLikeNatives() ? Error.captureStackTrace : undefined;
/** What the last native called by callNative or constructNative threw, to be taken again. */
let nativeError: unknown;

function recapturesLikeNatives(): boolean {
  if (typeof Error.captureStackTrace !== 'function') return false;
  const error = new TypeError();
  const accessor = (e: Error) => typeof getOwnPropertyDescriptor(e, 'stack')?.get === 'function';
  if (!accessor(error)) return false;
  Error.captureStackTrace(error);
  return accessor(error);
}

/**
 * Whether no code of the page can have run inside a native call with these arguments. Only an
 * object's getters and conversions (an init dictionary, a `toString`) run the page's code. A
 * function counts as inert: our natives take it as a callback, not read during the call (one
 * passed where a string is expected runs only a `toString` the page gave that function itself).
 * An error the page's own code threw there must keep its frames, so its stack is not taken again.
 */
function inert(values: ArrayLike<unknown>): boolean {
  for (let i = 0; i < values.length; i++) if (typeof values[i] === 'object' && values[i] !== null) return false;
  return true;
}

/** What a native threw with inert arguments is marked, for the trap's wrapper (withPageStack). */
function marked(error: unknown, args: ArrayLike<unknown>): unknown {
  if (inert(args)) nativeError = error;
  return error;
}

type NativeApply = (target: object, self: unknown, args: ArrayLike<unknown>) => unknown;
type NativeConstruct = (target: object, args: ArrayLike<unknown>, newTarget: object) => object;

/** How a trap calls its native. Where nothing is taken again, Reflect's own: no frame of ours on top. */
export const callNative: NativeApply = captureStackTrace
  ? (target, self, args) => {
      try {
        return apply(target as () => unknown, self, args);
      } catch (error) {
        throw marked(error, args);
      }
    }
  : (apply as NativeApply);

/** Like callNative, for a construct trap (`newTarget` is the Proxy itself, or a subclass). */
export const constructNative: NativeConstruct = captureStackTrace
  ? (target, args, newTarget) => {
      try {
        return construct(target as new () => object, args, newTarget as new () => object);
      } catch (error) {
        throw marked(error, args);
      }
    }
  : (construct as NativeConstruct);

/**
 * `trap` as the Proxy calls it: what its native call threw gets the page's frames on top.
 * Other errors (our own) are left as they are.
 */
function withPageStack<F extends (...args: never[]) => unknown>(trap: F): F {
  if (!captureStackTrace) return trap;
  const recapture = captureStackTrace;
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    try {
      return apply(trap, this, args);
    } catch (error) {
      const fromNative = error === nativeError;
      nativeError = undefined;
      if (fromNative) {
        try {
          recapture(error as object, wrapper); // frames from the wrapper up are left out
        } catch {
          // Out of stack: the error stays as it was.
        }
      }
      throw error;
    }
  };
  return wrapper as unknown as F;
}

/** The traps we use: a function's `apply` and `construct`. */
type Traps<T extends object> = Pick<ProxyHandler<T>, 'apply' | 'construct'>;

/** The Proxy's handler: bare, with each trap wrapped by withPageStack. */
function traps<T extends object>(handler: Traps<T>): ProxyHandler<T> {
  const out: ProxyHandler<T> = bare({});
  if (handler.apply) out.apply = withPageStack(handler.apply);
  if (handler.construct) out.construct = withPageStack(handler.construct);
  return out;
}

Function.prototype.toString = new Proxy(
  nativeToString,
  traps({
    apply(target: typeof nativeToString, self: unknown, args: unknown[]) {
      const original = typeof self === 'function' ? originals.get(self) : undefined;
      return callNative(target, original ?? self, args);
    },
  }),
);
originals.set(Function.prototype.toString, nativeToString);

/**
 * Replaces `owner[key]` (a function) by a Proxy with `handler`, keeping the property's
 * descriptor attributes. Returns the original.
 */
export function replaceFunction<T extends object>(owner: object, key: PropertyKey, handler: Traps<T>): T {
  const desc = Object.getOwnPropertyDescriptor(owner, key);
  if (!desc || typeof desc.value !== 'function') throw new Error(`not a function: ${String(key)}`);
  const original = desc.value as T;
  const proxy = new Proxy(original, traps(handler));
  originals.set(proxy, original);
  Object.defineProperty(owner, key, { ...desc, value: proxy });
  return original;
}

/** Like replaceFunction, for the getter of an accessor property (e.g. Response.prototype.url). */
export function replaceGetter<T extends object>(owner: object, key: PropertyKey, handler: Traps<T>): void {
  const desc = Object.getOwnPropertyDescriptor(owner, key);
  if (!desc?.get) throw new Error(`not an accessor: ${String(key)}`);
  const proxy = new Proxy(desc.get as T, traps(handler));
  originals.set(proxy, desc.get);
  Object.defineProperty(owner, key, { ...desc, get: proxy as () => unknown });
}
