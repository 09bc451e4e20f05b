import type { MatchPage } from '../../api/types';
import { fetchEarly } from '../../lib/prefetch';

export interface HistoryFilters {
  /** '' for every mode, else 'multiplayer' or 'solo'. */
  mode: string;
  /** Days (YYYY-MM-DD) in the browser's time zone, both included; '' for no bound. */
  since: string;
  until: string;
}

/** Rows a history page asks for: main.tsx's prefetch and the page's hook ask alike. */
export const HISTORY_PAGE_SIZE = 20;

/** The filters of a /matches URL's query string, under the API's names. */
export function filtersFromSearch(params: URLSearchParams): HistoryFilters {
  return { mode: params.get('mode') ?? '', since: params.get('since') ?? '', until: params.get('until') ?? '' };
}

/** The first instant of a local day, as the API's ISO-8601 datetime. */
export function startOfLocalDay(day: string): string {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(year ?? 1970, (month ?? 1) - 1, date ?? 1).toISOString();
}

/** The first instant of the local day after `day`: `until` is inclusive of the whole day. */
export function endOfLocalDay(day: string): string {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(year ?? 1970, (month ?? 1) - 1, (date ?? 1) + 1, 0, 0, 0, -1).toISOString();
}

export function firstPageUrl(filters: HistoryFilters, pageSize = HISTORY_PAGE_SIZE): string {
  const params = new URLSearchParams({ page_size: String(pageSize) });
  if (filters.mode) params.set('mode', filters.mode);
  if (filters.since) params.set('since', startOfLocalDay(filters.since));
  if (filters.until) params.set('until', endOfLocalDay(filters.until));
  return `/api/matches?${params.toString()}`;
}

/** A page by URL: the first page's (prefetched on a load of /matches), or the `next` link of the one
 * before (same origin, path kept). */
export function fetchMatchPage(url: string): Promise<MatchPage> {
  const parsed = new URL(url, window.location.origin);
  return fetchEarly<MatchPage>(`${parsed.pathname}${parsed.search}`);
}
