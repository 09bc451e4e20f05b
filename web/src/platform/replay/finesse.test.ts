import { describe, expect, it } from 'vitest';
import type { AnalysedPlayer, Analysis } from '../analysis/api';
import { buildReplayIndex } from './boardModel';
import { finesseSummary, judgedPlayers } from './finesse';

const ev = (tick: number, type: string, player_id: string | null) => ({ tick, type, player_id, data: {} });
// A solo replay: ticks are ms (tick rate 1000), 0 to 10 s.
const index = buildReplayIndex([
  { ...ev(0, 'game_start', null), data: { players: [{ player_id: 'solo' }], config: { tick_rate: 1000 } } },
  ev(10_000, 'game_end', null),
]);

function analysed(playerId: string, finesse: Partial<AnalysedPlayer>): AnalysedPlayer {
  return { player_id: playerId, kpp: null, finesse_faults: null, ...finesse } as AnalysedPlayer;
}

const analysis = (...players: AnalysedPlayer[]): Analysis => ({ rules_version: 2, tick_rate: 1000, start_tick: 0, players, knockouts: [] });

describe('finesse marks', () => {
  const solo = analysed('solo', {
    kpp: 2.2,
    finesse_judged: 3,
    finesse_faults: 2,
    finesse_fault_placements: [
      { tick: 300, piece: 'L', presses: 4, fewest: 2 },
      { tick: 7_500, piece: 'T', presses: 3, fewest: 2 },
    ],
  });

  it('marks each fault where its lock falls on the timeline, told in words', () => {
    const summary = finesseSummary(analysis(solo), null, index);
    expect(summary).toMatchObject({ playerId: 'solo', judged: 3, faults: 2, kpp: 2.2 });
    expect(summary?.marks.map((mark) => [mark.tick, mark.left])).toEqual([
      [300, 3],
      [7_500, 75],
    ]);
    expect(summary?.marks[1]?.label).toBe('Finesse fault at 0:07: T placed with 3 presses, 2 would do');
  });

  it('has nothing for a multiplayer analysis, whose key presses are unknown', () => {
    const multiplayer = analysis(analysed('a', {}), analysed('b', { finesse_fault_placements: null }));
    expect(judgedPlayers(multiplayer)).toEqual([]);
    expect(finesseSummary(multiplayer, 'a', index)).toBeNull();
    expect(finesseSummary(null, null, index)).toBeNull();
  });

  it('follows the player in focus among the judged ones', () => {
    const other = analysed('other', { finesse_judged: 1, finesse_faults: 0, finesse_fault_placements: [] });
    expect(finesseSummary(analysis(solo, other), 'other', index)).toMatchObject({ playerId: 'other', faults: 0, marks: [] });
    expect(finesseSummary(analysis(solo, other), 'nobody', index)?.playerId).toBe('solo');
  });
});
