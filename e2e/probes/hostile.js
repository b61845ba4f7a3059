// Hostile and broken pages, for e2e/hostile.test.ts: each probe runs in a page and returns what
// the page itself got, which the test compares with what the extension captured. Plain
// JavaScript on purpose: evaluated in the page exactly as written, as `(probes)(kit).name(...)`.
({ waitFor }) => {
  /**
   * Opens an EventSource (with `Ctor`), keeps [type, lastEventId, data] of every event of
   * `types` until `done(events)` says so, then closes it.
   */
  const eventSource = (url, types, done, Ctor = EventSource) =>
    new Promise((resolve) => {
      const es = new Ctor(url);
      const events = [];
      for (const type of types) {
        es.addEventListener(type, (e) => {
          events.push([e.type, e.lastEventId, e.data]);
          if (done(events)) {
            es.close();
            resolve({ events, es });
          }
        });
      }
    });
  const count = (n) => (events) => events.length === n;
  const readAll = async (res) => {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: text + decoder.decode(), bytes };
      bytes += value.byteLength;
      text += decoder.decode(value, { stream: true });
    }
  };
  const xhrText = (url) =>
    new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.open('GET', url);
      x.onloadend = () => resolve(x.responseText);
      x.send();
    });

  return {
    /** Event types, ids and data that are the names of prototype properties, and over-long ones. */
    async prototypeKeys(url, types) {
      const es = await eventSource(url, types, (events) => events.at(-1)[2] === 'end');
      const fetched = await (await fetch(url)).text();
      const xhr = await xhrText(url);
      return { events: es.events, fetched, xhr, polluted: 'polluted' in {} };
    },

    /**
     * `n` EventSources at once, half of them to the other origin: each gets two events and is
     * closed. Resolves with how long it took and how many got both events.
     */
    async concurrent(peer, n) {
      const t0 = performance.now();
      const got = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          eventSource(`${i % 2 ? peer : ''}/sse?n=2&id=1&acao=star&end=hang&key=concurrent-${i}`, ['message'], count(2)).then((r) => r.events.map((e) => e[2]).join()),
        ),
      );
      return { ms: performance.now() - t0, complete: got.filter((g) => g === 'e1,e2').length };
    },

    /** `n` EventSources created and closed in a loop: how long the loop took. */
    loop(n) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) new EventSource(`/sse?key=loop-${i}`).close();
      return performance.now() - t0;
    },

    /** One body, read by an EventSource, by fetch (reader and text()) and by XHR. */
    async sameBody(url, fetchUrls, xhrUrl) {
      const es = await eventSource(url, ['message'], (events) => events.at(-1)[2] === 'end');
      const reader = await readAll(await fetch(fetchUrls[0]));
      const text = await (await fetch(fetchUrls[1])).text();
      return { events: es.events.map((e) => e[2]), reader, text, xhr: await xhrText(xhrUrl) };
    },

    /**
     * The page wraps EventSource, fetch, Response.text and XHR after the extension did (as
     * polyfills and instrumentation libraries do, some twice), then uses them.
     */
    async wrappers(keys) {
      const NativeEventSource = EventSource;
      const nativeFetch = fetch;
      const calls = { es: 0, fetch: 0, text: 0, send: 0 };
      // An old-style function wrapper, then a subclass, then a Proxy around that.
      window.EventSource = function EventSource(url, init) {
        calls.es++;
        return new NativeEventSource(url, init);
      };
      window.EventSource.prototype = NativeEventSource.prototype;
      const FunctionWrapped = window.EventSource;
      window.EventSource = class extends NativeEventSource {
        constructor(url, init) {
          calls.es++;
          super(url, init);
        }
      };
      window.EventSource = new Proxy(window.EventSource, { construct: (t, a, n) => (calls.es++, Reflect.construct(t, a, n)) });
      // fetch: a wrapper that clones each response to peek at it (as loggers do), then a Proxy.
      window.fetch = function (...args) {
        calls.fetch++;
        return nativeFetch.apply(this, args).then((res) => {
          res.clone().text().catch(() => undefined);
          return res;
        });
      };
      window.fetch = new Proxy(window.fetch, { apply: (t, self, a) => (calls.fetch++, Reflect.apply(t, self, a)) });
      const text = Response.prototype.text;
      Response.prototype.text = function () {
        calls.text++;
        return text.call(this);
      };
      const send = XMLHttpRequest.prototype.send;
      XMLHttpRequest.prototype.send = function (...args) {
        calls.send++;
        return send.apply(this, args);
      };

      const byFunction = await eventSource(`/sse?n=3&id=1&end=hang&key=${keys.esFunction}`, ['message'], count(3), FunctionWrapped);
      const byAll = await eventSource(`/sse?n=3&id=1&end=hang&key=${keys.es}`, ['message'], count(3), window.EventSource);
      const reader = await readAll(await fetch(`/sse?n=3&id=1&key=${keys.fetchReader}`));
      const fetched = await (await fetch(`/sse?n=3&id=1&key=${keys.fetchText}`)).text();
      const xhr = await xhrText(`/sse?n=3&id=1&key=${keys.xhr}`);
      return {
        calls,
        instances: [byFunction.es instanceof NativeEventSource, byAll.es instanceof NativeEventSource],
        events: { [keys.esFunction]: byFunction.events, [keys.es]: byAll.events },
        texts: { [keys.fetchReader]: reader.text, [keys.fetchText]: fetched, [keys.xhr]: xhr },
      };
    },

    /**
     * After load, the page replaces or breaks what the extension's page hook could rely on,
     * then opens streams. Everything the probe itself needs is taken first; results go in
     * plain objects (arrays are broken too).
     */
    async sabotage(keys) {
      const keep = { setTimeout: setTimeout.bind(window), fetch: fetch.bind(window), Promise, XHR: XMLHttpRequest, ES: EventSource };
      const wait = (ms) => new keep.Promise((r) => keep.setTimeout(r, ms));
      // What a broken builtin does when called: throws its name (an Error would need Error).
      const fail = (what) => () => {
        throw `sabotaged ${what}`;
      };
      const define = Object.defineProperty;
      const broken = {};
      const breaks = {
        postMessage: () => (MessagePort.prototype.postMessage = fail('postMessage')),
        dispatchEvent: () => (EventTarget.prototype.dispatchEvent = fail('dispatchEvent')),
        removeEventListener: () => (EventTarget.prototype.removeEventListener = fail('removeEventListener')),
        JSON: () => (window.JSON = undefined),
        push: () => (Array.prototype.push = fail('push')),
        iterator: () => define(Array.prototype, Symbol.iterator, { value: function* () {}, configurable: true }),
        indexSetters: () => {
          for (let i = 0; i < 4; i++) define(Array.prototype, i, { set() {}, configurable: true });
        },
        dictionaryGetters: () => {
          // Dictionary members natives read, descriptor fields, and Proxy traps.
          const keys = ['start', 'size', 'autoAllocateChunkSize', 'highWaterMark', 'get', 'set', 'value', 'writable', 'apply', 'construct', 'has'];
          for (let i = 0; i < keys.length; i++) define(Object.prototype, keys[i], { __proto__: null, get: fail(keys[i]), configurable: true });
        },
        functionPrototype: () => {
          Function.prototype.apply = fail('apply');
          Function.prototype.call = fail('call');
          Function.prototype.bind = fail('bind');
        },
        Reflect: () => {
          const keys = ['apply', 'construct', 'defineProperty', 'getOwnPropertyDescriptor', 'getPrototypeOf'];
          for (let i = 0; i < keys.length; i++) Reflect[keys[i]] = fail(`Reflect.${keys[i]}`);
        },
        Object: () => {
          const keys = ['create', 'defineProperty', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'setPrototypeOf'];
          for (let i = 0; i < keys.length; i++) Object[keys[i]] = fail(`Object.${keys[i]}`);
        },
        WeakMap: () => {
          WeakMap.prototype.get = () => undefined;
          WeakMap.prototype.set = fail('WeakMap.set');
        },
        then: () => (Promise.prototype.then = fail('then')),
        strings: () => {
          String.prototype.split = () => [];
          String.prototype.indexOf = () => -1;
          String.prototype.slice = () => '';
          String.prototype.charCodeAt = () => 0xd800;
          RegExp.prototype.exec = () => null;
        },
        prepareStackTrace: () => (Error.prepareStackTrace = fail('prepareStackTrace')),
        performance: () => (Performance.prototype.now = () => 0),
        TextDecoder: () => (TextDecoder.prototype.decode = () => 'sabotaged'),
        Headers: () => {
          Headers.prototype.get = () => null;
          Headers.prototype.forEach = fail('Headers.forEach');
        },
        constructors: () => {
          const names = ['Uint8Array', 'MessageChannel', 'MessageEvent', 'CustomEvent', 'EventTarget', 'MouseEvent', 'ReadableStream', 'TextDecoder', 'Error'];
          for (let i = 0; i < names.length; i++) window[names[i]] = fail(names[i]);
        },
      };
      // Indexed loops only, from here on: iteration is among what breaks.
      const names = Object.keys(breaks);
      for (let i = 0; i < names.length; i++) {
        try {
          breaks[names[i]]();
          broken[names[i]] = true;
        } catch (e) {
          broken[names[i]] = String(e);
        }
      }

      const got = {};
      // An EventSource that also listens to a type of its own: the hook must see that listener.
      const es = new keep.ES(`/sse?n=4&types=message,alpha&id=1&end=hang&key=${keys.es}`);
      let events = '';
      let seen = 0;
      const onEvent = (e) => {
        events += `${e.type}:${e.lastEventId}:${e.data};`;
        if (++seen === 4) es.close();
      };
      es.onmessage = onEvent;
      es.addEventListener('alpha', onEvent);
      for (let i = 0; i < 100 && seen < 4; i++) await wait(50);
      got[keys.es] = events;
      // fetch, read through body: bytes only (the page's own decoder is broken too).
      const res = await keep.fetch(`/sse?n=5&id=1&key=${keys.fetchReader}`);
      const reader = res.body.getReader();
      let bytes = 0;
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        bytes += r.value.byteLength;
      }
      got[keys.fetchReader] = bytes;
      got[keys.fetchText] = (await (await keep.fetch(`/sse?n=5&id=1&key=${keys.fetchText}`)).text()).length;
      const x = new keep.XHR();
      x.open('GET', `/sse?n=5&id=1&key=${keys.xhr}`);
      await new keep.Promise((r) => {
        x.onloadend = r;
        x.send();
      });
      got[keys.xhr] = x.responseText.length;
      return { broken, got };
    },

    /** One event of `size` characters: what the page got of it. */
    async hugeEvent(url) {
      const es = await eventSource(url, ['message'], count(1));
      return { length: es.events[0][2].length };
    },

    async hugeText(url) {
      return { length: (await (await fetch(url)).text()).length };
    },

    async hugeReader(url) {
      const { text, bytes } = await readAll(await fetch(url));
      return { length: text.length, bytes };
    },

    /** Waits until `window[name]` is set (by a page script), and returns it. */
    async windowValue(name) {
      await waitFor(() => window[name] !== undefined, 15000);
      return window[name];
    },
  };
}
