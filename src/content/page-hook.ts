// The page hook: runs in the page's MAIN world at document_start, in every frame, before any
// page script. It observes every EventSource the page creates and never changes what the page
// sees: the page keeps the browser's own objects, and we only add listeners of our own.
// Per event it reads a few fields into a batch; one batch per task goes to the bridge.
import { PROTOCOL_VERSION, type PageRecord } from '../shared/protocol';
import { offerPort } from './channel';
import { replaceFunction } from './disguise';
import { SafeWeakMap, apply, construct, createObject, indexOf, split } from './native';

// Native functions and getters, taken before any page script can replace them.
const NativeEventSource = window.EventSource;
const esProto = NativeEventSource.prototype;
const getter = (proto: object, key: string) => Object.getOwnPropertyDescriptor(proto, key)!.get!;
const readyStateOf = getter(esProto, 'readyState') as (this: EventSource) => number;
const urlOf = getter(esProto, 'url') as (this: EventSource) => string;
const withCredentialsOf = getter(esProto, 'withCredentials') as (this: EventSource) => boolean;
const typeOf = getter(Event.prototype, 'type') as (this: Event) => string;
const timeStampOf = getter(Event.prototype, 'timeStamp') as (this: Event) => number;
const dataOf = getter(MessageEvent.prototype, 'data') as (this: MessageEvent) => string;
const lastEventIdOf = getter(MessageEvent.prototype, 'lastEventId') as (this: MessageEvent) => string;
const originOf = getter(MessageEvent.prototype, 'origin') as (this: MessageEvent) => string;
const addListener = EventTarget.prototype.addEventListener;
const dispatch = EventTarget.prototype.dispatchEvent;
const postMessage = MessagePort.prototype.postMessage;
const perfNow = Performance.prototype.now.bind(performance);
const timeOrigin = performance.timeOrigin;
const NativeError = Error;
// Firefox keeps `stack` as an accessor on Error.prototype (V8 puts it on each error).
const stackGetter = Object.getOwnPropertyDescriptor(NativeError.prototype, 'stack')?.get;
const stackHere = () => {
  const error = new NativeError();
  return String(stackGetter ? apply(stackGetter, error, []) : error.stack);
};
// Where this script's own frames point (Chrome: its chrome-extension:// URL; Firefox: a
// MAIN-world script is "<anonymous code>"), read once from a frame of ours at start.
const ownLocation = (stackHere().split('\n').find((l) => /:\d+:\d+\)?$/.test(l)) ?? '')
  .replace(/:\d+:\d+\)?$/, '')
  .replace(/^.*[(@]|^\s*at /, '');

/** The current stack without our frames (nor Chrome's "Error" header): the page's code. */
function pageStack(): string {
  const lines = apply(split, stackHere(), ['\n']) as string[];
  let stack = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '' || line === 'Error' || (ownLocation !== '' && (apply(indexOf, line, [ownLocation]) as number) >= 0)) continue;
    stack += stack === '' ? line : `\n${line}`;
  }
  return stack;
}
const NativeMessageChannel = MessageChannel;

/** What we know of each EventSource the page created. */
interface Tracked {
  sid: number;
  /** Event types we listen to on it (a null-prototype object: no method the page could patch). */
  types: Record<string, true>;
}
const tracked = new SafeWeakMap<EventSource, Tracked>();
let nextSid = 1;

// ---- batching: records of one task go in one message --------------------------------------

let pending: PageRecord[] = [];
// Messages posted before the bridge has taken its end wait in the channel.
const channel = new NativeMessageChannel();
const bridge = channel.port1;
const tick = new NativeMessageChannel();
let flushScheduled = false;

function flush(): void {
  flushScheduled = false;
  if (pending.length === 0) return;
  const records = pending;
  pending = [];
  apply(postMessage, bridge, [{ v: PROTOCOL_VERSION, records }]);
}
tick.port1.onmessage = flush;

function emit(record: PageRecord): void {
  pending[pending.length] = record;
  if (!flushScheduled) {
    flushScheduled = true;
    apply(postMessage, tick.port2, [0]);
  }
}

// ---- observing one EventSource ----------------------------------------------------------

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
    data: apply(dataOf, e, []) as string,
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
  const state: Tracked = { sid: nextSid++, types: createObject(null) as Record<string, true> };
  tracked.set(es, state);
  emit({
    k: 'create',
    sid: state.sid,
    t: timeOrigin + perfNow(),
    url: apply(urlOf, es, []),
    withCredentials: apply(withCredentialsOf, es, []),
    stack: pageStack(),
  });
  // Ours are added before the page can add any, so they run first and see every event even
  // when a page listener stops propagation.
  apply(addListener, es, ['open', onOpen]);
  apply(addListener, es, ['error', onError]);
  listen(es, state, 'message');
}

// ---- the patches -------------------------------------------------------------------------

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
    if (state && typeof args[0] === 'string') {
      if (!state.types[args[0]]) {
        emit({ k: 'listen', sid: state.sid, t: timeOrigin + perfNow(), type: args[0] });
        listen(self as EventSource, state, args[0]);
      }
    }
    return apply(target, self, args);
  },
});

replaceFunction<EventSource['close']>(esProto, 'close', {
  apply(target, self, args) {
    const state = tracked.get(self);
    if (state && apply(readyStateOf, self, []) !== 2) {
      emit({ k: 'close', sid: state.sid, t: timeOrigin + perfNow() });
    }
    return apply(target, self, args);
  },
});

// ---- connecting to the bridge ------------------------------------------------------------

offerPort(bridge, channel.port2, (e) => apply(dispatch, document, [e]));
