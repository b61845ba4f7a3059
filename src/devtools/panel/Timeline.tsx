// The timeline: attempts as bars, events as ticks, the event rate and gaps over time, as SVG.
// Each mark has a <title> (its tooltip); the picture as a whole is summarised in its aria-label.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { EventRecord, Stream } from '../../shared/model';
import { clockTime, duration, grouped } from './format';
import { DEFAULT_GAP_MS, layoutTimeline, timeAt, TimelineIndex, type Lane, type TimelineLayout } from './timeline-layout';
import './timeline.css';

export interface TimelineProps {
  streams: ReadonlyMap<string, Stream>;
  /** The tab's whole log in seq order (store.events, not the filtered rows): it is indexed as it grows. */
  events: readonly EventRecord[];
  /** A stream's id, or null for all streams (one lane each, the most recently active ones). */
  selected: string | null;
  /** The right edge for live streams. Omitted: the clock, re-read every second while a stream is live. */
  now?: number | undefined;
  /** In px. Omitted: the container's width, followed as it is resized. */
  width?: number | undefined;
  /** A time without events at least this long is a gap (default 3 s). */
  gapMs?: number | undefined;
  /** A click on the timeline: the time under the pointer, and the stream of the lane clicked. */
  onSelectTime?: ((time: number, streamId: string | undefined) => void) | undefined;
}

const AXIS_H = 18;
const LABEL_H = 13;
const BAR_H = 8;
const RUG_H = 6;
const RATE_H = 16;
/** Lane body below its label: bar, event ticks, rate, with spacing. */
const BODY_H = 2 + BAR_H + 3 + RUG_H + 2 + RATE_H + 3;

export function Timeline({ streams, events, selected, now, width, gapMs = DEFAULT_GAP_MS, onSelectTime }: TimelineProps) {
  const index = useRef<TimelineIndex | null>(null);
  if (index.current?.gapMs !== gapMs) index.current = new TimelineIndex(gapMs);
  index.current.update(events);
  const measured = useWidth(width === undefined);
  const live = now === undefined && someLive(streams, selected);
  useTicking(live);
  const w = width ?? measured.width;
  const layout = w > 0 ? layoutTimeline(index.current, { streams, selected, now: now ?? Date.now(), width: w }) : null;
  return (
    <div class="timeline" ref={measured.ref} data-testid="timeline">
      {layout && layout.lanes.length > 0 ? <Picture layout={layout} onSelectTime={onSelectTime} /> : <p class="tl-empty">No stream to show</p>}
    </div>
  );
}

function Picture({ layout, onSelectTime }: { layout: TimelineLayout; onSelectTime: TimelineProps['onSelectTime'] }) {
  const labelH = layout.lanes.length > 1 ? LABEL_H : 0;
  const laneH = labelH + BODY_H;
  const height = AXIS_H + layout.lanes.length * laneH;
  const longest = layout.longestGap;
  const click = (e: MouseEvent) => {
    const box = (e.currentTarget as SVGSVGElement).getBoundingClientRect();
    const lane = layout.lanes[Math.floor((e.clientY - box.top - AXIS_H) / laneH)];
    onSelectTime?.(timeAt(layout, e.clientX - box.left), lane?.stream.id);
  };
  return (
    <>
      <svg class="tl-svg" width={layout.width} height={height} role="img" aria-label={`Timeline: ${layout.summary}`} onClick={click}>
        <Axis layout={layout} height={height} />
        {layout.lanes.map((lane, i) => (
          <LaneMarks key={lane.stream.id} lane={lane} top={AXIS_H + i * laneH} labelH={labelH} width={layout.width} />
        ))}
      </svg>
      <div class="tl-caption">
        <span class="tl-key tl-key-open">open</span>
        <span class="tl-key tl-key-error">error / failed</span>
        <span class="tl-key tl-key-closed">closed</span>
        <span class="tl-key tl-key-gap">gap ≥ {duration(layout.gapMs)}</span>
        <span class="tl-key tl-key-rate">events/s</span>
        {longest && (
          <button type="button" class="tl-goto" data-testid="timeline-longest-gap" onClick={() => onSelectTime?.(longest.gap.start, longest.lane.stream.id)}>
            Longest gap {duration(longest.gap.ms)} at {clockTime(longest.gap.start)}
            {longest.lane.label && ` (${longest.lane.label})`}
          </button>
        )}
        {layout.hidden > 0 && (
          <span class="tl-hidden" data-testid="timeline-hidden">
            +{layout.hidden} less recent stream{layout.hidden === 1 ? '' : 's'} (select one to see it)
          </span>
        )}
      </div>
    </>
  );
}

