// What every hook of the page shares: stream numbers, clocks, the page's stack, and the
// batching of records to the bridge (sent when the page is idle, over the private channel of
// channel.ts).
import { PROTOCOL_VERSION, type EventRun, type PageItem, type PageRecord } from '../shared/protocol';
import { openChannel } from './channel';
import { apply, bare, charCodeAt, defineProperty, getOwnPropertyDescriptor, getter, indexOf, slice, split, uncurry } from './native';

const postMessage = uncurry(MessagePort.prototype.postMessage as (message: unknown) => void);
const perfNow = Performance.prototype.now.bind(performance);
const NativeMessageChannel = MessageChannel;
const NativeError = Error;
const addEventListener = EventTarget.prototype.addEventListener;

export const timeOrigin = performance.timeOrigin;
/** Now, as epoch ms with sub-ms precision. */
export const now = () => timeOrigin + perfNow();

let nextSid = 1;
/** Numbers a stream within this document. */
export const newSid = () => nextSid++;

// ---- batching ------------------------------------------------------------------------------
//
// The page hook runs on the page's thread, so it keeps its work out of the page's busy moments.
// - What it can read later, it keeps: an EventSource event as the page's own MessageEvent (in
//   Chromium, a listener that reads `data` and `lastEventId` makes a firehose page take 1.9× as
//   long, one that keeps the event 1.3×, as one doing nothing does: bench/README.md), and a
//   fetch body's bytes as a copy, decoded when sent.
// - Batches are sent when the page is idle: at an idle moment, unless a burst of records came
//   since the one before (a burst has idle moments too), or once the first record has waited
//   MAX_WAIT_MS, checked as records come (an idle callback's timeout is itself a task, queued
//   behind the events of a busy page). From then on, until the page is idle again, a batch goes at the end
//   of each task, or sooner once it is BATCH_MS old or MAX_BATCH records long.
// - Sending stops when its time is up, and the rest goes next, in order: an idle moment sends
//   until it is over, any other moment for TASK_MS, then again at the end of the page's next
//   task (a big backlog sent at once would be one long task, which the page feels as input
//   delay). What waited MAX_WAIT_MS no longer waits for idle moments (short ones, as in an
//   animating page, may not keep up).
// - Body bytes wait as events do, up to HOLD_CHARS: a page read a 24 MB fetch firehose 5×
//   slower when each 4 MiB of it was sent at once (bench/HISTORY.md, eighth round).
// So a burst shorter than MAX_WAIT_MS is not slowed by us, and under a longer firehose the
// panel stays within about a second of the page plus the time to send that second's backlog.
// A hidden page sends at the end of each task (its idle callbacks may be held back), and a page
// being left sends all it has (pagehide; its navigation waits for that).

const MAX_WAIT_MS = 1000;
const BATCH_MS = 50;
/** Records per message (each event of a run counted). */
const MAX_BATCH = 1000;
/**
 * Characters of body text and event data per message (the bridge forwards each as one extension
 * message): the smallest step sending can stop at. At 4 MiB one message made a task of 55-76 ms
 * in Chromium.
 */
const BATCH_CHARS = 1024 * 1024;
/**
 * Characters of body text and bytes of body held (copies of what the page got): past this,
 * sending starts without waiting for idle time, so memory stays bounded.
 */
const HOLD_CHARS = 64 * 1024 * 1024;
/** What a message is first thought to take (MAX_BATCH events: 2 ms in Chromium); then, the longest one so far. */
const MESSAGE_MS = 3;
/** Sending outside idle time stops after this, and goes on at the end of the page's next task. */
const TASK_MS = 16;

/** Events of one stream, held as the page's MessageEvents until their batch is sent. */
interface HeldRun {
  k: 'held';
  sid: number;
  origin: string;
  type: string[];
  events: MessageEvent[];
  /** The first event not sent yet (an idle moment ended while this run was being sent). */
  at: number;
}

/**
 * Body bytes of a fetch() stream, decoded when sent. A copy: the page may reuse, change or
 * transfer the buffer it was given.
 */
interface HeldBytes {
  k: 'bytes';
  sid: number;
  t: number;
  decoder: TextDecoder;
  bytes: Uint8Array;
  /** More bytes may follow (decode with `stream: true`). */
  stream: boolean;
}

