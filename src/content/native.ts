// Natives the page hook relies on, taken at document_start before any page script can
// replace them: a page that later patches Reflect, WeakMap or EventTarget must neither see
// our calls nor break them.
export const { apply, construct, defineProperty, getOwnPropertyDescriptor, getPrototypeOf } = Reflect;
export const createObject = Object.create;
const setPrototypeOf = Object.setPrototypeOf;
export const { split, indexOf, slice, charCodeAt } = String.prototype;
// Not exported as `then`: a module with a `then` export is a thenable to dynamic import().
export const promiseThen = Promise.prototype.then;
export const regExpExec = RegExp.prototype.exec;
const bind = Function.prototype.bind;
const call = Function.prototype.call;
/**
 * `f` as a plain function taking its `this` first: `uncurry(f)(self, a)` is `f.call(self, a)`
 * with the natives of now (a bound `call`), and, unlike Reflect.apply, no array per call: for
 * what runs once per event.
 */
export const uncurry = <F extends (...args: never[]) => unknown>(f: F) =>
  apply(bind, call, [f]) as (self: unknown, ...args: Parameters<F>) => ReturnType<F>;
/** The getter of a native accessor property, taken now. */
export const getter = (proto: object, key: string) => Object.getOwnPropertyDescriptor(proto, key)!.get!;
/**
 * `o` without a prototype: nothing a page adds to Object.prototype or Array.prototype (an
 * index setter, a `size` or `start` getter) is read from it or runs when it is written to.
 * For our arrays and for the dictionaries we give to natives.
 */
export const bare = <T extends object>(o: T): T => setPrototypeOf(o, null) as T;
const weakMapGet = uncurry(WeakMap.prototype.get);
const weakMapSet = uncurry(WeakMap.prototype.set);

/** A WeakMap whose reads and writes never go through the page's (possibly patched) prototype. */
export class SafeWeakMap<K extends object, V> {
  private readonly map = new WeakMap<K, V>();
  get(key: unknown): V | undefined {
    return weakMapGet(this.map, key as K) as V | undefined;
  }
  set(key: K, value: V): void {
    weakMapSet(this.map, key, value);
  }
}
