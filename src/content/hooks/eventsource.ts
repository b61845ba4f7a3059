// EventSource: the page keeps the browser's own constructor and objects. We add listeners of
// our own (never wrapping the page's): open, error and message at construction, before the
// page can add any, and one for each other type the page starts listening to.
import { callNative, constructNative, replaceFunction } from '../disguise';
import { emit, emitEvent, emitWithStack, eventTime, newSid, now, stackMark } from '../emitter';
import { SafeWeakMap, apply, createObject, getPrototypeOf, getter } from '../native';

const NativeEventSource = window.EventSource;
const esProto = NativeEventSource.prototype;
const readyStateOf = getter(esProto, 'readyState') as (this: EventSource) => number;
const urlOf = getter(esProto, 'url') as (this: EventSource) => string;
const withCredentialsOf = getter(esProto, 'withCredentials') as (this: EventSource) => boolean;
const messageEventProto = MessageEvent.prototype;
const originOf = getter(messageEventProto, 'origin') as (this: MessageEvent) => string;
const addListener = EventTarget.prototype.addEventListener;

/** What we know of each EventSource the page created. */
interface Tracked {
  sid: number;
  /** Event types we listen to on it (a null-prototype object: no method the page could patch). */
  types: Record<string, true>;
  /**
   * The origin of this connection's events, read from its first event: it is the origin of the
   * response's URL, the same for every event until the next connection (reset at open/error).
   */
  origin: string | undefined;
}
const tracked = new SafeWeakMap<EventSource, Tracked>();

function onOpen(this: EventSource, e: Event): void {
  const state = tracked.get(this)!;
  state.origin = undefined;
  emit({ k: 'open', sid: state.sid, t: eventTime(e) });
}

function onError(this: EventSource, e: Event): void {
  const state = tracked.get(this)!;
  state.origin = undefined;
  const readyState = apply(readyStateOf, this, []) === 2 ? 2 : 0;
  emit({ k: 'error', sid: state.sid, t: eventTime(e), readyState });
}

/**
 * Our listener for events of `type` (the per-event path: the least work we can do on the page's
 * thread, which is to keep the event; see emitter.ts). The type is the one it listens to: a
 * listener is called only for events whose type is that string, so reading `event.type` (a
 * native getter) would give the same.
 */
function onEventOf(type: string): (this: EventSource, e: Event) => void {
  if (type === 'open' || type === 'error') return onConnectionTypeOf(type);
  return function (this: EventSource, e: Event): void {
    const state = tracked.get(this)!;
    emitEvent(state.sid, type, e as MessageEvent, (state.origin ??= apply(originOf, e, [])));
  };
}

/**
 * For a page listening to `open` or `error`: the connection's own Events of that type (plain
 * Events: onOpen and onError record them) reach this listener too. Only a server's event of that
 * type (`event: open`) is a MessageEvent. Told apart by prototype, not by reading `data` and
 * catching what it throws: that delayed a page's first `open` by 1.2 ms in Chromium (bench:
 * "first open").
 */
function onConnectionTypeOf(type: string): (this: EventSource, e: Event) => void {
  return function (this: EventSource, e: Event): void {
    if (getPrototypeOf(e) !== messageEventProto) return;
    const state = tracked.get(this)!;
    emitEvent(state.sid, type, e as MessageEvent, (state.origin ??= apply(originOf, e, [])));
  };
}

/** Every EventSource's listener for `message` (made once, not per EventSource). */
const onMessage = onEventOf('message');

function listen(es: EventSource, state: Tracked, type: string): void {
  if (state.types[type]) return;
  state.types[type] = true;
  apply(addListener, es, [type, type === 'message' ? onMessage : onEventOf(type)]);
}

function track(es: EventSource): void {
  const state: Tracked = { sid: newSid(), types: createObject(null) as Record<string, true>, origin: undefined };
  tracked.set(es, state);
  // The stack is taken now and written out when the batch is sent (formatting it is the costly part).
  emitWithStack({ k: 'create', sid: state.sid, t: now(), url: apply(urlOf, es, []), withCredentials: apply(withCredentialsOf, es, []), stack: '' }, stackMark());
  // Ours run first, so they see every event even when a page listener stops propagation.
  apply(addListener, es, ['open', onOpen]);
  apply(addListener, es, ['error', onError]);
  listen(es, state, 'message');
}

export function hookEventSource(): void {
  replaceFunction<typeof EventSource>(window, 'EventSource', {
    construct(target, args, newTarget) {
      const es = constructNative(target, args, newTarget) as EventSource;
      track(es);
      return es;
    },
  });
  // `EventSource.prototype.constructor === EventSource` must keep holding for the replacement.
  Object.defineProperty(esProto, 'constructor', {
    ...Object.getOwnPropertyDescriptor(esProto, 'constructor'),
    value: window.EventSource,
  });

  // A page that listens to a custom event type makes that type visible to us.
  replaceFunction<typeof addListener>(EventTarget.prototype, 'addEventListener', {
    apply(target, self, args) {
      const state = tracked.get(self);
      if (state && typeof args[0] === 'string' && !state.types[args[0]]) {
        emit({ k: 'listen', sid: state.sid, t: now(), type: args[0] });
        listen(self as EventSource, state, args[0]);
      }
      return callNative(target, self, args);
    },
  });

  replaceFunction<EventSource['close']>(esProto, 'close', {
    apply(target, self, args) {
      const state = tracked.get(self);
      if (state && apply(readyStateOf, self, []) !== 2) emit({ k: 'close', sid: state.sid, t: now() });
      return callNative(target, self, args);
    },
  });
}
