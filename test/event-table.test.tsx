// @vitest-environment happy-dom
// The events table and the toolbar's filter, rendered in a DOM (happy-dom) over a real store.
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { EventTable } from '../src/devtools/panel/EventTable';
import { PanelStore } from '../src/devtools/panel/store';
import { Toolbar } from '../src/devtools/panel/Toolbar';
import { useStore } from '../src/devtools/panel/useStore';
import type { EventRecord, Stream } from '../src/shared/model';
import type { LogSnapshot } from '../src/shared/protocol';

afterEach(cleanup);

function stream(id: string, extra: Partial<Stream> = {}): Stream {
  return {
    id, page: 1, kind: 'eventsource', url: `http://127.0.0.1:8080/${id}`, withCredentials: false, frame: { id: 0, url: '', top: true }, createdAt: 1000,
    initiator: '', stack: '', state: 'open', attempts: [{ n: 1, startedAt: 1000, openedAt: 1005 }], eventCount: 0, bytes: 0, lastEventId: '', listenedTypes: [], source: 'page-hook', ...extra,
  };
}
const rec = (seq: number, streamId: string, time: number, data: string, extra: Partial<EventRecord> = {}): EventRecord => ({
  seq, kind: 'event', streamId, attempt: 1, time, type: 'message', id: String(seq), data, origin: '', size: data.length, source: 'page-hook', ...extra,
});
function snapshot(streams: Stream[], events: EventRecord[]): LogSnapshot {
  return {
    kind: 'snapshot', tabId: 1, streams, events, firstSeq: events[0]?.seq ?? 1, pages: [{ n: 1, url: '', startedAt: 0 }],
    counters: { droppedEvents: 0, droppedStreams: 0, invalidRecords: 0, unsavedWrites: 0 },
  };
}

/** The table and toolbar over `store`, re-rendered when it changes (as App does). */
function Panel({ store }: { store: PanelStore }) {
  useStore(store);
  return (
    <>
      <Toolbar
        store={store}
        onSettings={async () => undefined}
        onClear={() => undefined}
        onOpenFile={() => undefined}
        settingsOpen={false}
        onToggleSettings={() => undefined}
        exportOpen={false}
        onToggleExport={() => undefined}
      />
      <EventTable store={store} />
    </>
  );
}

const rowTexts = () => screen.queryAllByRole('row').slice(1).map((r) => r.textContent ?? '');
const dataOf = () => screen.queryAllByTestId('event-data').map((c) => c.textContent);

describe('EventTable', () => {
  it('rows in time order with the connection markers between them; a gap is marked with its length', async () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a', { attempts: [{ n: 1, openedAt: 1005, endedAt: 5000, end: 'error' }] })], [rec(1, 'a', 1010, 'one'), rec(2, 'a', 1100, 'two'), rec(3, 'a', 4500, 'three')]));
    render(<Panel store={store} />);
    const rows = rowTexts();
    expect(rows).toHaveLength(5);
    expect(rows[0]).toContain('open');
    expect(rows[4]).toContain('error: connection lost');
    const gap = screen.getAllByTestId('event-row')[2]!;
    expect(gap.className).toContain('gap');
    expect(gap.querySelector('.gap-mark')?.getAttribute('title')).toBe('3.4 s without an event on this stream');
    expect(screen.getAllByTestId('event-row')[1]!.className).not.toContain('gap');
  });

  it('sorts by a column on click: ascending, descending, then arrival order', async () => {
    const store = new PanelStore({ filter: { text: '', regex: false, hiddenTypes: ['(connection)'] } });
    store.apply(snapshot([stream('a')], [rec(1, 'a', 1010, 'bb'), rec(2, 'a', 1020, 'a'), rec(3, 'a', 1030, 'ccc')]));
    render(<Panel store={store} />);
    const header = screen.getByTestId('column-size');
    fireEvent.click(header);
    await screen.findByText('▲', { exact: false });
    expect(dataOf()).toEqual(['a', 'bb', 'ccc']);
    expect(header.getAttribute('aria-sort')).toBe('ascending');
    fireEvent.click(header);
    await screen.findByText('▼', { exact: false });
    expect(dataOf()).toEqual(['ccc', 'bb', 'a']);
    fireEvent.click(header);
    await new Promise((r) => setTimeout(r, 50));
    expect(dataOf()).toEqual(['bb', 'a', 'ccc']);
  });

  it('keys move the selection through records (not markers); Esc clears it', async () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a')], [rec(1, 'a', 1010, 'one'), rec(2, 'a', 1020, 'two'), rec(3, 'a', 1030, 'three')]));
    render(<Panel store={store} />);
    const grid = screen.getByTestId('events-viewport');
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    expect(store.selectedEvent).toBe(1);
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    expect(store.selectedEvent).toBe(3);
    fireEvent.keyDown(grid, { key: 'Home' });
    expect(store.selectedEvent).toBe(1);
    fireEvent.keyDown(grid, { key: 'End' });
    expect(store.selectedEvent).toBe(3);
    fireEvent.keyDown(grid, { key: 'ArrowUp' });
    expect(store.selectedEvent).toBe(2);
    fireEvent.keyDown(grid, { key: 'Escape' });
    expect(store.selectedEvent).toBeNull();
  });

  it('renders a bounded number of rows for 200 000 records', () => {
    const store = new PanelStore();
    const events = Array.from({ length: 200_000 }, (_, i) => rec(i + 1, 'a', 1010 + i, `e${i}`));
    store.apply(snapshot([stream('a')], events));
    render(<Panel store={store} />);
    const rendered = screen.getAllByRole('row').length;
    expect(rendered).toBeLessThan(100);
    expect(screen.getByRole('grid').getAttribute('aria-rowcount')).toBe(String(200_000 + 2));
  });

  it('hides and shows columns from the header menu, and shows time relative to the stream', async () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a')], [rec(1, 'a', 3500, 'x')]));
    render(<Panel store={store} />);
    fireEvent.contextMenu(screen.getByTestId('column-id'));
    const menu = await screen.findByTestId('column-menu');
    fireEvent.click(menu.querySelector('input[data-column="id"]')!);
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId('column-id')).toBeNull();
    expect(store.view.columns).not.toContain('id');
    fireEvent.click(screen.getByTestId('relative-time'));
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.getAllByTestId('event-row')[0]!.textContent).toContain('+2.500 s');
    // The gap threshold: 3 s here (two events 3.5 s apart become a gap).
    store.apply({ ...snapshot([stream('a')], [rec(1, 'a', 3500, 'x'), rec(2, 'a', 7000, 'y')]) });
    fireEvent.change(screen.getByTestId('gap-ms'), { target: { valueAsNumber: 4000, value: '4000' } });
    await new Promise((r) => setTimeout(r, 50));
    expect(store.view.gapMs).toBe(4000);
    expect(screen.getAllByTestId('event-row')[1]!.className).not.toContain('gap');
  });
});

