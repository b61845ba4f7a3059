// The stacks of errors that EventSource, fetch's Response and XHR throw at once, as the page
// sees them: their `stack` (frames included), where it is defined, and what window's `error`
// event says of one left uncaught. The transparency test runs it with and without the
// extension: a frame of ours on top would name our script where the page's call is. Plain
// JavaScript on purpose: it is evaluated in the page exactly as written (see kit.js).
async ({ results, sleep }) => {
  const { out, run } = results();

  // A stack without the frames of the engine's own functions ("at Object.toString (<anonymous>)"
  // in Chromium): a frame above ours cannot be kept when the stack is taken again from the
  // page's call (src/content/disguise.ts), so Function.prototype.toString's is lost. The page's
  // frames, and that no frame of ours is left, are what is compared.
  const stackOf = (e) => String(e.stack).split('\n').filter((line) => !line.endsWith('(<anonymous>)')).join('\n');
  const stackFacts = (fn) => {
    try {
      fn();
      return ['no error'];
    } catch (e) {
      const own = Object.getOwnPropertyDescriptor(e, 'stack');
      return [stackOf(e), own ? (own.get ? 'own accessor' : 'own data') : 'stack' in e ? 'inherited' : 'none'];
    }
  };

  // Errors the natives make themselves.
  await run('stacksNativeThrown', async () => {
    class Sub extends EventSource {}
    const used = new Response('x');
    await used.text();
    return {
      esBadUrl: stackFacts(() => new EventSource('http://[::1')),
      esNoArgs: stackFacts(() => new EventSource()),
      esSubclassBadUrl: stackFacts(() => new Sub('http://[::1')),
      closeOnObject: stackFacts(() => EventSource.prototype.close.call({})),
      addListenerOnObject: stackFacts(() => EventTarget.prototype.addEventListener.call({}, 'x', () => {})),
      toStringOnObject: stackFacts(() => Function.prototype.toString.call({})),
      bodyOnObject: stackFacts(() => Object.getOwnPropertyDescriptor(Response.prototype, 'body').get.call({})),
      cloneUsed: stackFacts(() => used.clone()),
      xhrSendUnopened: stackFacts(() => new XMLHttpRequest().send()),
    };
  });

  // Errors the page's own code throws inside a native call (a getter of its init dictionary, a
  // toString): they keep their top frame, the page's getter.
  await run('stacksPageThrown', async () => {
    const top = (facts) => [facts[0].split('\n').find((line) => /:\d+:\d+\)?$/.test(line)), facts[1]];
    return {
      esInitGetter: top(stackFacts(() => new EventSource('/x', { get withCredentials() { throw new Error('from the page'); } }))),
      esUrlToString: top(stackFacts(() => new EventSource({ toString() { throw new TypeError('from the page'); } }))),
      xhrBodyToString: top(stackFacts(() => new XMLHttpRequest().send({ toString() { throw new Error('from the page'); } }))),
    };
  });

  // An error nobody catches: what window's `error` event reports, as an error reporter reads it
  // (from the error's stack). Not its filename, lineno and colno: Chromium takes them from the
  // frame on top when the error is thrown, and that is ours, whether the native throws it
  // through our trap or the trap throws it again.
  await run('stacksUncaught', async () => {
    const reports = [];
    const onError = (e) => {
      reports.push([e.message, e.error && stackOf(e.error)]);
      e.preventDefault(); // Not to the console.
    };
    window.addEventListener('error', onError);
    setTimeout(() => new EventSource('http://[::1'));
    setTimeout(() => EventSource.prototype.close.call({}));
    await sleep(100);
    window.removeEventListener('error', onError);
    return reports;
  });

  return out;
}
