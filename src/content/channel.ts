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
import { HANDSHAKE } from '../shared/protocol';
import { apply, bare } from './native';

const NativeMouseEvent = MouseEvent;
const addListener = EventTarget.prototype.addEventListener;
const removeListener = EventTarget.prototype.removeEventListener;

/**
 * Page side: offers `target` until the bridge takes it, then calls `taken`. `dispatch` returns
 * dispatchEvent's result.
 */
export function offerChannel(target: EventTarget, dispatch: (e: Event) => boolean, taken: () => void): void {
  const offer = () => {
    if (dispatch(new NativeMouseEvent(HANDSHAKE.offer, bare({ cancelable: true, relatedTarget: target })))) return;
    apply(removeListener, document, [HANDSHAKE.bridgeReady, offer]);
    taken();
  };
  apply(addListener, document, [HANDSHAKE.bridgeReady, offer]);
  offer();
}

/** A batch's data as the bridge reads it: one sent as JSON (Firefox, see emitter.ts) is parsed, to null if it does not parse. */
function fromJson(detail: unknown): unknown {
  if (typeof detail !== 'string') return detail;
  try {
    return JSON.parse(detail) as unknown;
  } catch {
    return null;
  }
}

/**
 * Bridge side: takes the page hook's target (the first one offered). Each batch is given as the
 * function that reads its data: reading clones it into this world (or parses it), which can wait.
 */
export function acceptChannel(onBatch: (take: () => unknown) => void): void {
  const take = (e: Event) => {
    const target = (e as MouseEvent).relatedTarget;
    if (!target) return;
    e.preventDefault();
    document.removeEventListener(HANDSHAKE.offer, take);
    target.addEventListener(HANDSHAKE.batch, (batch) => onBatch(() => fromJson((batch as CustomEvent).detail)));
  };
  document.addEventListener(HANDSHAKE.offer, take);
  document.dispatchEvent(new Event(HANDSHAKE.bridgeReady));
}
