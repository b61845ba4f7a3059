// @vitest-environment happy-dom
// The page hook's batching (src/content/emitter.ts), in a DOM for Node: when batches leave,
// what they hold, and that an EventSource event is read only when its batch is sent. The
// browser's parts the emitter takes at load (its clock, idle callbacks, visibility, the
// MessageEvent getters) are replaced first by ones this test controls.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HANDSHAKE, type EventRun, type PageBatch, type PageRecord } from '../src/shared/protocol';

let clock = 0;
let visibility: DocumentVisibilityState = 'visible';
let dataReads = 0;
/** How long sending a batch takes, on the emitter's clock. */
let sendMs = 0;
/** How many more times an idle moment says it has time left. */
let idleChecks = Infinity;
const idleCallbacks: IdleRequestCallback[] = [];
const batches: PageBatch[] = [];
let emitter: typeof import('../src/content/emitter');

class FakeIdleDeadline {
  private readonly start = clock;
  constructor(private readonly timedOut: boolean) {}
  get didTimeout(): boolean {
    return this.timedOut;
  }
  /** 50 ms from its start on the emitter's clock; counts down `idleChecks`: the idle moment is over when it reaches 0. */
  timeRemaining(): number {
    return idleChecks-- > 0 ? Math.max(0, 50 - (clock - this.start)) : 0;
  }
}

/** A MessageEvent as browsers make it (happy-dom's has data fields, not getters), counting reads of its data. */
class FakeMessageEvent extends Event {
  readonly #data: string;
  readonly #lastEventId: string;
  constructor(type: string, init: { data: string; lastEventId: string }) {
    super(type);
    this.#data = init.data;
    this.#lastEventId = init.lastEventId;
  }
  get data(): string {
    dataReads++;
    return this.#data;
  }
  get lastEventId(): string {
    return this.#lastEventId;
  }
  get origin(): string {
    return 'http://x';
  }
}

/** The page's next idle moment (or the idle callback's timeout): runs what waits for it. */
function idle(didTimeout = false): void {
  for (const cb of idleCallbacks.splice(0)) cb(new FakeIdleDeadline(didTimeout) as unknown as IdleDeadline);
}

/** The page is idle for a while: two idle moments with nothing new between them. */
function quiet(): void {
  idle();
  idle();
}

/** The end of the current task (the emitter's MessageChannel delivers after it). */
const endOfTask = () => new Promise((resolve) => setTimeout(resolve, 20));

beforeAll(async () => {
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => visibility });
  // The emitter's clock is Performance.prototype.now (Node has no such global).
  Object.assign(globalThis, { Performance: class { now() { return clock; } }, IdleDeadline: FakeIdleDeadline, MessageEvent: FakeMessageEvent });
  // In this environment `window` is Node's global, which happy-dom's EventTarget methods do not
  // take as `this` (the emitter calls them on it as a browser allows): send those to its window.
  const addListener = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (this: EventTarget, type: string, listener: EventListener, options?: AddEventListenerOptions) {
    return this === globalThis ? window.addEventListener(type, listener, options) : addListener.call(this, type, listener, options);
  };
  // happy-dom's MessagePort is not the class of Node's MessageChannel ports, which the emitter uses.
  Object.assign(globalThis, { MessagePort: Object.getPrototypeOf(new MessageChannel().port1).constructor });
  window.requestIdleCallback = (cb: IdleRequestCallback) => (idleCallbacks.push(cb), idleCallbacks.length);
  // The bridge's side of the handshake (channel.ts): take the target, keep every batch (cloned,
  // as Chrome gives it to the bridge: the page hook's arrays have no prototype).
  document.addEventListener(HANDSHAKE.offer, (e) => {
    e.preventDefault();
    (e as MouseEvent).relatedTarget!.addEventListener(HANDSHAKE.batch, (b) => {
      batches.push(structuredClone((b as CustomEvent<PageBatch>).detail));
      clock += sendMs;
    });
  });
  emitter = await import('../src/content/emitter');
});

afterEach(async () => {
  quiet();
  await endOfTask();
  batches.length = 0;
  dataReads = 0;
  idleChecks = Infinity;
  sendMs = 0;
  visibility = 'visible';
});

