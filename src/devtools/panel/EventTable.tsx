// The events table: only the rows in view are in the DOM, so it stays fast at any size.
// Columns can be sorted (click), resized (drag a header's edge), shown or hidden (right-click
// the header); connection markers sit between the records; a long silence before an event is
// marked. New rows keep the view at the bottom unless the user scrolled up. Keys: up/down,
// Home/End, PageUp/PageDown move the selection through the records (the detail follows); Esc
// closes the detail. A click on a connection row selects its stream.
import type { CSSProperties } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { EventRecord, Stream } from '../../shared/model';
import { startDrag } from './drag';
import { bytes, clockTime, duration, shortUrl } from './format';
import { isMarker, type ColumnId, type Row } from './rows';
import { ALL_COLUMNS, type PanelStore } from './store';

const ROW_HEIGHT = 21;
const OVERSCAN = 10;
const PREVIEW_CHARS = 200;
const MIN_WIDTH = 40;

const COLUMNS: Record<ColumnId, { label: string; title: string; width: number }> = {
  time: { label: 'Time', title: 'Arrival time', width: 106 },
  delta: { label: 'Δ', title: 'Time since the previous event of the same stream', width: 70 },
  stream: { label: 'Stream', title: 'The stream it came on', width: 140 },
  type: { label: 'Type', title: 'Event type', width: 110 },
  id: { label: 'ID', title: 'Last event ID', width: 70 },
  size: { label: 'Size', title: 'Size of the data (UTF-8)', width: 64 },
  data: { label: 'Data', title: 'Data (the start of it)', width: 0 },
};

