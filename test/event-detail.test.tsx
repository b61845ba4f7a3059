// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventDetail } from '../src/devtools/panel/EventDetail';
import type { EventRecord, Stream } from '../src/shared/model';

// Only the clipboard is replaced: what the buttons hand it is the assertion.
const copyText = vi.hoisted(() => vi.fn<(text: string) => Promise<boolean>>());
vi.mock('../src/devtools/panel/clipboard', () => ({ copyText }));

beforeEach(() => copyText.mockReset().mockResolvedValue(true));
afterEach(cleanup);

const CHUNK = '{"id":"chatcmpl-demo","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hello "}}]}';

function record(fields: Partial<EventRecord>): EventRecord {
  return { seq: 1, kind: 'event', streamId: 'd:1', attempt: 1, time: 1_700_000_000_000, type: 'message', id: '', data: '', origin: '', size: 0, source: 'page-hook', ...fields };
}
const stream = { url: 'http://127.0.0.1:8080/5-llm/stream' } as Stream;
const button = (name: string) => screen.getByRole('button', { name });

describe('EventDetail', () => {
  it('JSON data: a tree (no text block), and the raw wire text of a body event', () => {
    const raw = `data: ${CHUNK}\n\n`;
    render(<EventDetail event={record({ data: CHUNK, raw, source: 'response-body' })} stream={stream} />);
    expect(screen.getByRole('heading', { level: 3, name: 'Data (JSON)' })).toBeTruthy();
    expect(screen.getByRole('tree')).toBeTruthy();
    expect(screen.queryByTestId('event-data-full')).toBeNull();
    expect(screen.getByTestId('event-raw').textContent).toBe(raw);
    expect(screen.queryByTestId('no-wire')).toBeNull();
  });

  it('text data: the text as it is, no tree and no JSON path', () => {
    render(<EventDetail event={record({ data: 'The server time is: 12:00\n{not json' })} stream={stream} />);
    expect(screen.getByTestId('event-data-full').textContent).toBe('The server time is: 12:00\n{not json');
    expect(screen.queryByRole('tree')).toBeNull();
    expect(screen.queryByTestId('copy-json-path')).toBeNull();
    // A page-hook event has no wire text, and says so.
    expect(screen.queryByTestId('event-raw')).toBeNull();
    expect(screen.getByTestId('no-wire').textContent).toMatch(/does not show its wire text/);
  });

  it('copies the data as it is, and says "Copied"', async () => {
    render(<EventDetail event={record({ data: CHUNK })} stream={stream} />);
    fireEvent.click(button('Copy data'));
    expect(copyText).toHaveBeenCalledWith(CHUNK);
    await waitFor(() => expect(screen.getByTestId('copy-data-result').textContent).toBe('Copied'));
  });

  it('says when copying failed', async () => {
    copyText.mockResolvedValue(false);
    render(<EventDetail event={record({ data: 'x' })} stream={stream} />);
    fireEvent.click(button('Copy data'));
    await waitFor(() => expect(screen.getByTestId('copy-data-result').textContent).toBe('Copy failed'));
  });

  it('copies the JSON path of the node clicked in the tree', () => {
    render(<EventDetail event={record({ data: CHUNK })} stream={stream} />);
    expect(screen.getByTestId('json-path').textContent).toBe('$');
    const content = [...document.querySelectorAll<HTMLElement>('[role="treeitem"]')].find((r) => r.dataset.path === '$.choices[0].delta.content')!;
    fireEvent.click(content);
    expect(screen.getByTestId('json-path').textContent).toBe('$.choices[0].delta.content');
    fireEvent.click(button('Copy JSON path'));
    expect(copyText).toHaveBeenCalledWith('$.choices[0].delta.content');
  });

  it('copies as raw SSE: the wire text when the source has it', () => {
    const raw = ': ping\r\nevent: delta\r\ndata: a\r\n\r\n';
    render(<EventDetail event={record({ type: 'delta', data: 'a', raw, source: 'response-body' })} stream={stream} />);
    fireEvent.click(button('Copy as raw SSE'));
    expect(copyText).toHaveBeenCalledWith(raw);
  });

  it('copies as raw SSE: written from type, id and data for an EventSource event', () => {
    render(<EventDetail event={record({ type: 'onTimeChanged', id: '7', data: '{"foo":1}\nsecond line' })} stream={stream} />);
    fireEvent.click(button('Copy as raw SSE'));
    expect(copyText).toHaveBeenCalledWith('event: onTimeChanged\nid: 7\ndata: {"foo":1}\ndata: second line\n\n');
  });

  it('another event starts with its own tree, its root selected', () => {
    const view = render(<EventDetail event={record({ data: CHUNK })} stream={stream} />);
    fireEvent.click(document.querySelector<HTMLElement>('[data-path="$.object"]')!);
    expect(screen.getByTestId('json-path').textContent).toBe('$.object');
    view.rerender(<EventDetail event={record({ seq: 2, data: '{"other":[1,2]}' })} stream={stream} />);
    expect(screen.getByTestId('json-path').textContent).toBe('$');
    expect(document.querySelector('[data-path="$.other[1]"]')).toBeTruthy();
  });
});