// Bare: an index setter the page puts on Array.prototype must not swallow our records.
let pending: (PageRecord | HeldRun | HeldBytes)[] = bare([]);
/** Records in `pending`, each held event counted. */
let pendingCount = 0;
/** Characters of body text in `pending`, and bytes of held bodies (held events are measured when sent). */
let pendingChars = 0;
/** When the first record of `pending` came (performance.now()). */
let pendingSince = 0;
/** The last item of `pending`, when it is a run that the next event of its stream can join. */
let run: HeldRun | null = null;
/** Records of `pending` whose `stack` is still to be written from their mark (see emitWithStack). */
let marked: [PageRecord & { stack: string }, Error][] = bare([]);
/** Sends a batch to the bridge (see channel.ts). */
const send = openChannel();
/** Batches go as they come: the first record of one waited MAX_WAIT_MS, and the page was not idle since. */
let keepingUp = false;
let idleScheduled = false;
/** Ends the page's task, while batches go as they come. */
const tick = new NativeMessageChannel();
let tickScheduled = false;
const IDLE_OPTIONS = bare({ timeout: MAX_WAIT_MS });

// Read when a batch is sent (and by the hooks for their own events).
const timeStampOf = uncurry(getter(Event.prototype, 'timeStamp') as (this: Event) => number);
/** When an event was dispatched, as epoch ms (the same clock as now()). */
export const eventTime = (e: Event) => timeOrigin + timeStampOf(e);
const dataOf = uncurry(getter(MessageEvent.prototype, 'data') as (this: MessageEvent) => string);
const lastEventIdOf = uncurry(getter(MessageEvent.prototype, 'lastEventId') as (this: MessageEvent) => string);
const NativeUint8Array = Uint8Array;
const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as Uint8Array;
const byteLengthOf = uncurry(getter(typedArrayProto, 'byteLength') as (this: Uint8Array) => number);
// `set` copies from a typed array without reading anything the page can change (unlike slice(),
// which asks the array's constructor for its species).
const setBytes = uncurry(typedArrayProto.set as (this: Uint8Array, source: Uint8Array) => void);
const decode = uncurry(TextDecoder.prototype.decode);
const STREAM = bare({ stream: true });

/**
 * Sends what is pending, in messages of at most MAX_BATCH records and BATCH_CHARS characters:
 * given an idle moment's `deadline`, until that moment is over; without one, for TASK_MS; `all`:
 * everything (a second's firehose took 200 ms to send in Chromium: a long task the page would
 * feel). The rest waits, in order, before what comes after it: for the next idle moment, or,
 * outside one, the end of the page's next task.
 */