export function EventTable({ store }: { store: PanelStore }) {
  const rows = store.rows();
  const { widths, sort, relativeTime, gapMs, selectedEvent } = store.view;
  const columns = store.visibleColumns();
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const atBottom = useRef(true);
  // Following the bottom makes sense in arrival order only.
  const follows = sort === null || (sort.column === 'time' && !sort.descending);

  const followBottom = () => {
    const el = viewport.current!;
    if (follows && atBottom.current && el.scrollHeight > el.clientHeight) {
      el.scrollTop = el.scrollHeight;
      setScrollTop(el.scrollTop);
    }
  };

  useLayoutEffect(() => {
    const el = viewport.current!;
    setHeight(el.clientHeight);
    const resize = new ResizeObserver(() => {
      setHeight(el.clientHeight);
      followBottom();
    });
    resize.observe(el);
    return () => resize.disconnect();
  }, []);

  useLayoutEffect(followBottom, [rows.length]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const widthOf = (c: ColumnId) => widths[c] ?? COLUMNS[c].width;
  const style = (c: ColumnId): CSSProperties | undefined => (c === 'data' ? undefined : { width: `${widthOf(c)}px` });

  const indexOf = (seq: number | null, list: Row[]) => (seq === null ? -1 : list.findIndex((r) => !isMarker(r) && r.seq === seq));
  const selectedIndex = indexOf(selectedEvent, rows);
  /** Selects the record at or after (step 1) / before (step -1) index i of `list`. */
  const selectFrom = (list: Row[], i: number, step: 1 | -1) => {
    for (let j = i; j >= 0 && j < list.length; j += step) {
      const r = list[j]!;
      if (isMarker(r)) continue;
      store.selectEvent(r.seq);
      return;
    }
  };

  // The selected row in view, however it was selected (keys, a click on the timeline).
  useLayoutEffect(() => {
    const el = viewport.current!;
    if (selectedIndex < 0) return;
    const top = selectedIndex * ROW_HEIGHT;
    // The sticky header covers one row's height.
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + 2 * ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + 2 * ROW_HEIGHT - el.clientHeight;
    else return;
    atBottom.current = false;
    setScrollTop(el.scrollTop);
  }, [selectedEvent]);
  const onKeyDown = (e: KeyboardEvent) => {
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    // From the store, not this render: keys can come faster than renders.
    const list = store.rows();
    const at = indexOf(store.selectedEvent, list);
    const keys: Record<string, () => void> = {
      ArrowDown: () => selectFrom(list, at + 1, 1),
      ArrowUp: () => selectFrom(list, at < 0 ? list.length - 1 : at - 1, -1),
      PageDown: () => selectFrom(list, Math.min(list.length - 1, at + page), 1),
      PageUp: () => selectFrom(list, Math.max(0, at - page), -1),
      Home: () => selectFrom(list, 0, 1),
      End: () => selectFrom(list, list.length - 1, -1),
      Escape: () => store.selectEvent(null),
    };
    const action = keys[e.key];
    if (!action) return;
    e.preventDefault();
    // Chrome's DevTools takes some keys (Esc opens its drawer) from a listener on the document.
    e.stopPropagation();
    action();
  };

  const sortBy = (c: ColumnId) => {
    // None → ascending → descending → none.
    const next = sort?.column !== c ? { column: c, descending: false } : sort.descending ? null : { column: c, descending: true };
    store.setView({ sort: next });
  };

  return (
    <div class="events" role="grid" aria-label="Events" aria-rowcount={rows.length + 1} aria-multiselectable="false">
      <div
        class="viewport"
        ref={viewport}
        tabIndex={0}
        data-testid="events-viewport"
        onKeyDown={onKeyDown}
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT;
          setScrollTop(el.scrollTop);
        }}
      >
        {/* Inside the scroller (sticky), so header and rows share one width, scrollbar or not. */}
        <div
          class="row header"
          role="row"
          aria-rowindex={1}
          onContextMenu={(e) => {
            e.preventDefault();
            setMenu({ x: e.clientX, y: e.clientY });
          }}
        >
          {columns.map((c) => (
            <span
              key={c}
              role="columnheader"
              class={`col-${c}`}
              style={style(c)}
              title={`${COLUMNS[c].title}. Click to sort; right-click for columns.`}
              aria-sort={sort?.column === c ? (sort.descending ? 'descending' : 'ascending') : 'none'}
              data-testid={`column-${c}`}
              onClick={() => sortBy(c)}
            >
              {COLUMNS[c].label}
              {c === 'time' && relativeTime && ' (rel.)'}
              {sort?.column === c && <span class="sort-mark">{sort.descending ? ' ▼' : ' ▲'}</span>}
              {c !== 'data' && <Resizer width={widthOf(c)} onResize={(w) => store.setView({ widths: { ...widths, [c]: w } })} />}
            </span>
          ))}
        </div>
        <div style={{ height: `${rows.length * ROW_HEIGHT}px`, position: 'relative' }}>
          {rows.slice(first, last).map((r, i) => {
            const index = first + i;
            const stream = store.streams.get(r.streamId);
            const common = { role: 'row' as const, 'aria-rowindex': index + 2, style: { top: `${index * ROW_HEIGHT}px` } };
            if (isMarker(r)) {
              return (
                <div key={r.key} {...common} class={`row marker marker-${r.what}`} data-testid="marker-row" onClick={() => store.selectStream(r.streamId)}>
                  {columns.map((c) => (
                    <span key={c} role="gridcell" class={`col-${c}`} style={style(c)}>
                      {c === 'time' ? timeText(r.time, stream, relativeTime) : c === 'stream' && stream ? shortUrl(stream.url) : c === 'data' ? r.text : ''}
                    </span>
                  ))}
                </div>
              );
            }
            const delta = store.deltas.of(r.seq);
            const gap = delta !== undefined && delta >= gapMs;
            const selected = selectedEvent === r.seq;
            return (
              <div
                key={r.seq}
                {...common}
                aria-selected={selected}
                class={`row event${index % 2 ? ' odd' : ''}${selected ? ' selected' : ''}${gap ? ' gap' : ''}`}
                onClick={() => store.selectEvent(r.seq)}
                data-testid="event-row"
              >
                {columns.map((c) => (
                  <Cell key={c} column={c} record={r} stream={stream} delta={delta} gap={gap} relativeTime={relativeTime} style={style(c)} />
                ))}
              </div>
            );
          })}
        </div>
      </div>
      {rows.length === 0 && <p class="empty">{store.events.length === 0 ? 'No events yet.' : 'No events match the filter.'}</p>}
      {menu && <ColumnMenu store={store} at={menu} onClose={() => setMenu(null)} />}
    </div>
  );
}

