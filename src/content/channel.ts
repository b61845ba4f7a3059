// The private channel between the page hook (MAIN world) and the bridge (ISOLATED world).
// Nothing is ever posted on the page's window (its `message` listeners would see it): the
// hook hands one end of a MessageChannel to the bridge in a DOM event dispatched on the
// document at document_start, before any page script exists to listen. Which of the two
// scripts runs first is not guaranteed, so each side announces itself and answers the other.
// The bridge takes the port by cancelling that event: the hook knows at once, in the same
// task, and never offers it again, so no page script can ask for it (and close it, or
// transfer it away) with a forged announcement of its own.
import { HANDSHAKE } from '../shared/protocol';
import { apply } from './native';

const NativeMessageEvent = MessageEvent;
const addListener = EventTarget.prototype.addEventListener;
const removeListener = EventTarget.prototype.removeEventListener;

/** Page side: offers `port` until the bridge takes it. `dispatch` returns dispatchEvent's result. */
export function offerPort(port: MessagePort, dispatch: (e: Event) => boolean): void {
  const offer = () => {
    const taken = !dispatch(new NativeMessageEvent(HANDSHAKE.port, { cancelable: true, ports: [port] }));
    if (taken) apply(removeListener, document, [HANDSHAKE.bridgeReady, offer]);
  };
  apply(addListener, document, [HANDSHAKE.bridgeReady, offer]);
  offer();
}

/** Bridge side: takes the page hook's port, the first one offered. */
export function acceptPort(onPort: (port: MessagePort) => void): void {
  const take = (e: Event) => {
    const port = (e as MessageEvent).ports?.[0];
    if (!port) return;
    e.preventDefault();
    document.removeEventListener(HANDSHAKE.port, take);
    onPort(port);
  };
  document.addEventListener(HANDSHAKE.port, take);
  document.dispatchEvent(new Event(HANDSHAKE.bridgeReady));
}
