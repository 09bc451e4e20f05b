import { describe, expect, it } from 'vitest';
import type { GameEvent } from '../../api/types';
import { boardsAt, buildReplayIndex, nextTick, previousTick, withoutFullRows } from './boardModel';

const ev = (tick: number, type: string, player_id: string | null, data: Record<string, unknown> = {}): GameEvent => ({
  tick,
  type,
  player_id,
  data,
});

// A reused room: the match starts at tick 1000, not 0.
const events: GameEvent[] = [
  ev(1000, 'game_start', null, { players: [{ player_id: 'a' }, { player_id: 'b' }], config: { tick_rate: 30 } }),
  ev(1010, 'piece_lock', 'a', { board: ['IIII......'], score: 10 }),
  ev(1020, 'piece_lock', 'b', { board: ['OO........', 'OO........'], score: 20 }),
  ev(1030, 'piece_lock', 'a', { board: ['IIIIJJJJJJ', '......J...'], score: 140 }),
  ev(1030, 'line_clear', 'a', { rows: [0], count: 1 }),
  ev(1050, 'piece_lock', 'b', { board: ['OOOOOOOOOO', 'OOOOOOOOOO', 'LL........', '..........'], score: 320 }),
  ev(1050, 'line_clear', 'b', { rows: [0, 1], count: 2 }),
  ev(1090, 'game_end', null, {}),
];
const moments: GameEvent[] = [ev(1050, 'tetris', 'b', { lines: 4 }), ev(1030, 'elimination', 'a', { placement: 2 })];

describe('withoutFullRows', () => {
  it('drops full rows and the empty rows left on top, keeping the characters as published', () => {
    expect(withoutFullRows(['XXXXXXXXXX', 'Z.........', 'IIIIIIIIII', '..........'])).toEqual(['Z.........']);
    expect(withoutFullRows(['GGGGGGGGGG'])).toEqual([]);
    expect(withoutFullRows([])).toEqual([]);
  });
});

describe('boardsAt', () => {
  const index = buildReplayIndex(events, moments);

  it('knows the room ticks, the tick rate and the players in seat order', () => {
    expect(index.startTick).toBe(1000);
    expect(index.endTick).toBe(1090);
    expect(index.tickRate).toBe(30);
    expect(index.players.map((player) => player.playerId)).toMatchObject(['a', 'b']);
  });

  it('is empty before a player first locks', () => {
    expect(boardsAt(index, 1000)).toMatchObject([
      { playerId: 'a', rows: [], score: 0, lines: 0 },
      { playerId: 'b', rows: [], score: 0, lines: 0 },
    ]);
  });

  it('shows the last lock with tick ≤ t, full rows removed, with its score and the lines so far', () => {
    expect(boardsAt(index, 1010)[0]).toMatchObject({ playerId: 'a', rows: ['IIII......'], score: 10, lines: 0 });
    expect(boardsAt(index, 1029)[0]).toMatchObject({ playerId: 'a', rows: ['IIII......'], score: 10, lines: 0 });
    expect(boardsAt(index, 1030)[0]).toMatchObject({ playerId: 'a', rows: ['......J...'], score: 140, lines: 1 });
    expect(boardsAt(index, 1049)[1]).toMatchObject({ playerId: 'b', rows: ['OO........', 'OO........'], score: 20, lines: 0 });
    expect(boardsAt(index, 1090)[1]).toMatchObject({ playerId: 'b', rows: ['LL........'], score: 320, lines: 2 });
  });

  it('shows the held piece, the garbage on its way and an eliminated board’s placement', () => {
    const played = buildReplayIndex([
      ev(0, 'game_start', null, { players: [{ player_id: 'a' }, { player_id: 'b' }] }),
      ev(1, 'piece_spawn', 'a', { piece: 'T' }),
      ev(2, 'input', 'a', { action: 'hold' }),
      ev(2, 'piece_spawn', 'a', { piece: 'S' }),
      ev(3, 'input', 'a', { action: 'hold', ok: false }),
      ev(5, 'piece_lock', 'b', { board: ['IIII......'], score: 0 }),
      ev(6, 'garbage_sent', 'b', { to: 'a', rows: 3 }),
      ev(8, 'piece_lock', 'a', { board: ['SS........'], score: 0 }),
      ev(9, 'garbage_sent', 'b', { to: 'a', rows: 2 }),
      ev(12, 'elimination', 'a', { placement: 2 }),
    ]);
    const a = (t: number) => boardsAt(played, t)[0];
    expect([a(1)?.hold, a(2)?.hold, a(3)?.hold]).toEqual([null, 'T', 'T']); // a blocked hold keeps it
    expect([a(5)?.incoming, a(6)?.incoming, a(8)?.incoming, a(9)?.incoming]).toEqual([0, 3, 0, 2]);
    expect([a(11)?.outPlacement, a(12)?.outPlacement, a(12)?.incoming]).toEqual([null, 2, 0]);
  });

  it('defaults to 60 ticks a second without config.tick_rate', () => {
    expect(buildReplayIndex([ev(5, 'game_start', null, { players: [] })]).tickRate).toBe(60);
  });

  it('orders moments by tick', () => {
    expect(index.moments.map((moment) => moment.type)).toEqual(['elimination', 'tetris']);
  });
});

describe('previous and next', () => {
  const index = buildReplayIndex(events, moments);
  it('steps between the locks of any player', () => {
    expect(index.lockTicks).toEqual([1010, 1020, 1030, 1050]);
    expect(nextTick(index.lockTicks, 1000)).toBe(1010);
    expect(nextTick(index.lockTicks, 1020)).toBe(1030);
    expect(nextTick(index.lockTicks, 1050)).toBeNull();
    expect(previousTick(index.lockTicks, 1030)).toBe(1020);
    expect(previousTick(index.lockTicks, 1035)).toBe(1030);
    expect(previousTick(index.lockTicks, 1010)).toBeNull();
  });
});
