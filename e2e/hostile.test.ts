// Hostile and broken pages: whatever a page does, the extension must neither crash nor stall
// (nor the page), must capture what the page really got, and must drop and count what it
// refuses (counters.invalidRecords), never silently. Page code is in e2e/probes/hostile.js,
// except the forged handshake, which must run as the page's very first script.
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launch, type BrowserName, type Launched } from '../scripts/launch';
import { PANEL_PATH, gotoExtensionPage } from '../scripts/open-panel';
import type { EventRecord, Stream } from '../src/shared/model';
import { LIMITS, type LogSnapshot } from '../src/shared/protocol';
import { CaptureReader, tabIdOf, type CaptureSummary } from './harness/capture';
import { Pages, pageUrl, until } from './harness/pages';
import { probeCall } from './harness/probe';
import { sseScript, startTestServer, type TestServer } from './harness/test-server';

const call = (name: string, ...args: unknown[]) => probeCall('e2e/probes/hostile.js', name, ...args);
const withKey = (snapshot: LogSnapshot, key: string) => snapshot.streams.filter((s) => s.url.endsWith(`key=${key}`));
const eventsOf = (snapshot: LogSnapshot, s: Stream) => snapshot.events.filter((e) => e.streamId === s.id && e.kind === 'event');
const triple = (e: EventRecord) => [e.type, e.id, e.data];
const b64 = (body: Buffer) => body.toString('base64url');

/**
 * The page's first script: it forges the handshake of the page hook and the bridge
 * (src/content/channel.ts) in `doc`, before anything else of the page and again later: it asks
 * for the channel as a bridge would (and listens on any target it gets: it would see every
 * batch), offers a target of its own as the page hook would, and sends junk on it.
 */
const FORGE = `
  window.forged = { targets: 0, taken: 0 };
  const own = new WeakSet();
  const junk = () => {
    const t = Date.now();
    const create = (url, sid = 1) => ({ k: 'create', sid, t, url, withCredentials: false, stack: '' });
    return [
      { v: 1, records: [create('forged:create'), { k: 'event', sid: 1, t, type: 'message', data: 'forged', id: '', origin: '' }] },
      null, 42, 'batch', true, [1, 2], { v: 1 }, { v: 1, records: 'x' }, { v: 2, records: [create('forged:v2')] },
      { v: 1, records: [null, 7, { k: 'nope' }, { k: 'chunk', sid: 1, t, text: 'x'.repeat(16 * 1024 * 1024 + 1) }] },
      JSON.parse('{"__proto__": {"polluted": "yes"}, "v": 1, "records": [{"__proto__": {"polluted": "yes"}, "k": "create", "sid": 2, "t": 1, "url": "forged:proto", "withCredentials": false, "stack": ""}]}'),
      { constructor: { prototype: { polluted: 'yes' } }, prototype: { polluted: 'yes' }, v: 1, records: [{ constructor: { prototype: { polluted: 'yes' } }, k: 'listen', sid: 1, t, type: 'constructor' }] },
    ];
  };
  window.forge = (doc) => {
    doc.addEventListener('sse-inspector:channel', (e) => {
      if (!e.relatedTarget || own.has(e.relatedTarget)) return;
      forged.targets++;
      e.relatedTarget.addEventListener('sse-inspector:batch', () => forged.targets++);
    });
    doc.dispatchEvent(new Event('sse-inspector:bridge-ready'));
    const target = new EventTarget();
    own.add(target);
    if (!doc.dispatchEvent(new MouseEvent('sse-inspector:channel', { relatedTarget: target, cancelable: true }))) forged.taken++;
    doc.dispatchEvent(new Event('sse-inspector:channel'));
    for (const detail of junk()) target.dispatchEvent(new CustomEvent('sse-inspector:batch', { detail }));
  };
  forge(document);
`;

