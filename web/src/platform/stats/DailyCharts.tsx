import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { components } from '../../api/schema';
import { LineChart } from '../../components/LineChart';
import { apiFetch } from '../../lib/session';

type Daily = components['schemas']['PlayerDaily'];

const DAYS = 30;
const DAY_S = 86_400;

const SERIES = [
  { key: 'pps', title: 'PPS by day' },
  { key: 'apm', title: 'APM by day' },
  { key: 'vs', title: 'VS by day (analysed matches)' },
] as const;

/** The player's multiplayer PPS, APM and VS a day over the last 30 days (docs/api.md, stats). */
export function DailyCharts({ userId }: { userId: string }) {
  const query = useQuery({
    queryKey: ['player-daily', userId],
    queryFn: () => apiFetch<Daily>(`/api/players/${encodeURIComponent(userId)}/stats/daily?days=30`),
  });
  const charts = useMemo(() => {
    // Every one of the 30 days on the axis (UTC midnights), a gap where the player did not play.
    const byDay = new Map((query.data?.days ?? []).map((day) => [day.day, day]));
    // Today as of the answer (its arrival time): the API's 30 days end there.
    const today = Math.floor(query.dataUpdatedAt / 1000 / DAY_S) * DAY_S;
    const xs = Array.from({ length: DAYS }, (_, at) => today - (DAYS - 1 - at) * DAY_S);
    const isoDay = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
    return {
      xs,
      lines: SERIES.map((series) => ({
        title: series.title,
        lines: [
          { label: series.key.toUpperCase(), values: xs.map((x) => byDay.get(isoDay(x))?.[series.key] ?? null) },
        ],
      })),
    };
  }, [query.data, query.dataUpdatedAt]);
  if (!query.data || query.data.days.length === 0) return null;
  return (
    <section aria-labelledby="daily-heading">
      <h2 id="daily-heading">The last 30 days</h2>
      <div className="charts">
        {charts.lines.map((chart) => (
          <LineChart key={chart.title} title={chart.title} lines={chart.lines} days={charts.xs} />
        ))}
      </div>
    </section>
  );
}
