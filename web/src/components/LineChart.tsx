import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';

/** Distinct line colours for up to 8 players (then they repeat), readable on the light and dark themes. */
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#e377c2', '#8c564b'];

const AXIS = '#9aa5b1';
const GRID = '#262d36';

export interface ChartLine {
  label: string;
  /** null: no value there (a gap in the line). */
  values: (number | null)[];
}

/**
 * Lines over one x axis, drawn by uPlot (loaded on demand: the chart library is fetched only by a page
 * that shows a chart, so it weighs nothing on the others). x is seconds from the start by default, or
 * `days` (UTC midnights as Unix seconds, a time axis), one value of each line a day.
 */
export function LineChart({
  title,
  lines,
  days,
  height = 180,
}: {
  title: string;
  lines: ChartLine[];
  days?: number[];
  height?: number;
}) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = holder.current;
    // No canvas to draw on without a browser's media queries (jsdom in the unit tests).
    if (!element || typeof window.matchMedia !== 'function') return;
    let plot: uPlot | null = null;
    let cancelled = false;
    let resize: ResizeObserver | null = null;
    const length = days ? days.length : Math.max(1, ...lines.map((line) => line.values.length));
    const xs = days ?? Array.from({ length }, (_, second) => second);
    const columns = lines.map((line) => xs.map((_, at) => line.values[at] ?? null));
    void Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: UPlot }]) => {
      if (cancelled) return;
      const width = () => Math.max(240, element.clientWidth);
      plot = new UPlot(
        {
          width: width(),
          height,
          series: [
            { label: days ? 'Day' : 'Second' },
            ...lines.map((line, position) => ({
              label: line.label,
              stroke: COLOURS[position % COLOURS.length],
              width: 2,
              // A day's figure is a point (a lone day has no line to draw); seconds are a line.
              points: { show: Boolean(days), size: 6 },
            })),
          ],
          // Axis text and grid in the page's muted colours (uPlot's default black is unreadable on dark).
          axes: [
            { label: days ? '' : 's', stroke: AXIS, grid: { stroke: GRID }, ticks: { stroke: GRID } },
            { stroke: AXIS, grid: { stroke: GRID }, ticks: { stroke: GRID } },
          ],
          scales: { x: { time: Boolean(days) } },
          legend: { live: true },
        },
        [xs, ...columns],
        element,
      );
      resize = new ResizeObserver(() => plot?.setSize({ width: width(), height }));
      resize.observe(element);
    });
    return () => {
      cancelled = true;
      resize?.disconnect();
      plot?.destroy();
    };
  }, [lines, days, height]);
  return (
    <figure className="timeline-chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <div ref={holder} data-chart={title} />
    </figure>
  );
}
