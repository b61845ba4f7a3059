// What the benchmark pages run (served as /bench.js by bench/server.ts, loaded by /blank).
// Plain JavaScript, the same with and without the extension; each function resolves when it
// is done, with times from the page's own clock (performance.now()).
// A page that consumes a firehose does the least it can per event: count it.

/**
 * EventSource: `n` events from `url`; ms from `new EventSource` to the last, and to the first.
 * `extra` (for the floor figures, without the extension): 'noop' adds a second listener that does
 * nothing; 'keep' one that keeps each event in an array (what the page hook does while the page
 * is busy); 'read' one that reads what the extension reads of each event into arrays; 'wrap' no
 * listener, but the page's `onmessage` wrapped by a function that keeps each event and calls it
 * (what a capture that wrapped the page's handler would cost; DESIGN.md rules that out).
 */
window.benchEventSource = (url, n, extra) =>
  new Promise((resolve, reject) => {
    const t0 = performance.now();
    const es = new EventSource(url);
    if (extra === 'noop') es.addEventListener('message', () => {});
    if (extra === 'keep') {
      const kept = [];
      es.addEventListener('message', (e) => kept.push(e));
    }
    if (extra === 'read') {
      const kept = { t: [], type: [], data: [], id: [] };
      es.addEventListener('message', (e) => {
        if (kept.t.length === 1000) for (const k in kept) kept[k] = [];
        kept.t.push(e.timeStamp);
        kept.type.push(e.type);
        kept.data.push(e.data);
        kept.id.push(e.lastEventId);
      });
    }
    let count = 0;
    let first = 0;
    es.onmessage = () => {
      count++;
      if (count === 1) first = performance.now();
      if (count === n) {
        const t = performance.now();
        es.close();
        resolve({ ms: t - t0, firstMs: first - t0, count });
      }
    };
    if (extra === 'wrap') {
      const handler = es.onmessage;
      const kept = [];
      es.onmessage = function (e) {
        kept.push(e);
        return handler.call(this, e);
      };
    }
    es.onerror = () => {
      es.close();
      reject(new Error(`EventSource error after ${count} events`));
    };
  });

/**
 * fetch(): the body read with a reader and decoded as an LLM client does; events counted by
 * their blank lines (the bench server writes LF only). `extra` (for the floor figure, without
 * the extension): 'copy' keeps a copy of each chunk, as the page hook must (the page may change
 * or transfer its chunk, and a byte stream hands the chunk's buffer over to the reader).
 */
window.benchFetch = async (url, n, extra) => {
  const t0 = performance.now();
  const response = await fetch(url);
  const responseMs = performance.now() - t0;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const kept = [];
  let count = 0;
  let first = 0;
  let tail = '';
  let chunks = 0;
  while (count < n) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks++;
    if (extra === 'copy') {
      const copy = new Uint8Array(value.byteLength);
      copy.set(value);
      kept.push(copy);
    }
    const text = tail + decoder.decode(value, { stream: true });
    let at = 0;
    for (let end; (end = text.indexOf('\n\n', at)) >= 0; at = end + 2) count++;
    tail = text.slice(at);
    if (first === 0 && count > 0) first = performance.now();
  }
  const t = performance.now();
  await reader.cancel();
  if (count < n) throw new Error(`fetch body ended after ${count} events`);
  return { ms: t - t0, firstMs: first - t0, responseMs, count, chunks };
};

/** `n` small fetches one after the other (a JSON API's requests): ms per request. */
window.benchRequests = async (url, n) => {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await (await fetch(`${url}&i=${i}`)).text();
  return (performance.now() - t0) / n;
};

/**
 * A page's first calls, each in a fresh page (where the hooks' code runs for the first time):
 * ms from fetch() to the Response of a small event stream, and of its body's cancel() (no
 * reason).
 */
window.benchFirstFetch = async (url) => {
  const t0 = performance.now();
  const response = await fetch(url);
  const responseMs = performance.now() - t0;
  const reader = response.body.getReader();
  await reader.read();
  const t1 = performance.now();
  await reader.cancel();
  return { responseMs, cancelMs: performance.now() - t1 };
};

/** ms from an EventSource's `onopen` to the page's `open` listener added after it (ours for that type runs in between). */
window.benchFirstOpen = (url) =>
  new Promise((resolve, reject) => {
    const es = new EventSource(url);
    let opened = 0;
    es.onopen = () => (opened = performance.now());
    es.addEventListener('open', () => {
      const gap = performance.now() - opened;
      es.close();
      resolve(gap);
    });
    es.onerror = () => {
      es.close();
      reject(new Error('EventSource error'));
    };
  });