describe('Toolbar filter', () => {
  const events = [rec(1, 'a', 1010, 'alpha'), rec(2, 'a', 1020, 'beta', { type: 'update' }), rec(3, 'a', 1030, 'keep-alive', { kind: 'comment', type: '' })];

  it('filters by text over data and id, by regex, and says when a regex is bad', async () => {
    const store = new PanelStore({ filter: { text: '', regex: false, hiddenTypes: ['(connection)'] } });
    store.apply(snapshot([stream('a')], events));
    render(<Panel store={store} />);
    const box = screen.getByTestId('filter') as HTMLInputElement;
    fireEvent.input(box, { target: { value: 'ALP' } });
    await new Promise((r) => setTimeout(r, 50));
    expect(dataOf()).toEqual(['alpha']);
    fireEvent.click(screen.getByTestId('filter-regex'));
    fireEvent.input(box, { target: { value: '^(alpha|beta)$' } });
    await new Promise((r) => setTimeout(r, 50));
    expect(dataOf()).toEqual(['alpha', 'beta']);
    fireEvent.input(box, { target: { value: '(' } });
    expect((await screen.findByTestId('filter-error')).textContent).toMatch(/./);
    expect(box.getAttribute('aria-invalid')).toBe('true');
  });

  it('hides types from the list (with their counts) and comments with one click', async () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a')], events));
    render(<Panel store={store} />);
    fireEvent.click(screen.getByTestId('hide-comments'));
    await new Promise((r) => setTimeout(r, 50));
    expect(dataOf()).toEqual(['alpha', 'beta']);
    fireEvent.click(screen.getByTestId('types-button'));
    const list = await screen.findByTestId('types');
    const labels = [...list.querySelectorAll('label')].map((l) => l.textContent);
    expect(labels).toEqual(['Connection (open, error, reconnect, close)', 'message1', 'update1', 'Comments (keep-alives)1']);
    fireEvent.click(list.querySelector('input[data-type="update"]')!);
    await new Promise((r) => setTimeout(r, 50));
    expect(dataOf()).toEqual(['alpha']);
    expect(screen.getByTestId('types-button').textContent).toContain('2 hidden');
  });

  it('pause keeps the table still and says how many arrived; resume shows them', async () => {
    const store = new PanelStore();
    store.apply(snapshot([stream('a')], events.slice(0, 1)));
    render(<Panel store={store} />);
    fireEvent.click(screen.getByTestId('pause'));
    store.apply({ ...snapshot([stream('a')], events), kind: 'delta', removedStreams: [], events: events.slice(1) });
    expect((await screen.findByTestId('paused')).textContent).toBe('Paused: 2 new');
    expect(dataOf()).toEqual(['alpha']);
    fireEvent.click(screen.getByTestId('pause'));
    await new Promise((r) => setTimeout(r, 50));
    expect(dataOf()).toEqual(['alpha', 'beta', 'keep-alive']);
  });
});
