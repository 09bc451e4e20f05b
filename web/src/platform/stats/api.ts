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

/** docs/api.md's solo boards: verified runs of one mode; `marathon` is the API's default. */
export const SOLO_BOARDS = [
  { value: 'marathon', label: 'Marathon', caption: 'Solo marathon: best score' },
  { value: 'sprint', label: '40-line sprint', caption: '40-line sprint: fastest time' },
  { value: 'blitz', label: '2-minute blitz', caption: '2-minute blitz: best score' },
] as const;
export type SoloBoardMode = (typeof SOLO_BOARDS)[number]['value'];

export function isSoloBoardMode(value: string | null): value is SoloBoardMode {
  return SOLO_BOARDS.some((board) => board.value === value);
}

export function useSoloLeaderboard(period: Period, mode: SoloBoardMode = 'marathon') {
  return useQuery({
    queryKey: ['leaderboard', 'solo', mode, period],
    queryFn: () => apiFetch<SoloLeaderboard>(`/api/leaderboards/solo?mode=${mode}&period=${period}`),
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