/** Uploads: `n` POSTs of an `mb` MB body in a row; ms per request. */
window.benchUploads = async (url, mb, n) => {
  const body = new Uint8Array(mb * 1048576);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await (await fetch(`${url}&i=${i}`, { method: 'POST', body })).text();
  return (performance.now() - t0) / n;
};

/**
 * Latency: the server writes each event's send time (epoch ms) as its data; the page takes the
 * time it gets the event. Returns the delays in ms, one per event.
 */
window.latencyEventSource = (url, n) =>
  new Promise((resolve, reject) => {
    const origin = performance.timeOrigin;
    const delays = new Float64Array(n);
    let count = 0;
    const es = new EventSource(url);
    es.onmessage = (e) => {
      delays[count++] = origin + performance.now() - Number(e.data);
      if (count === n) {
        es.close();
        resolve(Array.from(delays));
      }
    };
    es.onerror = () => {
      es.close();
      reject(new Error(`EventSource error after ${count} events`));
    };
  });

window.latencyFetch = async (url, n) => {
  const origin = performance.timeOrigin;
  const delays = new Float64Array(n);
  const response = await fetch(url);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let count = 0;
  let tail = '';
  while (count < n) {
    const { value, done } = await reader.read();
    if (done) break;
    const now = origin + performance.now();
    const text = tail + decoder.decode(value, { stream: true });
    let at = 0;
    for (let end; (end = text.indexOf('\n\n', at)) >= 0 && count < n; at = end + 2) {
      const line = text.slice(text.lastIndexOf('data: ', end) + 6, end);
      delays[count++] = now - Number(line);
    }
    tail = text.slice(at);
  }
  await reader.cancel();
  return Array.from(delays);
};

/** Counts for the pipeline: the page's event count over time (epoch ms at each `step`th event). */
window.pipelineEventSource = (url, n, step = 1000) =>
  new Promise((resolve, reject) => {
    const origin = performance.timeOrigin;
    const marks = [];
    const t0 = origin + performance.now();
    const es = new EventSource(url);
    let count = 0;
    window.pageCount = () => count;
    es.onmessage = () => {
      count++;
      if (count % step === 0 || count === n) marks.push([origin + performance.now(), count]);
      if (count === n) {
        es.close();
        resolve({ t0, t: origin + performance.now(), marks });
      }
    };
    es.onerror = () => {
      es.close();
      reject(new Error(`EventSource error after ${count} events`));
    };
  });

window.pipelineFetch = async (url, n) => {
  const origin = performance.timeOrigin;
  const marks = [];
  const t0 = origin + performance.now();
  const response = await fetch(url);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let count = 0;
  let tail = '';
  window.pageCount = () => count;
  while (count < n) {
    const { value, done } = await reader.read();
    if (done) break;
    const text = tail + decoder.decode(value, { stream: true });
    let at = 0;
    for (let end; (end = text.indexOf('\n\n', at)) >= 0; at = end + 2) count++;
    tail = text.slice(at);
    marks.push([origin + performance.now(), count]);
  }
  const t = origin + performance.now();
  await reader.cancel();
  return { t0, t, marks };
};

/**
 * A page left as soon as it has a fetch firehose: the capture sends what it still holds when
 * the page is left (pagehide). benchLeave starts the navigation; benchLeft, on the next page,
 * gives ms from that start to the next page's DOMContentLoaded.
 */
window.benchLeave = (next) => {
  sessionStorage.setItem('benchLeftAt', String(performance.timeOrigin + performance.now()));
  location.href = next;
};
window.benchLeft = () =>
  performance.timeOrigin + performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd - Number(sessionStorage.getItem('benchLeftAt'));

/** 10 000 EventSources created and closed in a loop (as e2e/hostile.test.ts): ms. */
window.benchCreate = (url, n) => {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) new EventSource(`${url}&i=${i}`).close();
  return performance.now() - t0;
};

/**
 * The page's longest task (Long Tasks API: Chromium only, null elsewhere) while `fn` runs its
 * firehose and in the `afterMs` after it, when the capture sends what it kept: ms.
 */
window.benchLongestTask = async (fn, url, n, afterMs) => {
  if (!PerformanceObserver.supportedEntryTypes.includes('longtask')) return null;
  const tasks = [];
  const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries()));
  observer.observe({ type: 'longtask' });
  const t0 = performance.now();
  await window[fn](url, n);
  const end = performance.now();
  await new Promise((resolve) => setTimeout(resolve, afterMs));
  observer.disconnect();
  const longest = (from, to) => Math.max(0, ...tasks.filter((t) => t.startTime >= from && t.startTime < to).map((t) => t.duration));
  return { during: longest(t0, end), after: longest(end, Infinity) };
};
