// The events table: only the rows in view are in the DOM, so it stays fast at any size.
// New rows keep the view at the bottom unless the user scrolled up.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { clockTime, shortUrl } from './format';
import type { PanelStore } from './store';

const ROW_HEIGHT = 21;
const OVERSCAN = 10;
const PREVIEW_CHARS = 200;

export function EventTable({ store }: { store: PanelStore }) {
  const events = store.visibleEvents();
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const atBottom = useRef(true);

  // Keeps the newest row in view while following the bottom, also when the table shrinks.
  const followBottom = () => {
    const el = viewport.current!;
    if (atBottom.current && el.scrollHeight > el.clientHeight) {
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

  useLayoutEffect(followBottom, [events.length]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(events.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const showStream = store.selectedStream === null;

  return (
    <div class="events" role="grid" aria-label="Events" aria-rowcount={events.length + 1}>
      <div
        class="viewport"
        ref={viewport}
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT;
          setScrollTop(el.scrollTop);
        }}
      >
        {/* Inside the scroller (sticky), so header and rows share one width, scrollbar or not. */}
        <div class="row header" role="row">
          <span role="columnheader" class="col-time">Time</span>
          {showStream && <span role="columnheader" class="col-stream">Stream</span>}
          <span role="columnheader" class="col-type">Type</span>
          <span role="columnheader" class="col-id">ID</span>
          <span role="columnheader" class="col-data">Data</span>
        </div>
        <div style={{ height: `${events.length * ROW_HEIGHT}px`, position: 'relative' }}>
          {events.slice(first, last).map((e, i) => {
            const stream = store.streams.get(e.streamId);
            return (
              <div
                key={e.seq}
                role="row"
                aria-rowindex={first + i + 2}
                aria-selected={store.selectedEvent === e.seq}
                class={`row event${(first + i) % 2 ? ' odd' : ''}${store.selectedEvent === e.seq ? ' selected' : ''}`}
                style={{ top: `${(first + i) * ROW_HEIGHT}px` }}
                onClick={() => store.selectEvent(e.seq)}
                data-testid="event-row"
              >
                <span role="gridcell" class="col-time">{clockTime(e.time)}</span>
                {showStream && (
                  <span role="gridcell" class="col-stream" title={stream?.url}>
                    {stream ? shortUrl(stream.url) : ''}
                  </span>
                )}
                <span role="gridcell" class={`col-type kind-${e.kind}`} data-testid="event-type">
                  {e.kind === 'event' ? e.type : `(${e.kind})`}
                </span>
                <span role="gridcell" class="col-id" data-testid="event-id">{e.id}</span>
                <span role="gridcell" class="col-data" data-testid="event-data">{e.data.slice(0, PREVIEW_CHARS)}</span>
              </div>
            );
          })}
        </div>
      </div>
      {events.length === 0 && <p class="empty">No events yet.</p>}
    </div>
  );
}
