// Natives the page hook relies on, taken at document_start before any page script can
// replace them: a page that later patches Reflect, WeakMap or EventTarget must neither see
// our calls nor break them.
export const { apply, construct } = Reflect;
export const createObject = Object.create;
export const { split, indexOf, slice } = String.prototype;
export const { then } = Promise.prototype;
export const regExpExec = RegExp.prototype.exec;
/** The getter of a native accessor property, taken now. */
export const getter = (proto: object, key: string) => Object.getOwnPropertyDescriptor(proto, key)!.get!;
const weakMapGet = WeakMap.prototype.get;
const weakMapSet = WeakMap.prototype.set;

/** A WeakMap whose reads and writes never go through the page's (possibly patched) prototype. */
export class SafeWeakMap<K extends object, V> {
  private readonly map = new WeakMap<K, V>();
  get(key: unknown): V | undefined {
    return apply(weakMapGet, this.map, [key]) as V | undefined;
  }
  set(key: K, value: V): void {
    apply(weakMapSet, this.map, [key, value]);
  }
}
