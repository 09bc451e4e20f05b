import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { Match, MatchPage, Me, TournamentList } from '../../api/types';
import { ApiError, apiFetch } from '../../lib/session';

/** Rows of a public match list (a player's history, a tournament's matches) per page. */
export const PUBLIC_PAGE_SIZE = 10;

export function playerMatchesPath(userId: string): string {
  return `/api/players/${encodeURIComponent(userId)}/matches?page_size=${PUBLIC_PAGE_SIZE}`;
}

export function tournamentMatchesPath(tournamentId: string): string {
  return `/api/tournaments/${encodeURIComponent(tournamentId)}/matches?page_size=${PUBLIC_PAGE_SIZE}`;
}

/** Cursor pages of a public match list, from its first page's path (docs/api.md, pages and cursors). */
export function useMatchPages(firstPage: string) {
  const query = useInfiniteQuery({
    queryKey: ['match-pages', firstPage],
    queryFn: ({ pageParam }) => {
      const url = new URL(pageParam, window.location.origin);
      return apiFetch<MatchPage>(`${url.pathname}${url.search}`);
    },
    initialPageParam: firstPage,
    getNextPageParam: (page) => page.next ?? undefined,
  });
  const matches: Match[] = query.data?.pages.flatMap((page) => page.results) ?? [];
  return { query, matches };
}

export function useTournaments() {
  return useQuery({ queryKey: ['tournaments'], queryFn: () => apiFetch<TournamentList>('/api/tournaments') });
}

/** A match being played (docs/api.md, live). */
export interface LiveMatch {
  room_id: string;
  started_at: string;
  mode: string;
  tournament_id: string | null;
  players: { player_id: string; username: string | null }[];
  tick: number;
  last_event_at: string;
}

/** The matches being played now; none while the live routes are not there (a 404). */
export function useLiveMatches() {
  return useQuery({
    queryKey: ['live-matches'],
    queryFn: async () => {
      try {
        return await apiFetch<LiveMatch[]>('/api/live/matches');
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return [];
        throw error;
      }
    },
    refetchInterval: 15_000,
  });
}

export function useMe() {
  return useQuery({ queryKey: ['me'], queryFn: () => apiFetch<Me>('/api/me') });
}

export function updateMe(profilePrivate: boolean): Promise<Me> {
  return apiFetch<Me>('/api/me', {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ profile_private: profilePrivate }),
  });
}

export function deleteMe(password: string): Promise<unknown> {
  return apiFetch('/api/me', {
    method: 'DELETE',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ password }),
  });
}
