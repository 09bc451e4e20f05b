import type { MatchPage } from '../../api/types';
import { fetchMatchPage, firstPageUrl, HISTORY_PAGE_SIZE, type HistoryFilters } from './api';

// The first page asked for by main.tsx on a load of /matches, with the URL it was asked by.
let prefetched: { url: string; page: Promise<MatchPage> } | null = null;

/**
 * main.tsx, on a load of /matches: ask for the first page now, so it travels as soon as the session
 * refresh settles (apiFetch waits on it) instead of once the app's chunk has run and the page mounted.
 */
export function prefetchFirstPage(filters: HistoryFilters, pageSize = HISTORY_PAGE_SIZE): void {
  const url = firstPageUrl(filters, pageSize);
  const page = fetchMatchPage(url);
  page.catch(() => undefined); // a failure is met by takeMatchPage asking again
  prefetched = { url, page };
}

/**
 * useHistory's fetch of a page: the prefetched one if it was asked by exactly this URL, else (or if
 * it failed) a request of its own. The prefetch serves the first fetch after the load only, whatever
 * that asks for, so it never answers for a later visit.
 */
export function takeMatchPage(url: string): Promise<MatchPage> {
  const taken = prefetched?.url === url ? prefetched.page : null;
  prefetched = null;
  return taken ? taken.catch(() => fetchMatchPage(url)) : fetchMatchPage(url);
}
