// The private channel between the page hook (MAIN world) and the bridge (ISOLATED world).
// Nothing is ever posted on the page's window (its `message` listeners would see it): the
// hook hands one end of a MessageChannel to the bridge in a DOM event dispatched on the
// document at document_start, before any page script exists to listen. Which of the two
// scripts runs first is not guaranteed, so each side announces itself and answers the other.
import { HANDSHAKE } from '../shared/protocol';

/** Page side: offers `port` until the bridge takes it (it says so with a first message). */
export function offerPort(port: MessagePort, portToOffer: MessagePort, dispatch: (e: Event) => void): void {
  const offer = () => dispatch(new MessageEvent(HANDSHAKE.port, { ports: [portToOffer] }));
  document.addEventListener(HANDSHAKE.bridgeReady, offer);
  port.addEventListener('message', () => document.removeEventListener(HANDSHAKE.bridgeReady, offer), { once: true });
  port.start();
  offer();
}

/** Bridge side: resolves with the page hook's port, and acknowledges it. */
export function acceptPort(onPort: (port: MessagePort) => void): void {
  const take = (e: Event) => {
    const port = (e as MessageEvent).ports[0];
    if (!port) return;
    document.removeEventListener(HANDSHAKE.port, take);
    port.postMessage('ack');
    onPort(port);
  };
  document.addEventListener(HANDSHAKE.port, take);
  document.dispatchEvent(new Event(HANDSHAKE.bridgeReady));
}
