import type { MultiplayerLeaderboard, PlayerStats, SoloLeaderboard, Standings } from '../../api/types';

export function playerStats(overrides: Partial<PlayerStats> = {}): PlayerStats {
  return {
    user_id: 'u-1',
    username: 'alice',
    multiplayer: {
      matches: 8,
      wins: 3,
      win_rate: 0.375,
      average_placement: 1.88,
      best_score: 12_400,
      total_score: 51_000,
      lines_cleared: 160,
      garbage_sent: 90,
      garbage_received: 70,
      pieces_placed: 1200,
      play_time_ms: 5_400_000,
      pps: 0.22,
      apm: 1,
      last_played_at: '2026-11-30T12:01:00Z',
      analysed_matches: 8,
      vs: 41.5,
      app: 0.412,
      ds_s: 0.1234,
    },
    solo: {
      matches: 0,
      best_score: null,
      total_score: 0,
      lines_cleared: 0,
      pieces_placed: 0,
      play_time_ms: 0,
      pps: null,
      best_level: null,
      last_played_at: null,
      analysed_runs: 0,
      kpp: null,
      finesse_faults_per_piece: null,
    },
    solo_bests: { marathon: null, sprint: null, blitz: null },
    ...overrides,
  };
}

export const soloBoard: SoloLeaderboard = {
  period: 'all',
  mode: 'marathon',
  results: [
    { rank: 1, user_id: 'u-2', username: 'bob', best_score: 90_000, match_id: 'm-9', achieved_at: '2026-11-29T10:00:00Z', duration_ms: 300_000 },
    { rank: 2, user_id: 'u-1', username: 'alice', best_score: 12_000, match_id: 'm-3', achieved_at: '2026-11-28T10:00:00Z', duration_ms: 95_000 },
  ],
};

export const multiplayerBoard: MultiplayerLeaderboard = {
  period: 'all',
  results: [{ rank: 1, user_id: 'u-1', username: 'alice', wins: 30, matches: 80, win_rate: 0.375, average_placement: 1.88 }],
};

export const standings: Standings = {
  tournament_id: 'cup',
  refreshed_at: '2026-11-30T12:05:00Z',
  standings: [
    { rank: 1, player_id: 'u-1', user_id: 'u-1', username: 'alice', matches: 3, wins: 2, points: 5, average_placement: 1.33, total_score: 9000 },
    { rank: 2, player_id: 'guest-7', user_id: null, username: null, matches: 3, wins: 1, points: 4, average_placement: 1.67, total_score: 7000 },
  ],
};
