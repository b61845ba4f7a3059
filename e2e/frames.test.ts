// Streams in frames, and pages restored from the back/forward cache. Every frame has its own
// page hook and bridge (all_frames, match_about_blank, match_origin_as_fallback): a stream in
// any frame must be captured, once, with the frame it lives in (Stream.frame). A page that
// comes back from the back/forward cache keeps its documents and their streams: the capture
// must go on, with nothing counted invalid.
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launch, type BrowserName, type Launched } from '../scripts/launch';
import type { Stream } from '../src/shared/model';
import { CaptureReader, tabIdOf } from './harness/capture';
import { Pages, attribute, pageUrl, scriptString, until } from './harness/pages';
import { startTestServer, type TestServer } from './harness/test-server';

/** What a frame's stream delivered, as the frame saw it. */
interface Report {
  key: string;
  href: string;
  top: boolean;
  got: string[];
}

interface PageState {
  shows: { persisted: boolean; at: number }[];
  /** [stream key, lastEventId, data] of each event, in order. */
  got: [string, string, string][];
  /** Set just before the page is left: still there when it comes back from the cache. */
  left: boolean;
}

const endsWithKey = (s: Stream, key: string) => s.url.endsWith(`&key=${key}`);

describe.each<BrowserName>(['chromium', 'firefox'])('frames in %s', (name) => {
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

  /**
   * A script that opens a stream of three events (CORS allowed: some frames have an opaque
   * origin) with `ctor`, closes it at the third, and reports to the top window.
   */
  const streamScript = (key: string, ctor = 'EventSource', href = 'location.href', topExpr = 'window === top') => `
    (() => {
      const es = new ${ctor}('${server.origin}/sse?n=3&id=1&acao=star&key=${key}');
      const got = [];
      es.onmessage = (e) => {
        got.push(e.data);
        if (got.length < 3) return;
        es.close();
        top.postMessage({ key: '${key}', href: ${href}, top: ${topExpr}, got }, '*');
      };
    })();`;
  const framePage = (key: string, origin = server.origin) => pageUrl(origin, `<script>${streamScript(key)}</script>`);
  const inline = (key: string) => `<script>${streamScript(key)}</script>`;

  it('captures a stream in every kind of frame, each with its own frame', async () => {
    const frames: Record<string, string> = {
      same: `<iframe src=${attribute(framePage('same'))}></iframe>`,
      cross: `<iframe src=${attribute(framePage('cross', server.peer))}></iframe>`,
      srcdoc: `<iframe srcdoc=${attribute(inline('srcdoc'))}></iframe>`,
      // Same-origin frame, in it a cross-origin frame with the stream.
      nested: `<iframe src=${attribute(pageUrl(server.origin, `<iframe src=${attribute(framePage('nested', server.peer))}></iframe>`))}></iframe>`,
      sandboxed: `<iframe sandbox="allow-scripts" src=${attribute(framePage('sandboxed'))}></iframe>`,
      'sandboxed-srcdoc': `<iframe sandbox="allow-scripts" srcdoc=${attribute(inline('sandboxed-srcdoc'))}></iframe>`,
      data: `<iframe src=${attribute(`data:text/html,${encodeURIComponent(inline('data'))}`)}></iframe>`,
    };
    // Frames the page makes with script: a blob: document; an about:blank frame whose
    // EventSource the parent creates right after appending it (before anything else runs in
    // it), and one the parent writes a script into (document.open() gives that frame the
    // parent's URL; the capture names a frame by the URL its document started with).
    const scripted = `<script>
      window.reports = {};
      addEventListener('message', (e) => { reports[e.data.key] = e.data; });
      const frame = () => document.body.appendChild(document.createElement('iframe'));
      frame().src = URL.createObjectURL(new Blob([${scriptString(inline('blob'))}], { type: 'text/html' }));
      const blank = frame();
      ${streamScript('blank', 'blank.contentWindow.EventSource', 'blank.contentWindow.location.href', 'false')}
      const written = frame();
      written.contentDocument.write(${scriptString(`<script>${streamScript('written', 'EventSource', "'about:blank'")}</script>`)});
      written.contentDocument.close();
      ${streamScript('top')}
    </script>`;
    const keys = [...Object.keys(frames), 'blob', 'blank', 'written', 'top'];
    const page = await pages.open(pageUrl(server.origin, `<!doctype html><body>${Object.values(frames).join('')}${scripted}</body>`));
    const tabId = await tabIdOf(launched, page);

    const reports = await until(
      () => page.evaluate(() => (window as unknown as { reports: Record<string, Report> }).reports),
      (r) => Object.keys(r).length === keys.length,
    );
    expect(Object.keys(reports).sort(), 'every frame ran its stream').toEqual([...keys].sort());
    const capture = await reader.waitFor(tabId, (s) => keys.every((k) => s.streams.some((x) => endsWithKey(x.stream, k) && x.stream.state === 'closed')));
    const snapshot = await reader.snapshot(tabId);

    const frameIds = new Set<number>();
    for (const key of keys) {
      const report = reports[key]!;
      expect(report.got, key).toEqual(['e1', 'e2', 'e3']);
      const found = capture.streams.filter((x) => endsWithKey(x.stream, key)).map((x) => x.stream);
      expect(found, `${key}: captured once`).toHaveLength(1);
      const stream = found[0]!;
      expect(stream.frame.url, key).toBe(report.href);
      expect(stream.frame.top, key).toBe(report.top);
      expect(stream.frame.id === 0, key).toBe(report.top);
      if (!report.top) frameIds.add(stream.frame.id);
      const events = snapshot.events.filter((e) => e.streamId === stream.id && e.kind === 'event').map((e) => e.data);
      expect(events, key).toEqual(report.got);
    }
    expect(frameIds.size, 'each frame its own id').toBe(keys.length - 1);
    expect(snapshot.counters.invalidRecords).toBe(0);
  });

  // ---- back/forward cache ------------------------------------------------------------------

  /** A page that logs its pageshow events and opens a ticking stream at once (`startStream` opens another). */
  const tickingPage = (key: string) =>
    pageUrl(
      server.origin,
      `<!doctype html><script>
        window.shows = [];
        window.got = [];
        addEventListener('pageshow', (e) => shows.push({ persisted: e.persisted, at: got.length }));
        window.startStream = (k) => {
          window.es = new EventSource('/tick?ms=50&n=100000&key=' + k);
          es.onmessage = (e) => got.push([k, e.lastEventId, e.data]);
        };
        startStream('${key}');
      </script>`,
    );
  /** What the page logged; with `close`, after closing its stream (no event comes after that). */
  const stateOf = (page: Page, close = false) =>
    page
      .evaluate((closing: boolean) => {
        const w = window as unknown as PageState & { es?: EventSource; left?: boolean };
        if (closing) w.es?.close();
        return w.shows ? { shows: w.shows, got: w.got, left: w.left === true } : undefined;
      }, close)
      .catch(() => undefined);

  /**
   * Navigates to another page and back with history.back(); resolves once the page is shown
   * again, from the cache (its `left` mark is there) or loaded anew. (puppeteer's goBack()
   * never resolves in Firefox when the page comes from the cache.)
   */
  async function awayAndBack(page: Page): Promise<PageState> {
    const before = (await stateOf(page))!;
    await page.evaluate(() => ((window as unknown as { left: boolean }).left = true));
    await page.goto(`${server.origin}/blank`);
    await page.evaluate(() => history.back());
    const back = await until(() => stateOf(page), (s) => s !== undefined && s.shows.length > (s.left ? before.shows.length : 0));
    expect(back, 'the page is shown again').toBeDefined();
    return back!;
  }

  it('a page restored from the cache goes on being captured: a stream opened after going back', async () => {
    const key = `bf-closed-${name}`;
    const page = await pages.open(tickingPage(key));
    const tabId = await tabIdOf(launched, page);
    await until(() => stateOf(page), (s) => (s?.got.length ?? 0) >= 3);
    // With its stream closed before it is left, both browsers keep the page in the cache.
    await stateOf(page, true);
    const back = await awayAndBack(page);
    expect(back.shows.at(-1)!.persisted, 'restored from the back/forward cache').toBe(true);

    const after = `${key}-after`;
    await page.evaluate((k: string) => (window as unknown as { startStream(k: string): void }).startStream(k), after);
    await until(() => stateOf(page), (s) => (s?.got.filter((g) => g[0] === after).length ?? 0) >= 5);
    const got = (await stateOf(page, true))!.got.filter((g) => g[0] === after).map((g) => [g[1], g[2]]);

    const capture = await reader.waitFor(tabId, (s) => s.streams.some((x) => endsWithKey(x.stream, after) && x.stream.state === 'closed'));
    const snapshot = await reader.snapshot(tabId);
    const streams = snapshot.streams.filter((s) => endsWithKey(s, after));
    expect(streams, 'the new stream, once').toHaveLength(1);
    const events = snapshot.events.filter((e) => e.streamId === streams[0]!.id && e.kind === 'event').map((e) => [e.id, e.data]);
    expect(events).toEqual(got);
    expect(capture.counters.invalidRecords).toBe(0);
  });

  // Chromium keeps a page with an open EventSource in the cache, connection and all: the stream
  // goes on after the restore, and its records reach a background that (today) started a new
  // log at the restore's navigation and so counts them invalid. Firefox does not cache a page
  // with an open EventSource: going back loads it anew. See the report of issue 4.
  it('a stream open across the cache: every event after going back is captured, none invalid', async () => {
    const key = `bf-open-${name}`;
    const page = await pages.open(tickingPage(key));
    const tabId = await tabIdOf(launched, page);
    await until(() => stateOf(page), (s) => (s?.got.length ?? 0) >= 3);
    const back = await awayAndBack(page);
    const show = back.shows.at(-1)!;
    await until(() => stateOf(page), (s) => (s?.got.length ?? 0) >= show.at + 10);
    // Events the document got since it was shown (again): all in the capture, in order.
    const since = (await stateOf(page, true))!.got.slice(show.at).map((g) => [g[1], g[2]]);
    console.info(`${name}: an open EventSource, away and back: pageshow persisted=${show.persisted}, ${server.count(key)} request(s)`);

    const capture = await reader.waitFor(tabId, (s) => s.streams.some((x) => endsWithKey(x.stream, key) && x.stream.state === 'closed'));
    const snapshot = await reader.snapshot(tabId);
    const streams = snapshot.streams.filter((s) => endsWithKey(s, key) && s.state === 'closed');
    expect(streams, 'the stream of the document shown now, once').toHaveLength(1);
    const events = snapshot.events.filter((e) => e.streamId === streams[0]!.id && e.kind === 'event').map((e) => [e.id, e.data]);
    expect(events.slice(-since.length)).toEqual(since);
    expect(capture.counters.invalidRecords).toBe(0);
  });
});
