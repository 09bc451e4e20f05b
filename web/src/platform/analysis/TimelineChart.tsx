import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';

/** Distinct line colours for up to 8 players (then they repeat), readable on the light and dark themes. */
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#e377c2', '#8c564b'];

const AXIS = '#9aa5b1';
const GRID = '#262d36';

export interface ChartLine {
  label: string;
  values: number[];
}

/**
 * One timeline as a line per player, drawn by uPlot (loaded on demand: the chart library is fetched
 * only by a page that shows a chart, so it weighs nothing on the others). x is seconds from the start.
 */
export function TimelineChart({ title, lines, height = 180 }: { title: string; lines: ChartLine[]; height?: number }) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    let plot: uPlot | null = null;
    let cancelled = false;
    let resize: ResizeObserver | null = null;
    const length = Math.max(1, ...lines.map((line) => line.values.length));
    const seconds = Array.from({ length }, (_, second) => second);
    const columns = lines.map((line) => seconds.map((second) => line.values[second] ?? null));
    void Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: UPlot }]) => {
      if (cancelled) return;
      const width = () => Math.max(240, element.clientWidth);
      plot = new UPlot(
        {
          width: width(),
          height,
          series: [
            { label: 'Second' },
            ...lines.map((line, position) => ({
              label: line.label,
              stroke: COLOURS[position % COLOURS.length],
              width: 2,
              points: { show: false },
            })),
          ],
          // Axis text and grid in the page's muted colours (uPlot's default black is unreadable on dark).
          axes: [
            { label: 's', stroke: AXIS, grid: { stroke: GRID }, ticks: { stroke: GRID } },
            { stroke: AXIS, grid: { stroke: GRID }, ticks: { stroke: GRID } },
          ],
          scales: { x: { time: false } },
          legend: { live: true },
        },
        [seconds, ...columns],
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
  }, [lines, height]);
  return (
    <figure className="timeline-chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <div ref={holder} data-chart={title} />
    </figure>
  );
}
