// Streams for the fidelity test (e2e/fidelity.test.ts): EventSource, fetch() and XHR streams
// of e2e/harness/test-server.ts, one after another, each recording exactly what the page
// received: for EventSource the events dispatched to it (type, lastEventId, data, in order),
// for fetch and XHR the body text as the page read it. The test then compares that with what
// the extension captured. Plain JavaScript on purpose: it is evaluated in the page exactly as
// written (a page at /blank?peer=<the other origin>).
async ({ waitFor: waitBriefly, nonce, sleep }) => {
  const waitFor = (cond, ms = 15000) => waitBriefly(cond, ms);
  const cases = [];
  /** Runs one stream; `fn(url)` returns what the page received. `query` is the /sse query, if any. */
  const run = async (name, kind, path, query, fn) => {
    const key = `${name}-${nonce}`;
    const sep = path.includes('?') ? '&' : '?';
    const url = query === null ? `${path}${sep}key=${key}` : `${path}?${query}&key=${key}`;
    const c = { name, kind, key, query };
    try {
      Object.assign(c, await fn(url, key));
    } catch (e) {
      c.crashed = String((e && e.stack) || e);
    }
    cases.push(c);
    // The next stream starts in a task of its own (so each case's records are batched apart).
    await sleep(50);
  };

  // ---- EventSource: what the page's listeners got.
  // The page closes it in the listener of the event it waits for (or of the first error).
  const eventSource = (types, until, closeOn = 'count') => async (url) => {
    const es = new EventSource(url);
    const events = [];
    let done = false;
    const close = () => {
      es.close();
      done = true;
    };
    for (const t of types) {
      es.addEventListener(t, (e) => {
        if (!(e instanceof MessageEvent)) return; // The connection's own open or error.
        events.push([e.type, e.lastEventId, e.data]);
        if (closeOn === 'count' && events.length === until) close();
      });
    }
    es.addEventListener('error', () => closeOn === 'error' && close());
    const waited = await waitFor(() => done);
    if (!done) es.close();
    return { waited, url: es.url, events };
  };
  const ALL = ['message', 'alpha', 'beta'];
  await run('es-types', 'eventsource', '/sse', 'n=9&types=message,alpha,beta&comments=1&retry=5000&id=1&chunk=30&end=hang', eventSource(ALL, 9));
  // The page listens to `message` only: e1, e4, e7 (the others are alpha and beta).
  await run('es-unlistened', 'eventsource', '/sse', 'n=9&types=message,alpha,beta&comments=1&id=1&chunk=30&end=hang', eventSource(['message'], 3));
  // Server events named like the connection's own: the page's `open` and `error` listeners get
  // both kinds, and only the server's are events.
  await run('es-open-error', 'eventsource', '/sse', 'n=9&types=open,error,message&id=1&chunk=30&end=hang', eventSource(['open', 'error', 'message'], 9));
  await run('es-reconnect', 'eventsource', '/lastid?retry=10', null, eventSource(['message'], 3));
  await run('es-10k', 'eventsource', '/sse', 'n=10000&id=1&end=hang', eventSource(['message'], 10000));
  await run('es-1mb', 'eventsource', '/sse', 'n=1&size=1048576&end=hang', eventSource(['message'], 1));
  await run('es-utf8', 'eventsource', '/sse', 'n=12&utf8=1&id=1&chunk=3&end=hang', eventSource(['message'], 12));
  await run('es-crlf', 'eventsource', '/sse', 'n=10&crlf=1&multiline=1&comments=1&id=1&chunk=5&end=hang', eventSource(['message'], 10));
  await run('es-tail', 'eventsource', '/sse', 'n=2&tail=1&id=1&retry=60000', eventSource(['message'], 0, 'error'));

  // ---- fetch(): the body text as the page read it (BOM kept).
  const decodeAll = async (reader, text = '', decoder = new TextDecoder('utf-8', { ignoreBOM: true })) => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      text += decoder.decode(value, { stream: true });
    }
  };
  const readUntil = async (reader, marker) => {
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    let text = '';
    while (!text.includes(marker)) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    return text;
  };
  const fetchAll = (init) => async (url) => {
    const res = await fetch(url, init);
    return { url: res.url, status: res.status, text: await decodeAll(res.body.getReader()) };
  };
  await run('fetch-types', 'fetch', '/sse', 'n=9&types=message,alpha,beta&comments=1&retry=5000&id=every3&chunk=30', fetchAll());
  await run('fetch-10k', 'fetch', '/sse', 'n=10000&id=1', fetchAll());
  await run('fetch-1mb', 'fetch', '/sse', 'n=1&size=1048576', fetchAll());
  await run('fetch-utf8', 'fetch', '/sse', 'n=12&utf8=1&id=1&chunk=3', fetchAll());
  await run('fetch-crlf', 'fetch', '/sse', 'n=10&crlf=1&multiline=1&comments=1&id=1&chunk=5', fetchAll());
  await run('fetch-cr', 'fetch', '/sse', 'n=6&cr=1&comments=1&id=1&chunk=4', fetchAll());
  await run('fetch-bom', 'fetch', '/sse', 'n=3&bom=1&id=1&chunk=2', fetchAll());
  await run('fetch-tail', 'fetch', '/sse', 'n=3&id=1&tail=1&comments=1&chunk=7', fetchAll());
  await run('fetch-text', 'fetch', '/sse', 'n=5&comments=1&retry=300&id=1', async (url) => {
    const res = await fetch(url);
    return { url: res.url, status: res.status, text: await res.text() };
  });
  await run('fetch-post', 'fetch', '/echo', null, fetchAll({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ prompt: 'p'.repeat(100) }) }));
  await run('fetch-redirect', 'fetch', '/redirect', null, async (url, key) => {
    const res = await fetch(`/redirect?to=${encodeURIComponent(`/sse?n=3&id=1&key=${key}`)}`);
    return { url: res.url, status: res.status, query: 'n=3&id=1', text: await decodeAll(res.body.getReader()) };
  });
  await run('fetch-500', 'fetch', '/status?code=500', null, fetchAll());
  await run('fetch-abort', 'fetch', '/sse', 'n=2&id=1&comments=1&end=hang', async (url) => {
    const c = new AbortController();
    const res = await fetch(url, { signal: c.signal });
    const reader = res.body.getReader();
    const text = await readUntil(reader, 'data: e2\n\n');
    c.abort();
    const error = await reader.read().then(() => 'none', (e) => e.name);
    return { url: res.url, status: res.status, text, error };
  });
  await run('fetch-cancel', 'fetch', '/sse', 'n=2&id=1&end=hang', async (url) => {
    const res = await fetch(url);
    const reader = res.body.getReader();
    const text = await readUntil(reader, 'data: e2\n\n');
    await reader.cancel('enough');
    return { url: res.url, status: res.status, text };
  });
  await run('fetch-error', 'fetch', '/sse', 'n=2&id=1&end=hang', async (url, key) => {
    const res = await fetch(url);
    const reader = res.body.getReader();
    const text = await readUntil(reader, 'data: e2\n\n');
    const pending = reader.read();
    await fetch(`/kill?key=${key}`);
    const error = await pending.then(() => 'none', (e) => e.name);
    return { url: res.url, status: res.status, text, error };
  });

  // ---- XHR: responseText at the end (or at abort).
  const xhr = (opts = {}) => async (url, key) => {
    const x = new XMLHttpRequest();
    let ended = '';
    for (const t of ['load', 'abort', 'error', 'timeout']) x.addEventListener(t, () => (ended = t));
    x.open('GET', url);
    x.send();
    let text;
    if (opts.until) {
      await waitFor(() => x.readyState === 3 && x.responseText.includes(opts.until));
      text = x.responseText;
      if (opts.abort) x.abort();
      else await fetch(`/kill?key=${key}`);
      await waitFor(() => ended !== '');
    } else {
      await waitFor(() => ended !== '');
      text = x.responseText;
    }
    return { url: x.responseURL || url, status: x.status, text, ended };
  };
  await run('xhr-types', 'xhr', '/sse', 'n=9&types=message,alpha,beta&comments=1&retry=5000&id=every3&chunk=30', xhr());
  await run('xhr-10k', 'xhr', '/sse', 'n=10000&id=1', xhr());
  await run('xhr-1mb', 'xhr', '/sse', 'n=1&size=1048576', xhr());
  await run('xhr-utf8', 'xhr', '/sse', 'n=12&utf8=1&id=1&chunk=3', xhr());
  await run('xhr-crlf', 'xhr', '/sse', 'n=10&crlf=1&multiline=1&comments=1&id=1&chunk=5', xhr());
  await run('xhr-tail', 'xhr', '/sse', 'n=3&id=1&tail=1&comments=1&chunk=7', xhr());
  await run('xhr-abort', 'xhr', '/sse', 'n=2&id=1&comments=1&end=hang', xhr({ until: 'data: e2\n\n', abort: true }));
  await run('xhr-error', 'xhr', '/sse', 'n=2&id=1&end=hang', xhr({ until: 'data: e2\n\n' }));

  // Last, a stream of its own: once its end is in the capture, so is everything before it (the
  // page's records reach the extension in order).
  const sentinel = `sentinel-${nonce}`;
  await (await fetch(`/sse?n=1&key=${sentinel}`)).text();

  return { nonce, cases, sentinel };
}
