// Page-observable behaviour of XMLHttpRequest on text/event-stream responses (as EventSource
// polyfills use it): readyState sequence and events in order, responseText, status, headers,
// responseURL, abort, network errors, responseType, timeouts, misuse. The transparency test runs
// it with and without the extension: results must be identical. Plain JavaScript on purpose: it
// is evaluated in the page exactly as written (a page at /blank?peer=<the other origin> of
// e2e/harness/test-server.ts). Results hold no times and no progress counts: only shapes,
// orders and checksums.
async ({ results, fnFacts, waitFor, peer, key, sleep, fnv, err, caught, attrs }) => {
  const { out, run } = results();

  const EVENTS = ['readystatechange', 'loadstart', 'progress', 'load', 'loadend', 'abort', 'error', 'timeout'];
  /**
   * An XHR whose events are logged as `type:readyState` (listeners added before open()). Runs of
   * readystatechange at LOADING and progress (how many depends on how the body was cut) are
   * folded into one entry naming the first of the run and its members; a last progress at DONE
   * (fired or not, depending on the progress throttle's timing) is folded in unnamed.
   */
  const logged = (xhr = new XMLHttpRequest()) => {
    const raw = [];
    let lastProgress;
    for (const t of EVENTS) {
      xhr.addEventListener(t, (e) => {
        raw.push(t === 'readystatechange' ? `rsc:${xhr.readyState}` : `${t}:${xhr.readyState}`);
        if (t === 'progress') lastProgress = e;
        if (t !== 'readystatechange' && t !== 'progress') raw.push(`  ${t} facts:${[e.constructor.name, e.lengthComputable, e.loaded, e.total, e.target === xhr].join(',')}`);
      });
    }
    const events = () => {
      const folded = [];
      let run = null;
      for (const x of raw) {
        if (x === 'rsc:3' || x === 'progress:3' || (x === 'progress:4' && run)) {
          if (run) {
            if (!run.members.includes(x) && x !== 'progress:4') run.members.push(x);
            continue;
          }
          run = { first: x, members: [x] };
          folded.push(run);
        } else {
          run = null;
          folded.push(x);
        }
      }
      return folded.map((x) => (typeof x === 'string' ? x : `${x.first} (run of ${x.members.sort().join('|')})`));
    };
    const ended = () => raw.includes('loadend:4') || raw.some((x) => x.startsWith('loadend:'));
    return { xhr, raw, events, ended, lastProgress: () => lastProgress && [lastProgress.loaded, lastProgress.lengthComputable] };
  };
  const facts = (xhr) => {
    const r = {
      readyState: xhr.readyState,
      status: xhr.status,
      statusText: xhr.statusText,
      responseURL: xhr.responseURL,
      headers: xhr.getAllResponseHeaders(),
      contentType: xhr.getResponseHeader('Content-Type'),
      responseType: xhr.responseType,
    };
    try {
      r.text = [xhr.responseText.length, fnv(xhr.responseText), xhr.response === xhr.responseText];
    } catch (e) {
      r.text = err(e);
    }
    try {
      r.xml = xhr.responseXML === null ? 'null' : typeof xhr.responseXML;
    } catch (e) {
      r.xml = err(e);
    }
    return r;
  };
  const kill = async (k) => (await fetch(`/kill?key=${k}`)).text();

  await run('xhrEvents', async () => {
    const l = logged();
    l.xhr.open('GET', '/sse?n=12&id=1&types=message,alpha&comments=1&retry=1000&chunk=40');
    l.xhr.send();
    const waited = await waitFor(l.ended);
    return { waited, events: l.events(), lastProgress: l.lastProgress() };
  });

  await run('xhrReadyStates', async () => {
    const xhr = new XMLHttpRequest();
    const states = [xhr.readyState];
    xhr.onreadystatechange = function () {
      if (states[states.length - 1] !== xhr.readyState) states.push(xhr.readyState);
      states.thisIsXhr = this === xhr;
    };
    xhr.open('GET', '/sse?n=5&id=1&chunk=10');
    states.push(`sent:${xhr.readyState}`);
    xhr.send();
    states.push(`after send:${xhr.readyState}`);
    const waited = await waitFor(() => xhr.readyState === 4);
    await sleep(0);
    return { waited, states, thisIsXhr: states.thisIsXhr };
  });

  await run('xhrResult', async () => {
    const l = logged();
    l.xhr.open('GET', '/sse?n=12&id=1&types=message,alpha&comments=1&retry=1000&xheader=x1&chunk=40');
    l.xhr.send();
    const waited = await waitFor(l.ended);
    return { waited, ...facts(l.xhr), textValue: l.xhr.responseText.slice(0, 120) };
  });

  // While it streams, the page sees responseText grow; at each step it is a prefix of the end.
  await run('xhrPartialText', async () => {
    const xhr = new XMLHttpRequest();
    const seen = [];
    xhr.onprogress = () => seen.push(xhr.responseText);
    xhr.open('GET', '/sse?n=8&id=1&utf8=1&chunk=3');
    xhr.send();
    const waited = await waitFor(() => xhr.readyState === 4);
    const final = xhr.responseText;
    return { waited, prefixes: seen.every((s) => final.startsWith(s)), growing: seen.every((s, i) => i === 0 || s.length >= seen[i - 1].length), final: [final.length, fnv(final)] };
  });

  await run('xhrAbort', async () => {
    const k = key('abort');
    const l = logged();
    l.xhr.open('GET', `/sse?n=2&id=1&end=hang&key=${k}`);
    l.xhr.send();
    const got = await waitFor(() => l.xhr.readyState === 3 && l.xhr.responseText.includes('data: e2\n\n'));
    const before = facts(l.xhr);
    l.raw.push('-- abort()');
    l.xhr.abort();
    l.raw.push(`-- abort returned:${l.xhr.readyState}`);
    const waited = await waitFor(l.ended);
    const serverSaw = await (await fetch(`/closed?key=${k}&ms=1500`)).text();
    return { got, waited, before, events: l.events(), after: facts(l.xhr), serverSaw };
  });

  await run('xhrAbortInHandler', async () => {
    const l = logged();
    l.xhr.open('GET', `/sse?n=3&id=1&end=hang&key=${key('abort-handler')}`);
    l.xhr.addEventListener('readystatechange', () => {
      if (l.xhr.readyState === 3 && l.xhr.responseText.includes('data: e1\n\n') && !l.raw.includes('-- abort()')) {
        l.raw.push('-- abort()');
        l.xhr.abort();
      }
    });
    l.xhr.send();
    const waited = await waitFor(l.ended);
    return { waited, events: l.events(), after: facts(l.xhr) };
  });

  // The server destroys the socket mid-stream.
  await run('xhrNetworkError', async () => {
    const k = key('kill');
    const l = logged();
    l.xhr.open('GET', `/sse?n=2&id=1&end=hang&key=${k}`);
    l.xhr.send();
    const got = await waitFor(() => l.xhr.readyState === 3 && l.xhr.responseText.includes('data: e2\n\n'));
    // Not in the event log: whether the kill's answer or the XHR's error arrives first is a race
    // of two connections, with or without the extension.
    const killed = await kill(k);
    const waited = await waitFor(l.ended);
    return { got, killed, waited, events: l.events(), after: facts(l.xhr) };
  });

  await run('xhrArrayBuffer', async () => {
    const l = logged();
    l.xhr.responseType = 'arraybuffer';
    l.xhr.open('GET', '/sse?n=12&id=1&utf8=1&chunk=40');
    l.xhr.send();
    const waited = await waitFor(l.ended);
    const buf = l.xhr.response;
    return { waited, events: l.events(), response: [Object.prototype.toString.call(buf), buf.byteLength, fnv(new Uint8Array(buf))], ...facts(l.xhr) };
  });

  await run('xhrResponseTypes', async () => {
    const r = {};
    for (const type of ['text', 'json', 'blob', 'document']) {
      const xhr = new XMLHttpRequest();
      xhr.open('GET', type === 'json' ? '/json?ctype=text/event-stream' : '/sse?n=3&id=1');
      xhr.responseType = type;
      xhr.send();
      await waitFor(() => xhr.readyState === 4);
      const res = xhr.response;
      r[type] = [Object.prototype.toString.call(res), res instanceof Blob ? [res.size, res.type] : type === 'json' ? res : typeof res === 'string' ? fnv(res) : res === null, caught(() => xhr.responseText)];
    }
    return r;
  });

  await run('xhrMisuse', async () => {
    const r = {};
    r.sendUnopened = caught(() => new XMLHttpRequest().send());
    const twice = new XMLHttpRequest();
    twice.open('GET', '/sse?n=1');
    twice.send();
    r.sendTwice = caught(() => twice.send());
    twice.abort();
    r.sendOnObject = caught(() => XMLHttpRequest.prototype.send.call({}));
    r.sendOnEventTarget = caught(() => XMLHttpRequest.prototype.send.call(new EventTarget()));
    r.sendOnProto = caught(() => XMLHttpRequest.prototype.send());
    const typed = new XMLHttpRequest();
    typed.open('GET', '/sse?n=3&end=hang');
    typed.send();
    await waitFor(() => typed.readyState === 3);
    r.responseTypeWhileLoading = caught(() => (typed.responseType = 'arraybuffer'));
    r.timeoutWhileLoading = caught(() => (typed.timeout = 5));
    typed.abort();
    r.badMethod = caught(() => new XMLHttpRequest().open('CONNECT', '/x'));
    r.badUrl = caught(() => new XMLHttpRequest().open('GET', 'http://[::1'));
    return r;
  });

  await run('xhrTimeout', async () => {
    const r = {};
    // Before the headers (the server never answers), and in the middle of a stream.
    for (const [name, url, ms] of [
      ['beforeHeaders', `/noheaders?key=${key('timeout')}`, 100],
      ['midStream', `/sse?n=1&id=1&end=hang&key=${key('timeout-mid')}`, 1000],
    ]) {
      const l = logged();
      l.xhr.open('GET', url);
      l.xhr.timeout = ms;
      l.xhr.send();
      const waited = await waitFor(l.ended);
      r[name] = { waited, events: l.events(), after: facts(l.xhr) };
    }
    return r;
  });

  await run('xhrSync', async () => {
    const l = logged();
    l.xhr.open('GET', '/sse?n=5&id=1', false);
    l.xhr.send();
    return { events: l.events(), ...facts(l.xhr) };
  });

  // One XHR object used for two requests, one after the other.
  await run('xhrReuse', async () => {
    const l = logged();
    const r = [];
    for (const url of ['/sse?n=3&id=1', '/sse?n=5&id=1&types=a,b&comments=1']) {
      l.raw.push(`-- open ${url}`);
      l.xhr.open('GET', url);
      l.xhr.send();
      await waitFor(() => l.raw[l.raw.length - 1] && l.raw[l.raw.length - 1].startsWith('  loadend'));
      r.push(facts(l.xhr));
    }
    return { events: l.events(), r };
  });

  await run('xhrRedirect', async () => {
    const r = {};
    for (const [name, to] of [
      ['sameOrigin', '/sse?n=2&id=1'],
      ['crossOrigin', `${peer}/sse?n=2&id=1&acao=star`],
    ]) {
      const l = logged();
      l.xhr.open('GET', `/redirect?to=${encodeURIComponent(to)}`);
      l.xhr.send();
      const waited = await waitFor(l.ended);
      r[name] = { waited, events: l.events(), ...facts(l.xhr) };
    }
    return r;
  });

  await run('xhrHttpError', async () => {
    const r = {};
    for (const code of [500, 204]) {
      const l = logged();
      l.xhr.open('GET', `/status?code=${code}`);
      l.xhr.send();
      const waited = await waitFor(l.ended);
      r[code] = { waited, events: l.events(), ...facts(l.xhr) };
    }
    return r;
  });

  await run('xhrCors', async () => {
    const r = {};
    document.cookie = 'probe=x1; path=/; SameSite=Lax';
    for (const [name, url, credentials] of [
      ['allowed', `${peer}/sse?n=2&id=1&acao=star&xheader=v`, false],
      ['exposed', `${peer}/sse?n=2&id=1&acao=star&xheader=v&expose=X-Custom`, false],
      ['denied', `${peer}/sse?n=2&id=1`, false],
      ['credentials', `${peer}/echo?acao=origin&acac=1`, true],
      ['credentialsStar', `${peer}/echo?acao=star`, true],
    ]) {
      const l = logged();
      l.xhr.open('GET', url);
      l.xhr.withCredentials = credentials;
      l.xhr.send();
      const waited = await waitFor(l.ended);
      r[name] = { waited, events: l.events(), ...facts(l.xhr), text: l.xhr.responseText };
    }
    return r;
  });

  await run('xhrPost', async () => {
    const l = logged();
    l.xhr.open('POST', '/echo');
    l.xhr.setRequestHeader('Content-Type', 'application/json');
    l.xhr.send(JSON.stringify({ prompt: 'y'.repeat(500) }));
    const waited = await waitFor(l.ended);
    return { waited, events: l.events(), ...facts(l.xhr), text: l.xhr.responseText };
  });

  await run('xhrNonSse', async () => {
    const l = logged();
    l.xhr.open('GET', '/json');
    l.xhr.send();
    const waited = await waitFor(l.ended);
    return { waited, events: l.events(), ...facts(l.xhr), text: l.xhr.responseText };
  });

  for (const [name, query] of [
    ['xhrLarge', 'n=1&size=1048576'],
    ['xhr10k', 'n=10000&id=1'],
    ['xhrUtf8Split', 'n=12&utf8=1&id=1&chunk=3'],
    ['xhrFraming', 'n=6&crlf=1&multiline=1&tail=1&chunk=5'],
  ]) {
    await run(name, async () => {
      const l = logged();
      l.xhr.open('GET', `/sse?${query}`);
      l.xhr.send();
      const waited = await waitFor(l.ended, 10000);
      return { waited, events: l.events(), ...facts(l.xhr) };
    });
  }

  await run('xhrFunctions', async () => {
    const own = {};
    for (const k of Object.getOwnPropertyNames(XMLHttpRequest.prototype).sort()) {
      const d = Object.getOwnPropertyDescriptor(XMLHttpRequest.prototype, k);
      own[k] = [attrs(d), fnFacts(d.get || (typeof d.value === 'function' ? d.value : null))];
    }
    const xhr = new XMLHttpRequest();
    return {
      ctor: fnFacts(XMLHttpRequest),
      own,
      instanceKeys: Reflect.ownKeys(xhr).map(String),
      eventTargetKeys: Reflect.ownKeys(EventTarget.prototype).map(String).sort(),
    };
  });

  return out;
}
