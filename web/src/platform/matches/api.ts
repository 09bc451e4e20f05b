import { useQuery } from '@tanstack/react-query';
import type { Match } from '../../api/types';
import { apiFetch } from '../../lib/session';

export function fetchMatch(id: string): Promise<Match> {
  return apiFetch<Match>(`/api/matches/${encodeURIComponent(id)}`);
}

export function useMatch(id: string) {
  return useQuery({ queryKey: ['match', id], queryFn: () => fetchMatch(id) });
}