const message = (i: number, data = `{"n":${i}}`) => new FakeMessageEvent('message', { data, lastEventId: String(i) }) as unknown as MessageEvent;
/** The events of every batch, in order, as [sid, type, data, id]. */
const eventsSent = () =>
  batches.flatMap((b) => b.records.filter((r): r is EventRun => r.k === 'events').flatMap((r) => r.data.map((d, i) => [r.sid, r.type[i], d, r.id[i]])));
const sizes = () => batches.map((b) => b.records.reduce((n, r) => n + (r.k === 'events' ? r.t.length : 1), 0));

describe('the page hook’s batches', () => {
  it('keep each event, and read it only when the page is idle', () => {
    const sent = Array.from({ length: 2500 }, (_, i) => message(i));
    for (const e of sent) emitter.emitEvent(1, 'message', e, 'http://x');
    expect(batches).toHaveLength(0);
    expect(dataReads, 'event data read before the page was idle').toBe(0);
    idle();
    expect(batches, 'sent at the first idle moment after the events').toHaveLength(0);
    idle();
    expect(dataReads).toBe(2500);
    expect(sizes()).toEqual([1000, 1000, 500]);
    expect(eventsSent()).toEqual(sent.map((_, i) => [1, 'message', `{"n":${i}}`, String(i)]));
    const run = batches[0]!.records[0] as EventRun;
    expect(run.origin).toBe('http://x');
    expect(run.t[0]).toBe(emitter.timeOrigin + sent[0]!.timeStamp);
  });

  it('keep the order of records and events, a run per stream', () => {
    emitter.emitEvent(1, 'message', message(1), 'http://x');
    emitter.emitEvent(1, 'tick', message(2), 'http://x');
    emitter.emit({ k: 'close', sid: 1, t: 5 });
    emitter.emitEvent(2, 'message', message(3), 'http://y');
    emitter.emitEvent(1, 'message', message(4), 'http://x');
    quiet();
    expect(batches).toHaveLength(1);
    expect(batches[0]!.records.map((r) => (r.k === 'events' ? `${r.sid}:${r.type.join(',')}` : r.k))).toEqual(['1:message,tick', 'close', '2:message', '1:message']);
  });

  it('send what waited a second at once, then each batch at the end of its task until the page is idle', async () => {
    clock = 10_000;
    for (let i = 0; i < 15; i++) emitter.emitEvent(1, 'message', message(i), 'http://x');
    clock += 999;
    emitter.emitEvent(1, 'message', message(15), 'http://x');
    expect(batches, 'sent before it waited a second').toHaveLength(0);
    for (let i = 16; i < 31; i++) emitter.emitEvent(1, 'message', message(i), 'http://x');
    clock += 1;
    emitter.emitEvent(1, 'message', message(31), 'http://x'); // the 32nd: the clock is read
    expect(sizes()).toEqual([32]);
    // Keeping up: the next batch goes at the end of this task, without idle time.
    emitter.emitEvent(1, 'message', message(32), 'http://x');
    expect(sizes()).toEqual([32]);
    await endOfTask();
    expect(sizes()).toEqual([32, 1]);
    // …or within the task once it is 50 ms old.
    for (let i = 0; i < 6; i++) {
      clock += 10;
      emitter.emitEvent(1, 'message', message(100 + i), 'http://x');
    }
    expect(sizes()).toEqual([32, 1, 6]);
    // Idle at last: batches wait for idle time again.
    quiet();
    emitter.emitEvent(1, 'message', message(200), 'http://x');
    await endOfTask();
    expect(sizes()).toEqual([32, 1, 6]);
    quiet();
    expect(sizes()).toEqual([32, 1, 6, 1]);
  });

  it('in a burst, wait for an idle moment with no burst since the one before (a burst has idle moments too)', () => {
    const burst = (from: number) => {
      for (let i = from; i < from + 16; i++) emitter.emitEvent(1, 'message', message(i), 'http://x');
    };
    burst(0);
    idle();
    burst(16);
    idle();
    expect(batches).toHaveLength(0);
    emitter.emitEvent(1, 'message', message(32), 'http://x'); // not a burst
    idle();
    expect(sizes()).toEqual([33]);
    // 16 KiB of body text is a burst too.
    emitter.emitChunk(2, 'z'.repeat(16 * 1024));
    idle();
    expect(sizes()).toEqual([33]);
    idle();
    expect(sizes()).toEqual([33, 1]);
  });

  it('an ordinary stream’s record goes at the first idle moment', () => {
    emitter.emitEvent(1, 'message', message(1), 'http://x');
    emitter.emitChunk(2, 'data: token\n\n');
    idle();
    expect(sizes()).toEqual([2]);
  });

  it('a fetch or XHR stream’s headers wait one idle moment more: that one is the wait for its body', () => {
    const response = (sid: number): Extract<PageRecord, { k: 'response' }> => ({
      k: 'response', sid, t: 0, kind: 'fetch', url: 'http://x/s', status: 200, statusText: 'OK', headers: [], headersAt: 0, stack: '',
    });
    emitter.emitResponse(response(3), new Error());
    idle();
    expect(batches).toHaveLength(0);
    emitter.emitChunk(3, 'data: token\n\n'); // the first chunk: an ordinary one
    idle();
    expect(batches.map((b) => b.records.map((r) => r.k))).toEqual([['response', 'chunk']]);
    // A body that does not come at once: the second idle moment sends the headers alone.
    emitter.emitResponse(response(4), new Error());
    idle();
    idle();
    expect(sizes()).toEqual([2, 1]);
  });

  it('send a long backlog over several idle moments, each until it is over, in order', () => {
    for (let i = 0; i < 5000; i++) emitter.emitEvent(1, 'message', message(i), 'http://x');
    emitter.emitChunk(2, 'data: after\n\n');
    idle(); // a burst
    idleChecks = 1; // this idle moment is over after its second message
    idle();
    expect(sizes()).toEqual([1000, 1000]);
    emitter.emitEvent(1, 'message', message(5000), 'http://x'); // goes after what waits
    idleChecks = 1;
    idle();
    expect(sizes()).toEqual([1000, 1000, 1000, 1000]);
    idleChecks = Infinity;
    idle();
    expect(sizes()).toEqual([1000, 1000, 1000, 1000, 1000, 2]);
    expect(eventsSent().map((e) => e[3])).toEqual(Array.from({ length: 5001 }, (_, i) => String(i)));
    expect(batches.flatMap((b) => b.records.map((r) => r.k)).slice(-3)).toEqual(['events', 'chunk', 'events']);
    // An idle callback that timed out has no idle time: it sends for 16 ms (sending takes no time here).
    for (let i = 0; i < 3000; i++) emitter.emitEvent(1, 'message', message(i), 'http://x');
    idleChecks = 0;
    idle(true);
    expect(sizes().slice(6)).toEqual([1000, 1000, 1000]);
  });

  it('an idle moment sends no message it has no time left for, by the time the longest one took', () => {
    sendMs = 20;
    for (let i = 0; i < 5000; i++) emitter.emitEvent(1, 'message', message(i), 'http://x');
    idle(); // a burst
    idle(); // 50 ms: a second message leaves 10 ms, too short for a third
    expect(sizes()).toEqual([1000, 1000]);
  });

  it('an idle moment stops inside a long body text too, and the rest goes next', () => {
    sendMs = 20;
    const mib = 1024 * 1024;
    emitter.emitChunk(3, 'a'.repeat(2 * mib) + 'b'.repeat(3 * mib), 5 * mib);
    idle(); // a burst
    idle();
    const chunks = () => batches.map((b) => b.records.map((r) => r as PageRecord & { k: 'chunk' }));
    expect(chunks().map((m) => m.map((c) => c.text[0]))).toEqual([['a'], ['a']]);
    idle();
    idle();
    expect(chunks().map((m) => m.map((c) => c.text.length))).toEqual([[mib], [mib], [mib], [mib], [mib]]);
    expect(chunks().flat().map((c) => c.bytes)).toEqual([5 * mib, 0, 0, 0, 0]);
    expect(chunks().flat().map((c) => c.text).join('')).toBe('a'.repeat(2 * mib) + 'b'.repeat(3 * mib));
  });

  it('a backlog that short idle moments cannot keep up with still goes within a second', () => {
    clock = 50_000;
    for (let i = 0; i < 5000; i++) emitter.emitEvent(1, 'message', message(i), 'http://x');
    idle(); // a burst
    idleChecks = 0; // idle moments too short for more than one message (an animating page)
    idle();
    clock += 500;
    idleChecks = 0;
    idle();
    expect(sizes()).toEqual([1000, 1000]);
    clock += 500; // the backlog's first events came a second ago: the next idle moment sends all of it
    idleChecks = 0;
    idle();
    expect(sizes()).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(eventsSent().map((e) => e[3])).toEqual(Array.from({ length: 5000 }, (_, i) => String(i)));
  });

  it('an idle callback that timed out sends, but batches still wait for idle time after it', async () => {
    emitter.emitEvent(1, 'message', message(1), 'http://x');
    idle(true);
    expect(sizes()).toEqual([1]);
    emitter.emitEvent(1, 'message', message(2), 'http://x');
    await endOfTask();
    expect(sizes()).toEqual([1]);
  });

  it('keep each message under 1 MiB of text, cutting a run where it must', () => {
    const mb = 'x'.repeat(256 * 1024);
    for (let i = 0; i < 6; i++) emitter.emitEvent(1, 'message', message(i, mb), 'http://x');
    quiet();
    expect(sizes()).toEqual([4, 2]);
    expect(eventsSent().map((e) => e[3])).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('copy a fetch body’s bytes, and decode them when sent', () => {
    const decoder = new TextDecoder();
    const wire = new TextEncoder().encode('data: «é»\n\n');
    const first = wire.slice(0, 9); // ends inside the é
    emitter.emitBytes(4, decoder, first, true);
    first.fill(0x41); // the page reuses its buffer
    emitter.emitBytes(4, decoder, wire.slice(9), true);
    emitter.emitBytes(4, decoder, new Uint8Array(0), false);
    quiet();
    const chunks = batches.flatMap((b) => b.records) as (PageRecord & { k: 'chunk' })[];
    expect(chunks.map((c) => c.text).join('')).toBe('data: «é»\n\n');
    expect(chunks.map((c) => c.bytes)).toEqual([9, wire.length - 9]);
  });

  it('hold body text for idle time up to 64 MiB, and start sending past it', () => {
    const mib = 1024 * 1024;
    const texts = () => batches.map((b) => b.records.map((r) => (r as PageRecord & { text: string }).text.length));
    emitter.emitChunk(3, 'y'.repeat(5 * mib)); // more than a message holds
    expect(batches).toHaveLength(0);
    quiet();
    expect(texts()).toEqual([[mib], [mib], [mib], [mib], [mib]]);
    batches.length = 0;
    const text = 'y'.repeat(33 * mib);
    emitter.emitChunk(3, text);
    expect(batches).toHaveLength(0);
    emitter.emitChunk(3, text);
    expect(texts().flat().reduce((a, b) => a + b, 0)).toBe(2 * text.length);
    expect(Math.max(...texts().map((m) => m.reduce((a, b) => a + b, 0)))).toBe(mib);
  });

  it('outside idle time, send for 16 ms, then go on at the end of the page’s next task', async () => {
    sendMs = 6; // the third message would end past 16 ms
    for (let i = 0; i < 3000; i++) emitter.emitEvent(1, 'message', message(i), 'http://x');
    idle(true); // the idle callback's timeout: a task of the busy page
    expect(sizes()).toEqual([1000, 1000]);
    await endOfTask();
    expect(sizes()).toEqual([1000, 1000, 1000]);
    expect(eventsSent().map((e) => e[3])).toEqual(Array.from({ length: 3000 }, (_, i) => String(i)));
    // A page being left sends all it has.
    batches.length = 0;
    for (let i = 0; i < 3000; i++) emitter.emitEvent(1, 'message', message(i), 'http://x');
    window.dispatchEvent(new Event('pagehide'));
    expect(sizes()).toEqual([1000, 1000, 1000]);
  });

  it('in a hidden page, send at the end of the task', async () => {
    visibility = 'hidden';
    emitter.emitEvent(1, 'message', message(1), 'http://x');
    expect(batches).toHaveLength(0);
    await endOfTask();
    expect(sizes()).toEqual([1]);
  });

  it('send what waits when the page is left', () => {
    emitter.emitEvent(1, 'message', message(1), 'http://x');
    window.dispatchEvent(new Event('pagehide'));
    expect(sizes()).toEqual([1]);
  });
});