function Cell(props: { column: ColumnId; record: EventRecord; stream: Stream | undefined; delta: number | undefined; gap: boolean; relativeTime: boolean; style: CSSProperties | undefined }) {
  const { column, record: e, stream, delta, gap, relativeTime, style } = props;
  const cell = (content: string, extra: Record<string, string | undefined> = {}) => (
    <span role="gridcell" class={`col-${column}`} style={style} {...extra}>
      {content}
    </span>
  );
  switch (column) {
    case 'time':
      return cell(timeText(e.time, stream, relativeTime), { title: clockTime(e.time) });
    case 'delta':
      return cell(delta === undefined ? '' : duration(delta), gap ? { class: 'col-delta gap-mark', title: `${duration(delta!)} without an event on this stream` } : {});
    case 'stream':
      return cell(stream ? shortUrl(stream.url) : '', { title: stream?.url });
    case 'type':
      return cell(e.kind === 'event' ? e.type : `(${e.kind})`, { class: `col-type kind-${e.kind}`, 'data-testid': 'event-type' });
    case 'id':
      return cell(e.id, { 'data-testid': 'event-id' });
    case 'size':
      return cell(bytes(e.size) + (e.truncated ? ' (cut)' : ''));
    case 'data':
      return cell(e.data.slice(0, PREVIEW_CHARS), { 'data-testid': 'event-data' });
  }
}

function timeText(time: number, stream: Stream | undefined, relative: boolean): string {
  return relative && stream ? `+${((time - stream.createdAt) / 1000).toFixed(3)} s` : clockTime(time);
}

/** The drag handle on a header's right edge. */
function Resizer({ width, onResize }: { width: number; onResize: (width: number) => void }) {
  return (
    <span
      class="resizer"
      aria-hidden="true"
      onClick={(e) => e.stopPropagation()}
      onPointerDown={(e) => startDrag(e, (dx) => onResize(Math.max(MIN_WIDTH, Math.round(width + dx))))}
    />
  );
}

/** Right-click on the header: columns to show, and how time is shown. */
function ColumnMenu({ store, at, onClose }: { store: PanelStore; at: { x: number; y: number }; onClose: () => void }) {
  const { columns, relativeTime } = store.view;
  const toggle = (c: ColumnId, show: boolean) => store.setView({ columns: ALL_COLUMNS.filter((x) => (x === c ? show : columns.includes(x))) });
  return (
    <div class="menu-backdrop" onClick={onClose} onContextMenu={(e) => (e.preventDefault(), onClose())}>
      <div class="menu" role="menu" style={{ left: `${at.x}px`, top: `${at.y}px` }} onClick={(e) => e.stopPropagation()} data-testid="column-menu">
        {ALL_COLUMNS.map((c) => (
          <div key={c} role="menuitemcheckbox" aria-checked={columns.includes(c)}>
            <label>
              <input type="checkbox" data-column={c} checked={columns.includes(c)} disabled={c === 'data'} onChange={(e) => toggle(c, e.currentTarget.checked)} />
              {COLUMNS[c].title}
            </label>
          </div>
        ))}
        <hr />
        <div role="menuitemcheckbox" aria-checked={relativeTime}>
          <label>
            <input type="checkbox" data-testid="relative-time" checked={relativeTime} onChange={(e) => store.setView({ relativeTime: e.currentTarget.checked })} />
            Time since the stream began
          </label>
        </div>
        <div role="menuitem">
          <label>
            Mark gaps over
            <input
              type="number"
              class="gap-input"
              data-testid="gap-ms"
              min={1}
              step={100}
              value={store.view.gapMs}
              onChange={(e) => {
                const ms = e.currentTarget.valueAsNumber;
                if (Number.isFinite(ms) && ms > 0) store.setView({ gapMs: ms });
              }}
            />
            ms
          </label>
        </div>
      </div>
    </div>
  );
}
