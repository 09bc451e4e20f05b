import { useQuery } from '@tanstack/react-query';
import type { MultiplayerLeaderboard, PlayerStats, SoloLeaderboard, Standings } from '../../api/types';
import { apiFetch } from '../../lib/session';

/** The leaderboards' periods (docs/api.md), by ended_at; `all` is the API's default. */
export const PERIODS = [
  { value: 'day', label: 'Last 24 hours' },
  { value: 'week', label: 'Last 7 days' },
  { value: 'month', label: 'Last 30 days' },
  { value: 'all', label: 'All time' },
] as const;
export type Period = (typeof PERIODS)[number]['value'];

export function isPeriod(value: string | null): value is Period {
  return PERIODS.some((period) => period.value === value);
}

export function usePlayerStats(userId: string) {
  return useQuery({
    queryKey: ['player-stats', userId],
    queryFn: () => apiFetch<PlayerStats>(`/api/players/${encodeURIComponent(userId)}/stats`),
  });
}

export function useSoloLeaderboard(period: Period) {
  return useQuery({
    queryKey: ['leaderboard', 'solo', period],
    queryFn: () => apiFetch<SoloLeaderboard>(`/api/leaderboards/solo?period=${period}`),
  });
}

export function useMultiplayerLeaderboard(period: Period) {
  return useQuery({
    queryKey: ['leaderboard', 'multiplayer', period],
    queryFn: () => apiFetch<MultiplayerLeaderboard>(`/api/leaderboards/multiplayer?period=${period}`),
  });
}

export function useStandings(tournamentId: string) {
  return useQuery({
    queryKey: ['standings', tournamentId],
    queryFn: () => apiFetch<Standings>(`/api/tournaments/${encodeURIComponent(tournamentId)}/standings`),
  });
}
