// @vitest-environment happy-dom
import { cleanup, fireEvent, render } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Timeline } from '../src/devtools/panel/Timeline';
import type { EventRecord, Stream } from '../src/shared/model';
import { firehose, reconnectLoop, stall, stream, T0 } from './support/timeline-data';

afterEach(cleanup);

const byId = (...streams: Stream[]) => new Map(streams.map((s) => [s.id, s]));
const svgOf = (c: HTMLElement) => c.querySelector('svg')!;
const titles = (els: Iterable<Element>) => [...els].map((e) => e.querySelector('title')?.textContent);

describe('Timeline', () => {
  it('shows a reconnect loop as one bar per attempt with its outcome, and says so in its label', () => {
    const { stream: s, events } = reconnectLoop(8, true);
    const { container } = render(<Timeline streams={byId(s)} events={events} selected="loop" now={T0 + 7 * 3100 + 2000} width={600} />);
    const bars = [...container.querySelectorAll('[data-testid="timeline-bar"]')];
    expect(bars.map((b) => b.getAttribute('data-outcome'))).toEqual([...Array(7).fill('error'), 'open']);
    expect(titles(bars)[0]).toMatch(/^#1: ended with an error after 50 ms, HTTP 200 text\/event-stream, 1 event, /);
    // The open one reaches the right edge (now).
    const last = bars[7]!.querySelectorAll('rect');
    const r = last[last.length - 1]!;
    expect(Number(r.getAttribute('x')) + Number(r.getAttribute('width'))).toBeCloseTo(600);
    expect(svgOf(container).getAttribute('role')).toBe('img');
    expect(svgOf(container).getAttribute('aria-label')).toBe('Timeline: 8 attempts, 7 reconnects, 8 events, no gap over 3.0 s');
  });

  it('marks a stall with its duration, and the caption jumps to it', () => {
    const { stream: s, events } = stall(3200, 20_000);
    const onSelectTime = vi.fn();
    const { container, getByTestId } = render(<Timeline streams={byId(s)} events={events} selected="counter" now={T0 + 20_000} width={800} onSelectTime={onSelectTime} />);
    const gaps = container.querySelectorAll('[data-testid="timeline-gap"]');
    expect(gaps).toHaveLength(1);
    expect(titles(gaps)[0]).toMatch(/^3\.2 s without events \(/);
    // Wide enough (3.2 s of 20 s at 800 px) for its duration written on it.
    expect(gaps[0]!.querySelector('text')?.textContent).toBe('3.2 s');
    expect(svgOf(container).getAttribute('aria-label')).toBe('Timeline: 1 attempt, 0 reconnects, 17 events, longest gap 3.2 s');
    fireEvent.click(getByTestId('timeline-longest-gap'));
    expect(onSelectTime).toHaveBeenCalledWith(T0 + 10_000, 'counter');
  });

  it('renders 200 000 events with a bounded number of SVG elements', () => {
    const { stream: s, events } = firehose(200_000, 50_000);
    const { container } = render(<Timeline streams={byId(s)} events={events} selected="fire" now={T0 + 60_000} width={1000} />);
    const elements = svgOf(container).querySelectorAll('*').length;
    expect(elements).toBeLessThan(60);
    // The ticks are one path: a mark per pixel column that has events (the burst covers 5/6 of the width).
    const ticks = container.querySelector('.tl-ticks')!.getAttribute('d')!;
    const marks = ticks.split('M').length - 1;
    expect(marks).toBeGreaterThan(800);
    expect(marks).toBeLessThanOrEqual(1000);
    expect(svgOf(container).getAttribute('aria-label')).toContain('200\u00a0000 events');
  });

  it('calls onSelectTime with the time and lane clicked', () => {
    const a = stream('a');
    const b = stream('b', { createdAt: T0 + 1000 });
    const events: EventRecord[] = [];
    const onSelectTime = vi.fn();
    const { container } = render(<Timeline streams={byId(a, b)} events={events} selected={null} now={T0 + 60_000} width={600} onSelectTime={onSelectTime} />);
    expect(container.querySelectorAll('[data-testid="timeline-lane"]')).toHaveLength(2);
    // 60 s over 600 px; happy-dom puts the svg at 0,0. Under the 18 px axis, lanes are 53 px high (label and body).
    fireEvent.click(svgOf(container), { clientX: 300, clientY: 18 + 53 + 10 });
    expect(onSelectTime).toHaveBeenLastCalledWith(T0 + 30_000, 'b');
    fireEvent.click(svgOf(container), { clientX: 45, clientY: 60 });
    expect(onSelectTime).toHaveBeenLastCalledWith(T0 + 4500, 'a');
  });

  it('shows at most 20 lanes of all streams, and says how many more there are', () => {
    const streams = Array.from({ length: 25 }, (_, i) => stream(`s${i}`, { createdAt: T0 + i * 100 }));
    const { container, getByTestId } = render(<Timeline streams={byId(...streams)} events={[]} selected={null} now={T0 + 60_000} width={600} />);
    expect(container.querySelectorAll('[data-testid="timeline-lane"]')).toHaveLength(20);
    expect(getByTestId('timeline-hidden').textContent).toBe('+5 less recent streams (select one to see it)');
  });

  it('follows a log that grows in place, as the store appends to it', () => {
    const { stream: s, events } = stall(100_000, 0);
    const log = events.slice(0, 5);
    const { container, rerender } = render(<Timeline streams={byId(s)} events={log} selected="counter" now={T0 + 6000} width={600} />);
    expect(svgOf(container).getAttribute('aria-label')).toContain('5 events');
    log.push(...events.slice(5));
    rerender(<Timeline streams={byId(s)} events={log} selected="counter" now={T0 + 20_000} width={600} />);
    expect(svgOf(container).getAttribute('aria-label')).toBe('Timeline: 1 attempt, 0 reconnects, 10 events, longest gap 10.0 s (still going on)');
  });
});
