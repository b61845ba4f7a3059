// EventSource: the page keeps the browser's own constructor and objects. We add listeners of
// our own (never wrapping the page's): open, error and message at construction, before the
// page can add any, and one for each other type the page starts listening to.
import { replaceFunction } from '../disguise';
import { emit, newSid, now, pageStack, timeOrigin } from '../emitter';
import { SafeWeakMap, apply, construct, createObject, getter } from '../native';

const NativeEventSource = window.EventSource;
const esProto = NativeEventSource.prototype;
const readyStateOf = getter(esProto, 'readyState') as (this: EventSource) => number;
const urlOf = getter(esProto, 'url') as (this: EventSource) => string;
const withCredentialsOf = getter(esProto, 'withCredentials') as (this: EventSource) => boolean;
const typeOf = getter(Event.prototype, 'type') as (this: Event) => string;
const timeStampOf = getter(Event.prototype, 'timeStamp') as (this: Event) => number;
const dataOf = getter(MessageEvent.prototype, 'data') as (this: MessageEvent) => string;
const lastEventIdOf = getter(MessageEvent.prototype, 'lastEventId') as (this: MessageEvent) => string;
const originOf = getter(MessageEvent.prototype, 'origin') as (this: MessageEvent) => string;
const addListener = EventTarget.prototype.addEventListener;

/** What we know of each EventSource the page created. */
interface Tracked {
  sid: number;
  /** Event types we listen to on it (a null-prototype object: no method the page could patch). */
  types: Record<string, true>;
}
const tracked = new SafeWeakMap<EventSource, Tracked>();

const eventTime = (e: Event) => timeOrigin + apply(timeStampOf, e, []);

function onOpen(this: EventSource, e: Event): void {
  emit({ k: 'open', sid: tracked.get(this)!.sid, t: eventTime(e) });
}

function onError(this: EventSource, e: Event): void {
  const readyState = apply(readyStateOf, this, []) === 2 ? 2 : 0;
  emit({ k: 'error', sid: tracked.get(this)!.sid, t: eventTime(e), readyState });
}

function onEvent(this: EventSource, e: Event): void {
  emit({
    k: 'event',
    sid: tracked.get(this)!.sid,
    t: eventTime(e),
    type: apply(typeOf, e, []),
    data: apply(dataOf, e, []),
    id: apply(lastEventIdOf, e, []),
    origin: apply(originOf, e, []),
  });
}

function listen(es: EventSource, state: Tracked, type: string): void {
  if (state.types[type]) return;
  state.types[type] = true;
  apply(addListener, es, [type, onEvent]);
}

function track(es: EventSource): void {
  const state: Tracked = { sid: newSid(), types: createObject(null) as Record<string, true> };
  tracked.set(es, state);
  emit({
    k: 'create',
    sid: state.sid,
    t: now(),
    url: apply(urlOf, es, []),
    withCredentials: apply(withCredentialsOf, es, []),
    stack: pageStack(),
  });
  // Ours run first, so they see every event even when a page listener stops propagation.
  apply(addListener, es, ['open', onOpen]);
  apply(addListener, es, ['error', onError]);
  listen(es, state, 'message');
}

export function hookEventSource(): void {
  replaceFunction<typeof EventSource>(window, 'EventSource', {
    construct(target, args, newTarget) {
      const es = construct(target, args, newTarget) as EventSource;
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
      return apply(target, self, args);
    },
  });

  replaceFunction<EventSource['close']>(esProto, 'close', {
    apply(target, self, args) {
      const state = tracked.get(self);
      if (state && apply(readyStateOf, self, []) !== 2) emit({ k: 'close', sid: state.sid, t: now() });
      return apply(target, self, args);
    },
  });
}
