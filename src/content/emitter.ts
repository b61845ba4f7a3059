// What every hook of the page shares: stream numbers, clocks, the page's stack, and the
// batching of records to the bridge (one message per task over the private channel).
import { PROTOCOL_VERSION, type PageBatch, type PageRecord } from '../shared/protocol';
import { offerPort } from './channel';
import { apply, indexOf, split } from './native';

const dispatch = EventTarget.prototype.dispatchEvent;
const postMessage = MessagePort.prototype.postMessage;
const perfNow = Performance.prototype.now.bind(performance);
const NativeMessageChannel = MessageChannel;
const NativeError = Error;

export const timeOrigin = performance.timeOrigin;
/** Now, as epoch ms with sub-ms precision. */
export const now = () => timeOrigin + perfNow();

let nextSid = 1;
/** Numbers a stream within this document. */
export const newSid = () => nextSid++;

// ---- batching ------------------------------------------------------------------------------

const MAX_BATCH = 1000;
let pending: PageRecord[] = [];
// Messages posted before the bridge has taken its end wait in the channel.
const channel = new NativeMessageChannel();
const bridge = channel.port1;
const tick = new NativeMessageChannel();
let flushScheduled = false;

function flush(): void {
  if (pending.length === 0) return;
  const batch: PageBatch = { v: PROTOCOL_VERSION, records: pending };
  pending = [];
  apply(postMessage, bridge, [batch]);
}
tick.port1.onmessage = () => {
  flushScheduled = false;
  flush();
};

export function emit(record: PageRecord): void {
  pending[pending.length] = record;
  // A task that makes many records (a burst of events) sends them in messages of a bounded size.
  if (pending.length >= MAX_BATCH) return flush();
  if (!flushScheduled) {
    flushScheduled = true;
    apply(postMessage, tick.port2, [0]);
  }
}

offerPort(bridge, channel.port2, (e) => apply(dispatch, document, [e]));

// ---- the page's stack ------------------------------------------------------------------------

// Firefox keeps `stack` as an accessor on Error.prototype (V8 puts it on each error).
const stackGetter = Object.getOwnPropertyDescriptor(NativeError.prototype, 'stack')?.get;
/** An error made here, to read the stack from later (formatting it costs; most are never read). */
export const stackMark = () => new NativeError();
const stackOf = (error: Error) => String(stackGetter ? apply(stackGetter, error, []) : error.stack);
// Where this script's own frames point (Chrome: its chrome-extension:// URL; Firefox: a
// MAIN-world script is "<anonymous code>"), read once from a frame of ours at start.
const ownLocation = (stackOf(stackMark()).split('\n').find((l) => /:\d+:\d+\)?$/.test(l)) ?? '')
  .replace(/:\d+:\d+\)?$/, '')
  .replace(/^.*[(@]|^\s*at /, '');

/** The stack at `mark` without our frames (nor Chrome's "Error" header): the page's code. */
export function pageStack(mark: Error = stackMark()): string {
  const lines = apply(split, stackOf(mark), ['\n']) as string[];
  let stack = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '' || line === 'Error' || (ownLocation !== '' && (apply(indexOf, line, [ownLocation]) as number) >= 0)) continue;
    stack += stack === '' ? line : `\n${line}`;
  }
  return stack;
}
