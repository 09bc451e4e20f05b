import { useQuery } from '@tanstack/react-query';
import { apiFetch } from '../../lib/session';

export interface LiveMatch {
  room_id: string;
  started_at: string;
  mode: string;
  tournament_id: string | null;
  players: { player_id: string; username: string | null }[];
  tick: number;
  last_event_at: string;
}

export const LIVE_KEY = ['live', 'matches'] as const;

/** The matches being played (GET /api/live/matches); the list's stream keeps it current on /live. */
export function useLiveMatches() {
  return useQuery({ queryKey: LIVE_KEY, queryFn: () => apiFetch<LiveMatch[]>('/api/live/matches') });
}