/** After load: forges again, in the page and in a new about:blank frame, then opens a stream in each. */
const AFTER_LOAD = (keys: string[]) => `
  addEventListener('load', async () => {
    forge(document);
    const frame = document.body.appendChild(document.createElement('iframe'));
    forge(frame.contentDocument);
    const open = (key, Ctor) => new Promise((resolve) => {
      const es = new Ctor('/sse?n=3&id=1&end=hang&key=' + key);
      const events = [];
      es.onmessage = (e) => {
        events.push(e.data);
        if (events.length < 3) return;
        es.close();
        resolve(events);
      };
    });
    const got = {};
    got['${keys[0]}'] = await open('${keys[0]}', EventSource);
    got['${keys[1]}'] = await open('${keys[1]}', frame.contentWindow.EventSource);
    // Some time for anything to reach the background.
    await new Promise((r) => setTimeout(r, 300));
    window.result = { forged, got };
  });
`;

/** Whether a hostile page's `polluted` reached Object.prototype (or others) in a realm. */
const POLLUTED = `[Object.prototype, Array.prototype, Function.prototype].some((p) => Object.prototype.hasOwnProperty.call(p, 'polluted')) || ({}).polluted !== undefined`;

describe.each<BrowserName>(['chromium', 'firefox'])('hostile pages in %s', (name) => {
  let server: TestServer;
  let launched: Launched;
  let reader: CaptureReader;
  const pages = new Pages(() => launched.browser);

  beforeAll(async () => {
    server = await startTestServer();
    launched = await launch(name);
    reader = await CaptureReader.open(launched);
  });
  afterAll(async () => {
    await reader?.close();
    await launched?.close();
    await server?.close();
  });
  afterEach(() => pages.closeAll());

  /** Opens `url` and returns the page with its tab id. */
  async function open(url: string): Promise<{ page: Page; tabId: number }> {
    const page = await pages.open(url);
    return { page, tabId: await tabIdOf(launched, page) };
  }

  /**
   * Whether anything got polluted in the extension's realms the test can reach: an extension
   * page (where panels read the capture), the background, and in Chromium the bridge's
   * isolated world in `page` (Firefox gives no way into a content script's sandbox).
   */
  async function pollutedRealms(page: Page): Promise<Record<string, boolean>> {
    const realms: Record<string, boolean> = {};
    const extensionPage = await pages.open();
    await gotoExtensionPage(extensionPage, `${launched.extensionOrigin}${PANEL_PATH}?tabId=-1`);
    realms.extensionPage = (await extensionPage.evaluate(POLLUTED)) as boolean;
    if (name === 'chromium') {
      const worker = await (await launched.browser.waitForTarget((t) => t.type() === 'service_worker')).worker();
      realms.background = (await worker!.evaluate(POLLUTED)) as boolean;
      const cdp = await page.createCDPSession();
      const contexts: { id: number; name: string }[] = [];
      cdp.on('Runtime.executionContextCreated', (e) => contexts.push(e.context));
      await cdp.send('Runtime.enable');
      const bridges = contexts.filter((c) => c.name === 'SSE Inspector');
      expect(bridges.length, 'the bridge’s isolated worlds').toBeGreaterThan(0);
      for (const c of bridges) {
        const r = await cdp.send('Runtime.evaluate', { contextId: c.id, expression: POLLUTED, returnByValue: true });
        realms[`bridge ${c.id}`] = r.result.value as boolean;
      }
      await cdp.detach();
    } else {
      realms.background = (await extensionPage.evaluate(`(async () => {
        const bg = await browser.runtime.getBackgroundPage();
        return [bg.Object.prototype, bg.Array.prototype, bg.Function.prototype].some((p) => Object.prototype.hasOwnProperty.call(p, 'polluted'));
      })()`)) as boolean;
    }
    return realms;
  }
  const clean = (realms: Record<string, boolean>) => Object.fromEntries(Object.keys(realms).map((k) => [k, false]));

  it('a page can neither take the bridge’s channel nor speak for its page hook, from its first script on', async () => {
    const keys = [`forged-page-${name}`, `forged-frame-${name}`];
    const { page, tabId } = await open(pageUrl(server.origin, `<!doctype html><html><head><script>${FORGE}</script></head><body><script>${AFTER_LOAD(keys)}</script></body></html>`));
    const result = (await page.evaluate(call('windowValue', 'result'))) as { forged: { targets: number; taken: number }; got: Record<string, string[]> };
    expect(result.forged, 'the page got no channel, and no bridge took its own').toEqual({ targets: 0, taken: 0 });
    expect(result.got).toEqual(Object.fromEntries(keys.map((k) => [k, ['e1', 'e2', 'e3']])));

    await reader.waitFor(tabId, (s) => keys.every((k) => s.streams.some((x) => x.stream.url.endsWith(`key=${k}`) && x.stream.state === 'closed')));
    const snapshot = await reader.snapshot(tabId);
    expect(snapshot.streams.map((s) => s.url.replace(/.*key=/, '')).sort(), 'the real streams only').toEqual([...keys].sort());
    for (const key of keys) expect(eventsOf(snapshot, withKey(snapshot, key)[0]!).map((e) => e.data)).toEqual(result.got[key]);
    // What the page sent on its own target never reached a bridge, not even to be refused.
    expect(snapshot.counters.invalidRecords).toBe(0);
    const realms = await pollutedRealms(page);
    expect(realms).toEqual(clean(realms));
  });

  it('prototype property names are data; an over-long type or id is kept cut, and says so; nothing is polluted', async () => {
    const longType = 'T'.repeat(LIMITS.type + 44);
    const longId = 'I'.repeat(LIMITS.id + 976);
    const body = Buffer.from(
      [
        'event: __proto__\nid: __proto__\ndata: {"__proto__":{"polluted":"yes"}}\n\n',
        'event: constructor\nid: constructor\ndata: {"constructor":{"prototype":{"polluted":"yes"}}}\n\n',
        'event: prototype\ndata: prototype\n\n',
        'event: hasOwnProperty\ndata: hasOwnProperty\n\n',
        'event: toString\ndata: toString\n\n',
        'event: valueOf\nid: valueOf\ndata: valueOf\n\n',
        `event: ${longType}\ndata: long type\n\n`,
        `id: ${longId}\ndata: long id\n\n`,
        'id\ndata: end\n\n',
      ].join(''),
    );
    const key = `proto-${name}`;
    const url = `/raw?b64=${b64(body)}&key=${key}`;
    const types = ['message', '__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', longType];
    const { page, tabId } = await open(`${server.origin}/blank`);
    const got = (await page.evaluate(call('prototypeKeys', url, types))) as { events: string[][]; fetched: string; xhr: string; polluted: boolean };
    expect(got.events, 'the page got all nine events').toHaveLength(9);
    expect([got.fetched, got.xhr]).toEqual([body.toString(), body.toString()]);

    const snapshot = await until(
      () => reader.snapshot(tabId),
      (s) => withKey(s, key).length === 3 && withKey(s, key).every((x) => x.state === 'closed'),
    );
    const [es, ...bodies] = ['eventsource', 'fetch', 'xhr'].map((kind) => withKey(snapshot, key).find((s) => s.kind === kind)!);
    // fetch and XHR bodies are parsed in the background: every event, whole.
    for (const s of bodies) expect(eventsOf(snapshot, s!).map(triple), s!.kind).toEqual(got.events);
    // The page hook's records are checked by the bridge: the long type (its `listen` and its
    // event) and the long id (which every later event carries) are cut to their limits, and
    // those events say so; nothing is refused.
    const captured = eventsOf(snapshot, es!);
    const over = (e: string[]) => e[0]!.length > LIMITS.type || e[1]!.length > LIMITS.id;
    expect(captured.map(triple)).toEqual(got.events.map(([type, id, data]) => [type!.slice(0, LIMITS.type), id!.slice(0, LIMITS.id), data]));
    expect(captured.map((e) => e.truncated === true)).toEqual(got.events.map(over));
    expect(got.events.filter(over).length).toBeGreaterThanOrEqual(2);
    expect(snapshot.counters.invalidRecords).toBe(0);
    expect(es!.listenedTypes).toContain(longType.slice(0, LIMITS.type));
    for (const type of types.slice(0, -1)) expect(es!.listenedTypes).toContain(type);

    const realms = await pollutedRealms(page);
    expect(realms).toEqual(clean(realms));
  });

  it('a page kept busy by its events: the capture keeps up during the task, not after it', async () => {
    // 3000 events arrive together and the page spends 1.5 ms on each, so it dispatches them in
    // one long task (4.5 s). The first 1000 must reach the background while that task still runs
    // (the bridge waits at most a second for the page to be idle).
    const key = `busy-${name}`;
    const { page, tabId } = await open(pageUrl(server.origin, `<!doctype html><script>
      window.start = () => window.done = new Promise((resolve) => {
        const es = new EventSource('/sse?n=3000&id=1&end=hang&key=${key}');
        let n = 0;
        es.onmessage = () => {
          const until = performance.now() + 1.5;
          while (performance.now() < until);
          if (++n === 3000) (es.close(), resolve(Date.now()));
        };
      });
    </script>`));
    const events = (s: CaptureSummary) => s.streams.find((x) => x.stream.url.endsWith(key))?.records.event ?? 0;
    await page.evaluate('void start()');
    const halfway = await reader.waitFor(tabId, (s) => events(s) >= 1000);
    const seenAt = Date.now();
    expect(events(halfway)).toBeGreaterThanOrEqual(1000);
    const doneAt = (await page.evaluate('window.done')) as number;
    expect(doneAt - seenAt, 'ms the page was still busy after the background held 1000 of its events').toBeGreaterThan(500);
    expect(events(await reader.waitFor(tabId, (s) => events(s) === 3000))).toBe(3000);
  });

  it('1000 EventSources at once, each closed after its second event: all captured', async () => {
    // HTTP/1.1 gives an EventSource one of 6 connections per host (and Chromium 256 sockets
    // in all): 1000 of them are all alive (connecting) at once, and get their turn.
    const n = 1000;
    const { page, tabId } = await open(`${server.origin}/blank`);
    const got = (await page.evaluate(call('concurrent', server.peer, n))) as { ms: number; complete: number };
    expect(got.complete).toBe(n);
    const capture = await reader.waitFor(tabId, (s) => s.streams.filter((x) => x.stream.state === 'closed').length >= n, 30_000);
    console.info(`${name}: ${n} EventSources at once: all had their events after ${got.ms.toFixed(0)} ms`);
    const streams = capture.streams.filter((x) => x.stream.url.includes('key=concurrent-'));
    expect(streams).toHaveLength(n);
    expect(new Set(streams.map((x) => x.stream.url)).size).toBe(n);
    for (const { stream, records } of streams) {
      expect([stream.state, stream.closedBy, stream.eventCount, records.event], stream.url).toEqual(['closed', 'page', 2, 2]);
    }
    expect(capture.counters.invalidRecords).toBe(0);
  });

  it('10 000 EventSources created and closed in a loop: every one captured, or counted', async () => {
    const n = 10_000;
    const { page, tabId } = await open(`${server.origin}/blank`);
    const ms = (await page.evaluate(call('loop', n))) as number;
    const capture = await reader.waitFor(tabId, (s) => s.streams.length + s.counters.droppedStreams >= n, 30_000);
    const streams = capture.streams.filter((x) => x.stream.url.includes('key=loop-'));
    expect(streams.length + capture.counters.droppedStreams).toBe(n);
    expect(streams.every((x) => x.stream.state === 'closed' && x.stream.closedBy === 'page')).toBe(true);
    expect(capture.counters.invalidRecords).toBe(0);

    const bare = await launch(name, { extension: false });
    try {
      const plain = await bare.browser.newPage();
      await plain.goto(`${server.origin}/blank`);
      const without = (await plain.evaluate(call('loop', n))) as number;
      console.info(`${name}: ${n} EventSources created and closed: ${ms.toFixed(0)} ms with the extension, ${without.toFixed(0)} ms without`);
    } finally {
      await bare.close();
    }
  });

  it('invalid UTF-8: the capture holds what the page got (U+FFFD), from EventSource, fetch and XHR', async () => {
    const bytes = (...b: number[]) => Buffer.from(b);
    const text = (s: string) => Buffer.from(s, 'utf8');
    const body = Buffer.concat([
      text('data: lead '), bytes(0xc3), text(' continuation '), bytes(0x80, 0xbf), text(' cut '), bytes(0xe2, 0x82),
      text(' overlong '), bytes(0xc0, 0xaf), text(' surrogate '), bytes(0xed, 0xa0, 0x80), text(' beyond '), bytes(0xf4, 0x90, 0x80, 0x80),
      text(' ff '), bytes(0xff), text(' fine é€😀\n\n'),
      text('data: '), bytes(0xf0, 0x9f, 0x98), text('\ndata: '), bytes(0xe2), text('\n\n'),
      text('data: end\n\n'),
    ]);
    const decoded = new TextDecoder().decode(body);
    const key = (kind: string) => `utf8-${kind}-${name}`;
    // In 3-byte pieces: sequences cut across reads too.
    const url = (kind: string) => `/raw?b64=${b64(body)}&chunk=3&key=${key(kind)}`;
    const { page, tabId } = await open(`${server.origin}/blank`);
    const got = (await page.evaluate(call('sameBody', url('es'), [url('reader'), url('text')], url('xhr')))) as {
      events: string[];
      reader: { text: string; bytes: number };
      text: string;
      xhr: string;
    };
    expect(got.events).toHaveLength(3);
    expect(got.events[0]).toContain('\uFFFD');
    expect([got.reader.text, got.text, got.xhr]).toEqual([decoded, decoded, decoded]);

    const kinds = ['es', 'reader', 'text', 'xhr'];
    const snapshot = await until(
      () => reader.snapshot(tabId),
      (s) => kinds.every((k) => withKey(s, key(k))[0]?.state === 'closed'),
    );
    for (const kind of kinds) {
      const streams = withKey(snapshot, key(kind));
      expect(streams, kind).toHaveLength(1);
      expect(eventsOf(snapshot, streams[0]!).map((e) => e.data), kind).toEqual(got.events);
    }
    expect(withKey(snapshot, key('reader'))[0]!.bytes, 'bytes on the wire').toBe(body.length);
    expect(snapshot.counters.invalidRecords).toBe(0);
  });

  it('a page that wraps EventSource, fetch, text() and XHR after us: each stream captured once, its wrappers work', async () => {
    const keys = Object.fromEntries(['esFunction', 'es', 'fetchReader', 'fetchText', 'xhr'].map((k) => [k, `wrapped-${k}-${name}`]));
    const { page, tabId } = await open(`${server.origin}/blank`);
    const got = (await page.evaluate(call('wrappers', keys))) as {
      calls: Record<string, number>;
      instances: boolean[];
      events: Record<string, string[][]>;
      texts: Record<string, string>;
    };
    // Each wrapper ran (two of them on each fetch, and on the second EventSource), and the
    // page still has native EventSources.
    expect(got.calls).toEqual({ es: 3, fetch: 4, text: 3, send: 1 });
    expect(got.instances).toEqual([true, true]);
    const sent = sseScript(new URLSearchParams('n=3&id=1'));

    const snapshot = await until(
      () => reader.snapshot(tabId),
      (s) => Object.values(keys).every((k) => withKey(s, k)[0]?.state === 'closed'),
    );
    for (const [k, key] of Object.entries(keys)) {
      const streams = withKey(snapshot, key);
      expect(streams, `${k}: captured once`).toHaveLength(1);
      const events = eventsOf(snapshot, streams[0]!).map(triple);
      if (got.events[key]) expect(events, k).toEqual(got.events[key]);
      else {
        expect(got.texts[key], k).toBe(sent.body.toString());
        expect(events, k).toEqual(sent.events.map((e) => [e.type, e.id, e.data]));
      }
    }
    expect(snapshot.counters.invalidRecords).toBe(0);
  });

  it('a page that breaks builtins after load (postMessage, dispatchEvent, JSON, push, apply, Reflect, prototypes…): its streams are still captured', async () => {
    const keys = Object.fromEntries(['es', 'fetchReader', 'fetchText', 'xhr'].map((k) => [k, `sabotage-${k}-${name}`]));
    const { page, tabId } = await open(`${server.origin}/blank`);
    const got = (await page.evaluate(call('sabotage', keys))) as { broken: Record<string, true | string>; got: Record<string, string | number> };
    expect(Object.values(got.broken).every((b) => b === true), JSON.stringify(got.broken)).toBe(true);
    const sent = sseScript(new URLSearchParams('n=5&id=1')).body.length;
    expect(got.got).toEqual({
      [keys.es!]: 'message:1:e1;alpha:2:e2;message:3:e3;alpha:4:e4;',
      [keys.fetchReader!]: sent,
      [keys.fetchText!]: sent,
      [keys.xhr!]: sent,
    });

    const snapshot = await until(
      () => reader.snapshot(tabId),
      (s) => Object.values(keys).every((k) => withKey(s, k)[0]?.state === 'closed'),
    );
    const es = withKey(snapshot, keys.es!);
    expect(es).toHaveLength(1);
    expect(eventsOf(snapshot, es[0]!).map((e) => `${e.type}:${e.id}:${e.data};`).join('')).toBe(got.got[keys.es!]);
    expect(es[0]!.listenedTypes).toContain('alpha');
    // The stack is still read, without the page's Error.prepareStackTrace.
    expect(es[0]!.stack).toMatch(/:\d+:\d+/);
    for (const k of ['fetchReader', 'fetchText', 'xhr']) {
      const streams = withKey(snapshot, keys[k]!);
      expect(streams, k).toHaveLength(1);
      expect([streams[0]!.bytes, eventsOf(snapshot, streams[0]!).length], k).toEqual([sent, 5]);
    }
    expect(snapshot.counters.invalidRecords).toBe(0);
  });

  it('a 50 MB event (EventSource, fetch text(), fetch reader): kept cut to LIMITS.data, with its true size', async () => {
    const size = 50 * 1024 * 1024;
    const wire = sseScript(new URLSearchParams(`n=1&size=${size}`)).body.length;
    for (const [probe, kind] of [['hugeEvent', 'eventsource'], ['hugeText', 'fetch'], ['hugeReader', 'fetch']] as const) {
      const key = `huge-${probe}-${name}`;
      const { page, tabId } = await open(`${server.origin}/blank`);
      const got = (await page.evaluate(call(probe, `/sse?n=1&size=${size}&end=${kind === 'eventsource' ? 'hang' : 'close'}&key=${key}`))) as { length: number };
      expect(got.length, probe).toBe(kind === 'eventsource' ? size : wire);
      const snapshot = await until(
        () => reader.snapshot(tabId),
        (s) => withKey(s, key)[0]?.state === 'closed',
        30_000,
      );
      const streams = withKey(snapshot, key);
      expect(streams, probe).toHaveLength(1);
      const events = eventsOf(snapshot, streams[0]!);
      expect(events.map((e) => [e.data.length, e.size, e.truncated]), probe).toEqual([[LIMITS.data, size, true]]);
      expect(events[0]!.data.startsWith('e1 abcdefghij'), probe).toBe(true);
      if (kind === 'fetch') expect(streams[0]!.bytes, probe).toBe(wire);
      expect(snapshot.counters.invalidRecords, probe).toBe(0);
      await pages.closeAll();
    }
  });
});
