// Page-observable behaviour of EventSource over the network (e2e/harness/test-server.ts):
// reconnects with Last-Event-ID, redirects, HTTP errors, MIME types, CORS and credentials,
// close() at each moment, large events, 10 000 events, framing. The transparency test runs it
// with and without the extension: results must be identical. Plain JavaScript on purpose: it is
// evaluated in the page exactly as written (a page at /blank?peer=<the other origin>).
// Results hold no times: only shapes, counts, orders and checksums.
async ({ results, waitFor, peer, key, sleep }) => {
  const { out, run } = results();
  const fnvText = (s) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    return (h >>> 0).toString(16);
  };
  const count = async (k) => Number(await (await fetch(`/count?key=${k}`)).text());

  /** Opens an EventSource and logs what the page sees: open, error (with readyState), events. */
  const watch = (url, init, types = ['message']) => {
    const es = new EventSource(url, init);
    const log = [];
    es.onopen = (e) => log.push(['open', es.readyState, e.constructor.name]);
    es.onerror = (e) => log.push(['error', es.readyState, e.constructor.name]);
    for (const t of types) es.addEventListener(t, (e) => log.push([e.type, e.data, e.lastEventId, e.origin]));
    const messages = () => log.filter((x) => x[0] !== 'open' && x[0] !== 'error');
    const errors = () => log.filter((x) => x[0] === 'error');
    return { es, log, messages, errors };
  };

  // The server echoes the Last-Event-ID it got; each response ends, so the browser reconnects.
  await run('esLastEventId', async () => {
    const w = watch(`/lastid?retry=10&key=${key('lastid')}`);
    const waited = await waitFor(() => w.messages().length >= 3);
    w.es.close();
    const third = w.log.findIndex((x, i) => x[0] === 'message' && w.log.slice(0, i + 1).filter((y) => y[0] === 'message').length === 3);
    return { waited, log: w.log.slice(0, third + 1), readyState: w.es.readyState };
  });

  // A page listening to `open` and `error` with addEventListener: nothing it does not do itself
  // may throw in its window (an observer's listener on those types once did, on every connection).
  await run('esOpenErrorListenersNoWindowErrors', async () => {
    const windowErrors = [];
    const onWindowError = (e) => windowErrors.push(String(e.message));
    window.addEventListener('error', onWindowError);
    const es = new EventSource(`/lastid?retry=10&key=${key('openerror')}`);
    const log = [];
    es.addEventListener('open', (e) => log.push(['open', e.constructor.name]));
    es.addEventListener('error', (e) => log.push(['error', e.constructor.name]));
    const waited = await waitFor(() => log.filter((x) => x[0] === 'open').length >= 2);
    es.close();
    await sleep(50);
    window.removeEventListener('error', onWindowError);
    return { waited, log: log.slice(0, 3), windowErrors };
  });

  await run('esRedirect', async () => {
    const k = key('redirect');
    const w = watch(`/redirect?to=${encodeURIComponent(`/sse?n=2&id=1&end=hang&key=${k}`)}`);
    const waited = await waitFor(() => w.messages().length >= 2);
    const result = { waited, url: w.es.url, readyState: w.es.readyState, log: w.log.slice() };
    w.es.close();
    return result;
  });

  await run('esRedirectCrossOrigin', async () => {
    const k = key('redirect-x');
    const w = watch(`/redirect?to=${encodeURIComponent(`${peer}/sse?n=2&id=1&end=hang&acao=star&key=${k}`)}`);
    const waited = await waitFor(() => w.messages().length >= 2 || w.errors().length > 0);
    const result = { waited, url: w.es.url, readyState: w.es.readyState, log: w.log.slice() };
    w.es.close();
    return result;
  });

  // An HTTP error status: one error, readyState CLOSED, and no second request.
  for (const code of [500, 204]) {
    await run(`esHttp${code}`, async () => {
      const k = key(`status${code}`);
      const w = watch(`/status?code=${code}&key=${k}`);
      const waited = await waitFor(() => w.errors().length > 0);
      await sleep(300); // a short grace for a second request, which must not come
      return { waited, log: w.log.slice(), readyState: w.es.readyState, requests: await count(k) };
    });
  }

  await run('esWrongMime', async () => {
    const results = [];
    for (const ctype of ['text/plain', 'application/json', 'text/event-stream; charset=utf-8', 'Text/Event-Stream', 'text/event-streams', 'text/event-stream;charset=latin1']) {
      const k = key('mime');
      // The response ends (Chromium sniffs a text/plain body that is still open before deciding).
      const w = watch(`/sse?n=1&retry=60000&ctype=${encodeURIComponent(ctype)}&key=${k}`);
      const waited = await waitFor(() => w.errors().length > 0);
      results.push([ctype, waited, w.log.slice(), w.es.readyState]);
      w.es.close();
    }
    return results;
  });

  await run('esCorsAllowed', async () => {
    const w = watch(`${peer}/sse?n=2&id=1&end=hang&acao=star&key=${key('cors')}`);
    const waited = await waitFor(() => w.messages().length >= 2 || w.errors().length > 0);
    const result = { waited, log: w.log.slice(), readyState: w.es.readyState, withCredentials: w.es.withCredentials };
    w.es.close();
    return result;
  });

  await run('esCorsDenied', async () => {
    const k = key('cors-denied');
    const w = watch(`${peer}/sse?n=2&id=1&end=hang&key=${k}`);
    const waited = await waitFor(() => w.errors().length > 0);
    await sleep(100);
    return { waited, log: w.log.slice(), readyState: w.es.readyState };
  });

  // Cookies are per host: the page's cookie on 127.0.0.1 goes to the peer (another port) when
  // credentials are included and the peer allows them.
  await run('esCredentials', async () => {
    document.cookie = 'probe=c1; path=/; SameSite=Lax';
    const results = {};
    const cases = {
      credentialsAllowed: [`${peer}/echo?acao=origin&acac=1&end=hang`, { withCredentials: true }],
      credentialsStar: [`${peer}/echo?acao=star&acac=1&end=hang`, { withCredentials: true }],
      credentialsNoAcac: [`${peer}/echo?acao=origin&end=hang`, { withCredentials: true }],
      noCredentials: [`${peer}/echo?acao=star&end=hang`, undefined],
      sameOrigin: ['/echo?end=hang', undefined],
    };
    for (const [name, [url, init]] of Object.entries(cases)) {
      const w = watch(`${url}&key=${key('cred')}`, init);
      const waited = await waitFor(() => w.messages().length > 0 || w.errors().length > 0);
      results[name] = { waited, log: w.log.slice(), readyState: w.es.readyState, withCredentials: w.es.withCredentials };
      w.es.close();
    }
    return results;
  });

  await run('esCloseBeforeOpen', async () => {
    const w = watch(`/sse?n=3&id=1&end=hang&key=${key('close0')}`);
    const before = w.es.readyState;
    w.es.close();
    const after = w.es.readyState;
    await sleep(200);
    return { before, after, log: w.log.slice(), readyState: w.es.readyState };
  });

  await run('esCloseInOpen', async () => {
    const es = new EventSource(`/sse?n=3&id=1&end=hang&key=${key('close1')}`);
    const log = [];
    es.onopen = () => {
      log.push(['open', es.readyState]);
      es.close();
      log.push(['closed', es.readyState]);
    };
    es.onmessage = (e) => log.push(['message', e.data]);
    es.onerror = () => log.push(['error', es.readyState]);
    const waited = await waitFor(() => log.length >= 2);
    await sleep(200);
    return { waited, log };
  });

  await run('esCloseAfterEvents', async () => {
    const es = new EventSource(`/sse?n=6&id=1&chunk=40&end=hang&key=${key('close2')}`);
    const log = [];
    es.onmessage = (e) => {
      log.push(['message', e.data, e.lastEventId]);
      if (e.lastEventId === '3') {
        es.close();
        log.push(['closed', es.readyState]);
      }
    };
    es.onerror = () => log.push(['error', es.readyState]);
    const waited = await waitFor(() => log.length >= 4);
    await sleep(200);
    return { waited, log, readyState: es.readyState };
  });

  await run('esLarge', async () => {
    const w = watch(`/sse?n=1&size=1048576&end=hang&key=${key('large')}`);
    let got;
    w.es.onmessage = (e) => (got = e.data);
    const waited = await waitFor(() => got !== undefined, 10000);
    w.es.close();
    return { waited, length: got && got.length, hash: got && fnvText(got), head: got && got.slice(0, 24), count: w.messages().length };
  });

  await run('es10k', async () => {
    const es = new EventSource(`/sse?n=10000&id=1&end=hang&key=${key('10k')}`);
    const data = [];
    let ordered = true;
    let last = '';
    es.onmessage = (e) => {
      data.push(e.data);
      if (e.lastEventId !== String(data.length) || e.data !== `e${data.length}`) ordered = false;
      last = e.lastEventId;
    };
    const waited = await waitFor(() => data.length >= 10000, 20000);
    es.close();
    return { waited, count: data.length, hash: fnvText(data.join('\n')), ordered, last };
  });

  // Event types the page does not listen to, comments and retry: invisible to the page.
  await run('esTypesAndComments', async () => {
    const w = watch(`/sse?n=6&types=message,alpha,beta&comments=1&retry=100&id=1&end=hang&key=${key('types')}`, undefined, ['message', 'alpha']);
    const waited = await waitFor(() => w.messages().length >= 4);
    await sleep(50);
    w.es.close();
    return { waited, log: w.log.slice() };
  });

  // Framing: line ends, a BOM, multi-line data, multi-byte characters cut across chunks.
  const framing = {
    esCrlf: 'n=6&crlf=1&id=1&chunk=5&multiline=1',
    esCr: 'n=6&cr=1&id=1&chunk=5',
    esUtf8Split: 'n=12&utf8=1&id=1&chunk=3',
    esMultiline: 'n=4&multiline=1&id=every3',
    esBom: 'n=3&bom=1&id=1&chunk=2',
  };
  for (const [name, query] of Object.entries(framing)) {
    await run(name, async () => {
      const n = Number(new URLSearchParams(query).get('n'));
      const w = watch(`/sse?${query}&end=hang&key=${key(name)}`);
      const waited = await waitFor(() => w.messages().length >= n || w.errors().length > 0);
      w.es.close();
      return { waited, log: w.log.slice() };
    });
  }

  // The last block has no blank line: never dispatched; the response ends, so an error follows.
  await run('esTail', async () => {
    const w = watch(`/sse?n=2&tail=1&id=1&retry=60000&key=${key('tail')}`);
    const waited = await waitFor(() => w.errors().length > 0);
    const result = { waited, log: w.log.slice(), readyState: w.es.readyState };
    w.es.close();
    return result;
  });

  return out;
}
