// What every hook of the page shares: stream numbers, clocks, the page's stack, and the
// batching of records to the bridge (one batch per task, over the private channel of channel.ts).
import { PROTOCOL_VERSION, type EventRun, type PageItem, type PageRecord } from '../shared/protocol';
import { openChannel } from './channel';
import { apply, bare, charCodeAt, defineProperty, getOwnPropertyDescriptor, indexOf, slice, split, uncurry } from './native';

const postMessage = uncurry(MessagePort.prototype.postMessage as (message: unknown) => void);
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
/**
 * A batch is sent once it holds this many characters of body text and event data: the bridge
 * forwards a batch as one extension message, and Chrome refuses a message over 64 MiB.
 */
const BATCH_CHARS = 4 * 1024 * 1024;
/** A batch is sent once its first record is this old (ms), before the end of the page's task. */
const BATCH_MS = 50;
/** Past this many records a task's batch is sent even before its stacks are written (see added). */
const MAX_HELD = 100 * MAX_BATCH;
// Bare: an index setter the page puts on Array.prototype must not swallow our records.
let pending: PageItem[] = bare([]);
/** Records in `pending`, each event of a run counted. */
let pendingCount = 0;
let pendingChars = 0;
/** The last item of `pending`, when it is a run that the next event of its stream can join. */
let run: EventRun | null = null;
/** Records of `pending` whose `stack` is still to be written from their mark (see emitWithStack). */
let marked: [PageRecord & { stack: string }, Error][] = bare([]);
/** Sends a batch to the bridge (see channel.ts). */
const send = openChannel();
/** Ends the page's task: a batch is sent at the latest then. */
const tick = new NativeMessageChannel();
let flushScheduled = false;

function flush(): void {
  if (pending.length === 0) return;
  // The stacks are written now, at the end of the page's task, not in the call that made them.
  // Indexed reads, never destructuring: that would use the page's Array iterator.
  for (let i = 0; i < marked.length; i++) {
    const pair = marked[i]!;
    try {
      pair[0].stack = pageStack(pair[1]);
    } catch {
      // Never lose the batch over a stack.
    }
  }
  marked = bare([]);
  const items = pending;
  const held = pendingCount > MAX_BATCH;
  pending = bare([]);
  pendingCount = 0;
  pendingChars = 0;
  run = null;
  if (!held) return send({ v: PROTOCOL_VERSION, records: items });
  // Held for their stacks: in messages of at most MAX_BATCH records (a run holds at most that many).
  let records: PageItem[] = bare([]);
  let count = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const size = item.k === 'events' ? item.t.length : 1;
    if (count + size > MAX_BATCH && records.length > 0) {
      send({ v: PROTOCOL_VERSION, records });
      records = bare([]);
      count = 0;
    }
    records[records.length] = item;
    count += size;
  }
  send({ v: PROTOCOL_VERSION, records });
}
tick.port1.onmessage = () => {
  flushScheduled = false;
  flush();
};

/** The time (`t`) of the first record in `pending`. */
let pendingSince = 0;

/** A record made at `t` with `chars` characters of text was added to `pending`. */
function added(chars: number, t: number): void {
  if (pendingCount++ === 0) pendingSince = t;
  pendingChars += chars;
  // A task that makes many records (a burst of events, or a page busy with each one) sends them
  // in messages of a bounded size, and none waits past BATCH_MS for the task's end; while some
  // of their stacks are still to be written, up to MAX_HELD records wait for the end of the task
  // (a page creating streams in a loop does not wait for their stacks).
  const full = pendingCount >= MAX_BATCH || pendingChars >= BATCH_CHARS || t - pendingSince >= BATCH_MS;
  if (full && (marked.length === 0 || pendingCount >= MAX_HELD || pendingChars >= BATCH_CHARS)) return flush();
  if (!flushScheduled) {
    flushScheduled = true;
    postMessage(tick.port2, 0);
  }
}

export function emit(record: PageRecord): void {
  run = null;
  pending[pending.length] = record;
  added(record.k === 'chunk' ? record.text.length : record.k === 'event' ? record.data.length : 0, record.t);
}

/** `record`, whose `stack` is written from `mark` when its batch is sent. */
export function emitWithStack(record: PageRecord & { stack: string }, mark: Error): void {
  marked[marked.length] = [record, mark];
  emit(record);
}

/** An event of an EventSource (the per-event path: no object per event, see EventRun in protocol.ts). */
export function emitEvent(sid: number, t: number, type: string, data: string, id: string, origin: string): void {
  let r = run;
  if (r === null || r.sid !== sid || r.origin !== origin || r.t.length >= MAX_BATCH) {
    r = run = { k: 'events', sid, origin, t: bare([]), type: bare([]), data: bare([]), id: bare([]) };
    pending[pending.length] = r;
  }
  const i = r.t.length;
  r.t[i] = t;
  r.type[i] = type;
  r.data[i] = data;
  r.id[i] = id;
  added(data.length, t);
}

/**
 * Body text of stream `sid` as the page read it; `bytes` is its size on the wire, when known.
 * A long text (a whole body read with text()) goes in pieces of at most BATCH_CHARS (the
 * bridge refuses a chunk over LIMITS.chunk): `bytes` goes with the first, the others say 0.
 */
export function emitChunk(sid: number, text: string, bytes?: number): void {
  const t = now();
  let at = 0;
  do {
    let end = at + BATCH_CHARS;
    // Not between the two halves of a surrogate pair.
    if (end < text.length && ((apply(charCodeAt, text, [end - 1]) as number) & 0xfc00) === 0xd800) end--;
    const piece = end >= text.length && at === 0 ? text : (apply(slice, text, [at, end]) as string);
    emit(bytes === undefined ? { k: 'chunk', sid, t, text: piece } : { k: 'chunk', sid, t, text: piece, bytes: at === 0 ? bytes : 0 });
    at = end;
  } while (at < text.length);
}

// ---- the page's stack ------------------------------------------------------------------------

// Firefox keeps `stack` as an accessor on Error.prototype (V8 puts it on each error).
const stackGetter = Object.getOwnPropertyDescriptor(NativeError.prototype, 'stack')?.get;
/** An error made here, to read the stack from later (formatting it costs; most are never read). */
export const stackMark = () => new NativeError();

/**
 * The text of `error.stack`. V8 formats it on first read with the page's
 * Error.prepareStackTrace, if the page set one: that would run the page's code inside ours
 * (and could throw, or return anything), so it is set aside for the read.
 */
function stackOf(error: Error): string {
  if (stackGetter) return apply(stackGetter, error, []) as string;
  const hook = getOwnPropertyDescriptor(NativeError, 'prepareStackTrace');
  if (hook && !defineProperty(NativeError, 'prepareStackTrace', bare({ value: undefined }))) return '';
  try {
    const stack: unknown = error.stack;
    return typeof stack === 'string' ? stack : '';
  } finally {
    if (hook) defineProperty(NativeError, 'prepareStackTrace', bare(hook));
  }
}
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
