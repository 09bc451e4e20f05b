import { filtersFromSearch, firstPageUrl, HISTORY_PAGE_SIZE } from '../platform/history/api';
import { matchPath, replayPath } from '../platform/matches/paths';

/**
 * What the page at this address asks for first, for main.tsx to prefetch (lib/prefetch): the history's
 * first page, a match, or a replay with its match. The paths are built by the same functions the
 * pages' queries use, so that a prefetch is never missed by a spelling.
 */
export function earlyRequests(pathname: string, search: string): string[] {
  if (/^\/matches\/?$/.test(pathname)) {
    return [firstPageUrl(filtersFromSearch(new URLSearchParams(search)), HISTORY_PAGE_SIZE)];
  }
  const match = /^\/matches\/([^/]+)(\/replay)?\/?$/.exec(pathname);
  if (!match?.[1]) return [];
  let id: string;
  try {
    id = decodeURIComponent(match[1]); // as the router's useParams gives it
  } catch {
    return []; // malformed: the page says there is no such match
  }
  return match[2] ? [replayPath(id), matchPath(id)] : [matchPath(id)];
}