function flush(deadline?: IdleDeadline, all = false): void {
  if (pending.length === 0) return;
  const started = perfNow();
  // The stacks are written now, not in the page's call that made them.
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
  pending = bare([]);
  pendingCount = 0;
  pendingChars = 0;
  run = null;
  let records: PageItem[] = bare([]);
  let count = 0;
  let chars = 0;
  let sent = 0;
  /** The longest a message took so far, from the end of the one before (decoding its text included). */
  let messageMs = MESSAGE_MS;
  let lastSent = started;
  const next = () => {
    sent++;
    send({ v: PROTOCOL_VERSION, records });
    records = bare([]);
    count = 0;
    chars = 0;
    const t = perfNow();
    if (t - lastSent > messageMs) messageMs = t - lastSent;
    lastSent = t;
  };
  /** After a message: whether the time left (the idle moment's, or TASK_MS outside one) is too short for another as long. */
  const overdue = () => !all && (deadline !== undefined ? timeRemaining(deadline) : TASK_MS - (perfNow() - started)) < messageMs;
  /** Where sending stopped: the first item not sent (whole, or from its run's `at`). */
  let stop = -1;
  /** Whether a record of `size` characters must go in the next message. */
  const full = (size: number) => count > 0 && (count === MAX_BATCH || chars + size > BATCH_CHARS);
  const put = (record: PageRecord, size: number) => {
    if (full(size)) next();
    records[records.length] = record;
    count++;
    chars += size;
  };
  const chunk = (sid: number, t: number, text: string, bytes: number | undefined): PageRecord =>
    bytes === undefined ? { k: 'chunk', sid, t, text } : { k: 'chunk', sid, t, text, bytes };
  // Body text goes in pieces of at most BATCH_CHARS (the bridge refuses a chunk over
  // LIMITS.chunk); its wire size (`bytes`) goes with the first, the others say 0. Returns what
  // is left of it when sending must stop (a message went, and time is up).
  const putText = (sid: number, t: number, text: string, bytes: number | undefined): PageRecord | undefined => {
    let at = 0;
    do {
      let end = at + BATCH_CHARS;
      // Not between the two halves of a surrogate pair.
      if (end < text.length && ((apply(charCodeAt, text, [end - 1]) as number) & 0xfc00) === 0xd800) end--;
      const piece = end >= text.length && at === 0 ? text : (apply(slice, text, [at, end]) as string);
      const size = at === 0 || bytes === undefined ? bytes : 0;
      if (full(piece.length)) {
        next();
        if (overdue()) return chunk(sid, t, at === 0 ? text : (apply(slice, text, [at]) as string), size);
      }
      put(chunk(sid, t, piece, size), piece.length);
      at = end;
    } while (at < text.length);
    return undefined;
  };
  for (let i = 0; i < items.length && stop < 0; i++) {
    const item = items[i]!;
    if (sent > 0 && overdue()) {
      stop = i;
      break;
    }
    if (item.k === 'chunk' || item.k === 'bytes') {
      let left: PageRecord | undefined;
      if (item.k === 'chunk') left = putText(item.sid, item.t, item.text, item.bytes);
      else {
        const text = item.stream ? decode(item.decoder, item.bytes, STREAM) : decode(item.decoder, item.bytes);
        const size = byteLengthOf(item.bytes);
        if (text !== '' || size > 0) left = putText(item.sid, item.t, text, size);
      }
      if (left !== undefined) {
        items[i] = left;
        stop = i;
      }
      continue;
    }
    if (item.k !== 'held') {
      put(item, 0);
      continue;
    }
    let out: EventRun | null = null;
    for (let j = item.at; j < item.events.length; j++) {
      const event = item.events[j]!;
      const data = dataOf(event);
      if (full(data.length)) {
        next();
        out = null;
        if (overdue()) {
          item.at = j;
          stop = i;
          break;
        }
      }
      if (out === null) {
        out = { k: 'events', sid: item.sid, origin: item.origin, t: bare([]), type: bare([]), data: bare([]), id: bare([]) };
        records[records.length] = out;
      }
      const n = out.t.length;
      out.t[n] = eventTime(event);
      out.type[n] = item.type[j]!;
      out.data[n] = data;
      out.id[n] = lastEventIdOf(event);
      count++;
      chars += data.length;
    }
  }
  if (count > 0) next();
  if (stop < 0) return;
  // Outside idle time the page is busy: the rest goes at the end of its next task.
  if (deadline === undefined) keepingUp = true;
  keep(items, stop);
}

/**
 * What flush left, from `items[from]` on: pending again, to be sent at the next idle moment.
 * `pendingSince` stays that of the batch it came from, so a backlog that short idle moments
 * cannot keep up with still goes within MAX_WAIT_MS (see onIdle), instead of growing.
 */
function keep(items: (PageRecord | HeldRun | HeldBytes)[], from: number): void {
  for (let i = from; i < items.length; i++) {
    const item = items[i]!;
    pending[pending.length] = item;
    pendingCount += item.k === 'held' ? item.events.length - item.at : 1;
    pendingChars += item.k === 'chunk' ? item.text.length : item.k === 'bytes' ? byteLengthOf(item.bytes) : 0;
  }
  schedule();
}

const requestIdleCallback = window.requestIdleCallback;
const didTimeoutOf = getter(IdleDeadline.prototype, 'didTimeout') as (this: IdleDeadline) => boolean;
const timeRemaining = uncurry(IdleDeadline.prototype.timeRemaining);
const visibilityOf = getter(Document.prototype, 'visibilityState') as (this: Document) => DocumentVisibilityState;

/** At a batch's first record: the page's next idle moment sends it, or the end of the task. */
function schedule(): void {
  if (!idleScheduled) {
    idleScheduled = true;
    apply(requestIdleCallback, window, [onIdle, IDLE_OPTIONS]);
  }
  if (!tickScheduled && (keepingUp || apply(visibilityOf, document, []) === 'hidden')) {
    tickScheduled = true;
    postMessage(tick.port2, 0);
  }
}

/**
 * A burst: at least this many records, or characters of body, came since the previous idle
 * moment (an ordinary stream, an LLM's tokens, brings one or two records of a few hundred).
 */
const BURST = { records: 16, chars: 16 * 1024 };
/** `pendingCount` and `pendingChars` at the last idle moment that came in a burst (see onIdle). */
let countAtIdle = 0;
let charsAtIdle = 0;
/** A response's headers came since the last idle moment, and its body is due (see emitResponse). */
let bodyDue = false;

