import type { Match, MatchPlayer } from '../api/types';

export function player(overrides: Partial<MatchPlayer> = {}): MatchPlayer {
  return {
    user_id: 'u-1',
    username: 'alice',
    player_id: 'u-1',
    placement: 1,
    score: 1200,
    lines_cleared: 10,
    garbage_sent: 4,
    garbage_received: 2,
    pieces_placed: 60,
    duration_ms: 60_000,
    level: null,
    pps: 1,
    apm: 4,
    ...overrides,
  };
}

export function match(id: string, overrides: Partial<Match> = {}): Match {
  return {
    id,
    game_type: 'tetris',
    room_id: 'room-1',
    mode: 'multiplayer',
    player_count: 2,
    started_at: '2026-11-30T12:00:00Z',
    ended_at: '2026-11-30T12:01:00Z',
    tournament_id: null,
    solo_mode: null,
    verified: null,
    players: [player(), player({ user_id: null, username: null, player_id: 'guest-7', placement: 2, score: 300 })],
    ...overrides,
  };
}
