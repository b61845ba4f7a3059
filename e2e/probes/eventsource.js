// Page-observable behaviour of EventSource, run in a page as its own script would. The
// transparency test runs it with and without the extension: results must be identical.
// Plain JavaScript on purpose: it is evaluated in the page exactly as written (as the
// function `(probe)(kit)`; see kit.js).
async () => {
  const out = {};
  const attrs = (d) => d && { writable: d.writable, enumerable: d.enumerable, configurable: d.configurable, get: typeof d.get, set: typeof d.set, value: typeof d.value };
  const fnFacts = (f) => f && { string: String(f), name: f.name, length: f.length, proto: Object.getPrototypeOf(f) === Function.prototype, keys: Reflect.ownKeys(f).map(String).sort() };
  const caught = (fn) => {
    try { fn(); return 'no error'; } catch (e) { return [Object.prototype.toString.call(e), e.name, e.message, e instanceof TypeError, e instanceof DOMException]; }
  };
  const until = (ms) => new Promise((r) => setTimeout(r, ms));
  const base = location.origin;

  // The constructor and its prototype.
  out.ctor = fnFacts(EventSource);
  out.windowProperty = attrs(Object.getOwnPropertyDescriptor(window, 'EventSource'));
  out.constants = [EventSource.CONNECTING, EventSource.OPEN, EventSource.CLOSED, EventSource.prototype.CLOSED];
  out.protoConstructor = EventSource.prototype.constructor === EventSource;
  out.protoConstructorProperty = attrs(Object.getOwnPropertyDescriptor(EventSource.prototype, 'constructor'));
  out.protoKeys = Reflect.ownKeys(EventSource.prototype).map(String).sort();
  out.protoChain = Object.getPrototypeOf(EventSource.prototype) === EventTarget.prototype && Object.getPrototypeOf(EventSource) === EventTarget;
  out.close = fnFacts(EventSource.prototype.close);
  out.closeProperty = attrs(Object.getOwnPropertyDescriptor(EventSource.prototype, 'close'));
  out.addEventListener = fnFacts(EventTarget.prototype.addEventListener);
  out.addEventListenerProperty = attrs(Object.getOwnPropertyDescriptor(EventTarget.prototype, 'addEventListener'));
  out.toString = fnFacts(Function.prototype.toString);
  out.toStringOfToString = Function.prototype.toString.call(Function.prototype.toString);
  out.windowKeys = Object.getOwnPropertyNames(window).sort().join(',');
  out.toStringTag = Object.prototype.toString.call(new EventSource(base + '/2-counter/stream?interval=5000'));

  // An instance.
  const es = new EventSource('/2-counter/stream?interval=5000');
  out.instance = {
    instanceOf: es instanceof EventSource,
    isEventTarget: es instanceof EventTarget,
    proto: Object.getPrototypeOf(es) === EventSource.prototype,
    constructor: es.constructor === EventSource,
    ownKeys: Reflect.ownKeys(es).map(String),
    readyState: es.readyState,
    url: es.url,
    withCredentials: es.withCredentials,
    handlers: [es.onopen, es.onmessage, es.onerror],
  };
  out.credentials = new EventSource('/2-counter/stream?interval=5000', { withCredentials: true }).withCredentials;
  es.close();
  out.afterClose = es.readyState;
  out.closeTwice = caught(() => es.close());

  // Subclassing.
  class Sub extends EventSource {
    constructor(url) { super(url); this.tag = 'sub'; }
    m() { return 42; }
  }
  const sub = new Sub('/2-counter/stream?interval=5000');
  out.subclass = [sub instanceof Sub, sub instanceof EventSource, sub.m(), sub.tag, sub.constructor === Sub, Object.getPrototypeOf(Sub) === EventSource, Sub.CLOSED, sub.readyState];
  sub.close();
  out.reflectConstruct = Object.getPrototypeOf(Reflect.construct(EventSource, ['/2-counter/stream?interval=5000'], Sub)) === Sub.prototype;

  // Errors: the same type and message.
  out.errors = {
    call: caught(() => EventSource('/x')),
    noArgs: caught(() => new EventSource()),
    badUrl: caught(() => new EventSource('http://[::1')),
    badScheme: caught(() => new EventSource('ftp://127.0.0.1/x').close()),
    closeOnObject: caught(() => EventSource.prototype.close.call({})),
    addListenerOnObject: caught(() => EventTarget.prototype.addEventListener.call({}, 'x', () => {})),
    toStringOnObject: caught(() => Function.prototype.toString.call({})),
    readyStateOnProto: caught(() => EventSource.prototype.readyState),
  };

  // Delivery: listener order, `this`, event objects, stopImmediatePropagation, removal.
  const windowMessages = [];
  window.addEventListener('message', (e) => windowMessages.push(String(e.data)), true);
  document.addEventListener('message', (e) => windowMessages.push(String(e.data)), true);
  const log = [];
  const s1 = new EventSource('/2-counter/stream?interval=20');
  const first = function (e) {
    log.push(['first', e.lastEventId, / GMT;$/.test(e.data), this === s1, e.target === s1, e.currentTarget === s1, e instanceof MessageEvent, e.isTrusted, e.eventPhase, e.origin === location.origin, e.bubbles, e.cancelable]);
    if (e.lastEventId === '2') e.stopImmediatePropagation();
  };
  s1.onmessage = function (e) { log.push(['onmessage', e.lastEventId, this === s1]); };
  s1.addEventListener('message', first);
  const removed = () => log.push(['removed']);
  s1.addEventListener('message', removed);
  s1.removeEventListener('message', removed);
  s1.addEventListener('message', (e) => log.push(['third', e.lastEventId]), { once: false });
  s1.addEventListener('open', (e) => log.push(['open', s1.readyState, e.constructor.name]));
  await until(400);
  s1.close();
  out.delivery = log.slice(0, 12);
  out.handlerIdentity = typeof s1.onmessage === 'function' && s1.onmessage.toString().includes('onmessage');

  // Reconnects: a response that ends makes the browser reconnect, with the last id.
  const seq = [];
  const s2 = new EventSource('/1-oneshot/stream?retry=50');
  s2.onopen = () => seq.push(['open', s2.readyState]);
  s2.onmessage = (e) => seq.push(['message', e.data.startsWith('The server time is:')]);
  s2.onerror = () => seq.push(['error', s2.readyState]);
  await until(1200);
  s2.close();
  out.reconnects = seq.slice(0, 9);

  // Custom types only where listened; close() inside open; HTTP errors; wrong MIME type.
  const custom = [];
  const s3 = new EventSource('/3-custom-event/stream?interval=30');
  s3.addEventListener('myEvent', (e) => custom.push(['myEvent', e.type, /#\d+$/.test(e.data)]));
  const s4 = new EventSource('/4-retry-close/stream?interval=30');
  s4.onopen = () => { custom.push(['s4 open']); s4.close(); custom.push(['s4 closed', s4.readyState]); };
  s4.onerror = () => custom.push(['s4 error']);
  s4.addEventListener('connecttime', () => custom.push(['s4 connecttime']));
  const failures = [];
  for (const url of ['/nope', '/', '/2-counter/']) {
    const f = new EventSource(url);
    f.onopen = () => failures.push([url, 'open']);
    f.onerror = () => failures.push([url, 'error', f.readyState]);
  }
  await until(500);
  s3.close();
  out.custom = custom.slice(0, 6);
  out.failures = failures.sort((a, b) => a[0].localeCompare(b[0]));
  out.windowMessages = windowMessages;
  return out;
}