function Axis({ layout, height }: { layout: TimelineLayout; height: number }) {
  return (
    <g class="tl-axis">
      <line x1={0} x2={layout.width} y1={AXIS_H - 0.5} y2={AXIS_H - 0.5} />
      {layout.axis.map((t) => (
        <g key={t.time}>
          <line class="tl-grid" x1={Math.round(t.x) + 0.5} x2={Math.round(t.x) + 0.5} y1={AXIS_H - 5} y2={height} />
          <text x={Math.round(t.x) + 3} y={AXIS_H - 6}>
            {t.label}
          </text>
        </g>
      ))}
    </g>
  );
}

function LaneMarks({ lane, top, labelH, width }: { lane: Lane; top: number; labelH: number; width: number }) {
  const barY = top + labelH + 2;
  const rugY = barY + BAR_H + 3;
  const rateY = rugY + RUG_H + 2;
  const bottom = rateY + RATE_H;
  return (
    <g class="tl-lane" data-testid="timeline-lane" data-stream={lane.stream.id}>
      {labelH > 0 && (
        <text class="tl-label" x={2} y={top + labelH - 2}>
          <title>{lane.stream.url}</title>
          {lane.label}
        </text>
      )}
      {lane.gaps.map((g) => (
        <g key={g.start} class={`tl-gap${g.ongoing ? ' tl-gap-ongoing' : ''}`} data-testid="timeline-gap">
          <title>{g.title}</title>
          <rect x={g.x0} y={barY - 1} width={Math.max(1, g.x1 - g.x0)} height={bottom - barY + 1} />
          {g.x1 - g.x0 >= 40 && (
            <text x={g.x0 + 3} y={bottom - 3}>
              {duration(g.ms)}
            </text>
          )}
        </g>
      ))}
      {lane.bars.map((b) => {
        // Thin while connecting (or never connected), full height once open.
        const openX = b.xOpen ?? b.x1;
        return (
          <g key={b.n} class={`tl-bar tl-bar-${b.outcome}`} data-testid="timeline-bar" data-outcome={b.outcome}>
            <title>{b.title}</title>
            {openX > b.x0 && <rect x={b.x0} y={barY + BAR_H / 4} width={openX - b.x0} height={BAR_H / 2} />}
            {b.x1 > openX && <rect x={openX} y={barY} width={b.x1 - openX} height={BAR_H} />}
          </g>
        );
      })}
      <path class="tl-ticks" d={ticksPath(lane.ticks, rugY)}>
        <title>{`${grouped(lane.events)} event${lane.events === 1 ? '' : 's'}`}</title>
      </path>
      {lane.peakRate > 0 && (
        <>
          <path class="tl-rate" d={ratePath(lane.rate, lane.peakRate, rateY)}>
            <title>{`Event rate, up to ${rateText(lane.peakRate)} events/s`}</title>
          </path>
          <text class="tl-peak" x={width - 2} y={rateY + 8}>
            {rateText(lane.peakRate)}/s
          </text>
        </>
      )}
    </g>
  );
}

/** One path for all ticks: a vertical mark in each pixel column that has events. */
function ticksPath(ticks: Uint32Array, y: number): string {
  let d = '';
  for (let x = 0; x < ticks.length; x++) if (ticks[x]! > 0) d += `M${x + 0.5} ${y}v${RUG_H}`;
  return d;
}

/** The rate as an area, sampled every 2 px, scaled to the lane's peak. */
function ratePath(rate: Float64Array, peak: number, y: number): string {
  const base = y + RATE_H;
  let d = `M0 ${base}`;
  for (let x = 0; x < rate.length; x += 2) d += `L${x} ${(base - (rate[x]! / peak) * RATE_H).toFixed(1)}`;
  return `${d}L${rate.length} ${base}Z`;
}

function rateText(perSecond: number): string {
  return perSecond < 10 ? perSecond.toFixed(1) : grouped(Math.round(perSecond));
}

function someLive(streams: ReadonlyMap<string, Stream>, selected: string | null): boolean {
  if (selected !== null) return streams.get(selected)?.state !== 'closed';
  for (const s of streams.values()) if (s.state !== 'closed') return true;
  return false;
}

/** Re-renders every second while on, so that an open attempt and an ongoing gap grow with the clock. */
function useTicking(on: boolean): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [on]);
}

/** The element's width, followed with a ResizeObserver while `on`. */
function useWidth(on: boolean) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!on || !el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver((entries) => setWidth(Math.floor(entries[0]?.contentRect.width ?? 0)));
    observer.observe(el);
    return () => observer.disconnect();
  }, [on]);
  return { ref, width };
}
