// Helpers shared by the probes (fetch.js, xhr.js, eventsource-network.js, fidelity.js). The
// tests evaluate `(probe)(kit)` in a fresh page: each probe is an async function of this kit.
// Plain JavaScript on purpose, like the probes.
(() => {
  const peer = new URLSearchParams(location.search).get('peer');
  const nonce = Math.random().toString(36).slice(2, 10);
  let counter = 0;
  /** A unique name for a request, so the server can tell them apart. */
  const key = (name) => `${name}-${nonce}-${++counter}`;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const waitFor = async (cond, ms = 5000) => {
    const end = Date.now() + ms;
    while (!(await cond())) {
      if (Date.now() > end) return false;
      await sleep(10);
    }
    return true;
  };
  /** FNV-1a over bytes (a Uint8Array) or over a string's UTF-8 bytes. */
  const fnv = (x) => {
    const bytes = typeof x === 'string' ? new TextEncoder().encode(x) : x;
    let h = 0x811c9dc5;
    for (let i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193);
    }
    return (h >>> 0).toString(16);
  };
  const concat = (chunks) => {
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.byteLength;
    }
    return all;
  };
  const err = (e) =>
    e === null || typeof e !== 'object'
      ? [typeof e, String(e)]
      : [Object.prototype.toString.call(e), e.name, e.message, e.constructor && e.constructor.name, e instanceof DOMException ? e.code : null];
  const caught = (fn) => {
    try {
      const v = fn();
      return ['no error', typeof v];
    } catch (e) {
      return err(e);
    }
  };
  const settle = async (p) => {
    try {
      const v = await p;
      return ['resolved', v === undefined ? 'undefined' : typeof v];
    } catch (e) {
      return ['rejected', err(e)];
    }
  };
  const attrs = (d) => d && { writable: d.writable, enumerable: d.enumerable, configurable: d.configurable, get: typeof d.get, set: typeof d.set, value: typeof d.value };
  const fnFacts = (f) => f && { string: Function.prototype.toString.call(f), name: f.name, length: f.length, keys: Reflect.ownKeys(f).map(String).sort() };
  /** A result without what differs from run to run: the nonce, the peer's and our origins. */
  const norm = (x) =>
    JSON.parse((JSON.stringify(x) ?? 'null').split(nonce).join('NONCE').split(encodeURIComponent(peer)).join('PEER').split(peer).join('PEER').split(location.origin).join('ORIGIN'));
  /** `run(name, fn)` keeps in `out[name]` what fn resolves with, or that it crashed or timed out. */
  const results = () => {
    const out = {};
    const run = async (name, fn, ms = 15000) => {
      try {
        out[name] = norm(await Promise.race([fn(), sleep(ms).then(() => ({ timedOut: true }))]));
      } catch (e) {
        out[name] = { crashed: String((e && e.stack) || e) };
      }
    };
    return { out, run };
  };
  return { peer, nonce, key, sleep, waitFor, fnv, concat, err, caught, settle, attrs, fnFacts, results };
})()