function onIdle(deadline: IdleDeadline): void {
  idleScheduled = false;
  const timedOut = apply(didTimeoutOf, deadline, []);
  const age = perfNow() - pendingSince;
  const burst = bodyDue || pendingCount - countAtIdle >= BURST.records || pendingChars - charsAtIdle >= BURST.chars;
  bodyDue = false;
  // A burst has idle moments too (a fetch body comes in chunks, with idle moments between
  // them), and sending in one would hold up its next chunk: in a burst, a batch waits for an
  // idle moment with no burst since the one before.
  if (!timedOut && age < MAX_WAIT_MS && burst) {
    countAtIdle = pendingCount;
    charsAtIdle = pendingChars;
    idleScheduled = true;
    apply(requestIdleCallback, window, [onIdle, bare({ timeout: MAX_WAIT_MS - age })]);
    return;
  }
  if (!timedOut) keepingUp = false;
  flush(timedOut || age >= MAX_WAIT_MS ? undefined : deadline);
  // What flush left did not come since this idle moment: not a burst.
  countAtIdle = pendingCount;
  charsAtIdle = pendingChars;
}

tick.port1.onmessage = () => {
  tickScheduled = false;
  if (keepingUp || apply(visibilityOf, document, []) === 'hidden') flush();
};

apply(addEventListener, window, ['pagehide', () => flush(undefined, true), bare({ capture: true })]);

/** A record with `chars` characters of body text was added to `pending`. */
function added(chars: number): void {
  pendingChars += chars;
  if (pendingCount++ === 0) {
    pendingSince = perfNow();
    schedule();
  }
  // While waiting for idle time, the clock is read at every 16th record only (a firehose page
  // calls this for each event).
  if (!keepingUp && (pendingCount & 15) !== 0 && pendingChars < HOLD_CHARS) return;
  const age = perfNow() - pendingSince;
  if (age >= MAX_WAIT_MS) keepingUp = true;
  if (pendingChars >= HOLD_CHARS || (keepingUp && (age >= BATCH_MS || pendingCount >= MAX_BATCH))) flush();
}

export function emit(record: PageRecord): void {
  run = null;
  pending[pending.length] = record;
  added(record.k === 'chunk' ? record.text.length : 0);
}

/** `record`, whose `stack` is written from `mark` when its batch is sent. */
export function emitWithStack(record: PageRecord & { stack: string }, mark: Error): void {
  marked[marked.length] = [record, mark];
  emit(record);
}

/**
 * The headers of a fetch or XHR event stream (with the stack at `mark`). Its body follows: the
 * next idle moment is most likely the wait for the first chunk, and sending then held that
 * chunk up (by 2-4 ms in Firefox), so that moment counts as one in a burst (see onIdle).
 */
export function emitResponse(record: Extract<PageRecord, { k: 'response' }>, mark: Error): void {
  emitWithStack(record, mark);
  bodyDue = true;
}

/**
 * An event of an EventSource, of type `type` (the per-event path: the event is kept, and read
 * when its batch is sent; its fields are read-only, so they are what they were now).
 */
export function emitEvent(sid: number, type: string, event: MessageEvent, origin: string): void {
  let r = run;
  if (r === null || r.sid !== sid || r.origin !== origin) {
    r = run = { k: 'held', sid, origin, type: bare([]), events: bare([]), at: 0 };
    pending[pending.length] = r;
  }
  const i = r.events.length;
  r.events[i] = event;
  r.type[i] = type;
  added(0);
}

/** Body text of stream `sid` as the page read it; `bytes` is its size on the wire, when known. */
export function emitChunk(sid: number, text: string, bytes?: number): void {
  emit(bytes === undefined ? { k: 'chunk', sid, t: now(), text } : { k: 'chunk', sid, t: now(), text, bytes });
}

/**
 * Body bytes of stream `sid` as the page read them, decoded with `decoder` when sent (`stream`:
 * more may follow; the last call, with stream false, gives what the decoder still holds).
 */
export function emitBytes(sid: number, decoder: TextDecoder, bytes: Uint8Array, stream: boolean): void {
  const size = byteLengthOf(bytes);
  const copy = new NativeUint8Array(size);
  setBytes(copy, bytes);
  run = null;
  pending[pending.length] = { k: 'bytes', sid, t: now(), decoder, bytes: copy, stream };
  added(size);
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
