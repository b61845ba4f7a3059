// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StreamDetail } from '../src/devtools/panel/StreamDetail';
import type { Attempt, Stream } from '../src/shared/model';

const copyText = vi.hoisted(() => vi.fn<(text: string) => Promise<boolean>>());
vi.mock('../src/devtools/panel/clipboard', () => ({ copyText }));

beforeEach(() => copyText.mockReset().mockResolvedValue(true));
afterEach(cleanup);

const URL_ES = 'http://127.0.0.1:8080/2-counter/stream';
const ACCEPT: [string, string] = ['Accept', 'text/event-stream'];
const RESPONSE: [string, string][] = [
  ['Content-Type', 'text/event-stream'],
  ['Cache-Control', 'no-cache'],
];

function stream(attempts: Attempt[], fields: Partial<Stream> = {}): Stream {
  return {
    id: 'd:1',
    page: 1,
    kind: 'eventsource',
    url: URL_ES,
    withCredentials: false,
    frame: { id: 0, url: 'http://127.0.0.1:8080/2-counter/', top: true },
    createdAt: 1_700_000_000_000,
    initiator: 'http://127.0.0.1:8080/2-counter/:7:3',
    stack: '',
    state: 'open',
    attempts,
    eventCount: 3,
    bytes: 30,
    lastEventId: '3',
    listenedTypes: ['message'],
    source: 'page-hook',
    ...fields,
  };
}
const ok = (n: number, extra: Partial<Attempt> = {}): Attempt => ({ n, method: 'GET', status: 200, statusText: 'OK', requestHeaders: [ACCEPT], headers: RESPONSE, ...extra });
/** The [name, value] pairs of a header list. */
const pairs = (dl: HTMLElement) => [...dl.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling!.textContent]);

describe('StreamDetail', () => {
  it('one attempt: its request and response headers, shown at once', () => {
    render(<StreamDetail stream={stream([ok(1)])} />);
    expect(pairs(screen.getByTestId('request-headers'))).toEqual([ACCEPT]);
    expect(pairs(screen.getByTestId('response-headers'))).toEqual(RESPONSE);
    expect(screen.getByTestId('attempt-headers').querySelector('summary')!.textContent).toBe('Headers · HTTP 200 OK');
    expect(screen.getAllByTestId('attempt')).toHaveLength(1);
    expect(screen.queryByTestId('request-headers-partial')).toBeNull();
  });

  it("request headers Chrome gave without those it hides: shown, and said to be partial", () => {
    render(<StreamDetail stream={stream([ok(1, { requestHeadersPartial: true })])} />);
    expect(pairs(screen.getByTestId('request-headers'))).toEqual([ACCEPT]);
    expect(screen.getByTestId('request-headers-partial').textContent).toMatch(/^Partial: Chrome shows an extension Cookie, Referer .* Reload the page with the panel open to see them\.$/);
  });

  it('several attempts: each with its own headers, drawn once opened', () => {
    const s = stream([ok(1, { endedAt: 1000 }), ok(2, { startedAt: 4000, lastEventIdSent: '99', requestHeaders: [ACCEPT, ['Last-Event-ID', '99']] })]);
    render(<StreamDetail stream={s} />);
    const [first, second] = screen.getAllByTestId('attempt-headers') as HTMLDetailsElement[];
    expect(second!.querySelector('summary')!.textContent).toBe('Headers (attempt 2) · HTTP 200 OK');
    expect(second!.open).toBe(false);
    expect(screen.queryByTestId('request-headers')).toBeNull();
    fireEvent.click(second!.querySelector('summary')!);
    expect(second!.open).toBe(true);
    expect(pairs(within(second!).getByTestId('request-headers'))).toEqual([ACCEPT, ['Last-Event-ID', '99']]);
    expect(within(first!).queryByTestId('request-headers')).toBeNull();
    fireEvent.click(within(second!).getByRole('button', { name: 'Copy attempt 2 as cURL' }));
    expect(copyText).toHaveBeenCalledWith(`curl -N '${URL_ES}' \\\n  -H 'Accept: text/event-stream' \\\n  -H 'Last-Event-ID: 99'`);
    fireEvent.click(second!.querySelector('summary')!);
    expect(second!.open).toBe(false);
    expect(screen.queryByTestId('request-headers')).toBeNull();
    expect(screen.getByTestId('reconnect-delay').textContent).toBe('Reconnects 3.0 s after an error (measured)');
  });

  it("copies the stream's first request as cURL: a POST says its body is missing", () => {
    const s = stream([ok(1, { method: 'POST', requestBytes: 25, requestHeaders: [['Content-Type', 'application/json'], ACCEPT] })], {
      kind: 'fetch',
      method: 'POST',
      url: 'http://127.0.0.1:8080/5-llm/stream',
      source: 'response-body',
    });
    render(<StreamDetail stream={s} />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy as cURL' }));
    expect(copyText).toHaveBeenCalledWith(
      [
        '# The 25 B request body was not captured: save it as request-body first.',
        "curl -N 'http://127.0.0.1:8080/5-llm/stream' \\",
        "  -X 'POST' \\",
        "  -H 'Content-Type: application/json' \\",
        "  -H 'Accept: text/event-stream' \\",
        '  --data-binary @request-body',
      ].join('\n'),
    );
  });

  it('an attempt the network did not report: says its request headers were not seen', () => {
    render(<StreamDetail stream={stream([{ n: 1, openedAt: 1 }])} />);
    expect(screen.queryByTestId('request-headers')).toBeNull();
    expect(screen.getByTestId('attempt-headers').textContent).toContain('Not seen: the network did not report this request.');
  });
});
