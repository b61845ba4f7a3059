/// <reference types="vite/client" />
// The private channel between the page hook (MAIN world) and the bridge (ISOLATED world): an
// EventTarget of the hook's own, on which it dispatches each batch as a CustomEvent. Dispatching
// is synchronous, so the bridge has a batch in the same task as the events in it (a
// MessageChannel delivers only between the page's tasks, and a page busy with a fast stream
// left the bridge, and so the panel, seconds behind). Nothing is ever posted on the page's
// window or document after the handshake, and the page holds no reference to the target.
//
// The handshake: the hook hands the target to the bridge as the `relatedTarget` of a DOM event
// dispatched on the document at document_start, before any page script exists to listen.
// Which of the two scripts runs first is not guaranteed, so each side announces itself and
// answers the other. The bridge takes the target by cancelling that event: the hook knows at
// once, in the same task, and never offers it again, so no page script can ask for it (and
// listen to it) with a forged announcement of its own.
import { HANDSHAKE, type PageBatch } from '../shared/protocol';
import { apply, bare } from './native';

// Taken at document_start, in the page hook's world, before any page script can replace them.
const NativeMouseEvent = MouseEvent;
const NativeCustomEvent = CustomEvent;
const NativeEventTarget = EventTarget;
const dispatch = EventTarget.prototype.dispatchEvent;
const addListener = EventTarget.prototype.addEventListener;
const removeListener = EventTarget.prototype.removeEventListener;
const stringify = JSON.stringify;

// Firefox gives the bridge the page's objects through Xray wrappers, and reading a batch through
// them costs ~4 µs per event (measured: 430 of the 550 ms we cost its page process per 100 000
// EventSource events); a string crosses whole (our objects have no prototype, so no toJSON of the
// page's is read). Chrome clones the objects into the bridge's world when it reads them.
const AS_JSON = import.meta.env.MODE === 'firefox';

/**
 * Page side: offers the channel until the bridge takes it, and returns the function that sends a
 * batch on it. Batches sent before the bridge took it wait, and go then, in order.
 */
export function openChannel(): (batch: PageBatch) => void {
  const target = new NativeEventTarget();
  let unsent: PageBatch[] | null = bare([]);
  const send = (batch: PageBatch): void => {
    if (unsent) return void (unsent[unsent.length] = batch);
    apply(dispatch, target, [new NativeCustomEvent(HANDSHAKE.batch, bare({ detail: AS_JSON ? stringify(batch) : batch }))]);
  };
  const offer = () => {
    if (apply(dispatch, document, [new NativeMouseEvent(HANDSHAKE.offer, bare({ cancelable: true, relatedTarget: target }))])) return;
    apply(removeListener, document, [HANDSHAKE.bridgeReady, offer]);
    const waited = unsent!;
    unsent = null;
    for (let i = 0; i < waited.length; i++) send(waited[i]!);
  };
  apply(addListener, document, [HANDSHAKE.bridgeReady, offer]);
  offer();
  return send;
}

/** A batch's data as the bridge reads it: one sent as JSON (Firefox) is parsed, to null if it does not parse. */
function fromJson(detail: unknown): unknown {
  if (typeof detail !== 'string') return detail;
  try {
    return JSON.parse(detail) as unknown;
  } catch {
    return null;
  }
}

/** Bridge side: takes the page hook's target (the first one offered), and gives it each batch's data. */
export function acceptChannel(onBatch: (data: unknown) => void): void {
  const take = (e: Event) => {
    const target = (e as MouseEvent).relatedTarget;
    if (!target) return;
    e.preventDefault();
    document.removeEventListener(HANDSHAKE.offer, take);
    target.addEventListener(HANDSHAKE.batch, (batch) => onBatch(fromJson((batch as CustomEvent).detail)));
  };
  document.addEventListener(HANDSHAKE.offer, take);
  document.dispatchEvent(new Event(HANDSHAKE.bridgeReady));
}
