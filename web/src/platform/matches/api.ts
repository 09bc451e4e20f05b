import { useQuery } from '@tanstack/react-query';
import type { Match } from '../../api/types';
import { fetchEarly } from '../../lib/prefetch';
import { matchPath } from './paths';

/** A match (prefetched on a load of its page or of its replay). */
export function fetchMatch(id: string): Promise<Match> {
  return fetchEarly<Match>(matchPath(id));
}

export function useMatch(id: string) {
  return useQuery({ queryKey: ['match', id], queryFn: () => fetchMatch(id) });
}
