/**
 * Finesse faults on the replay's timeline (docs/api.md, match analysis), pure: which players of the
 * analysis have their key presses judged (a verified solo run's), and the marks of one of them.
 */
import { minutesSeconds } from '../../lib/format';
import type { AnalysedPlayer, Analysis } from '../analysis/api';
import type { ReplayIndex } from './boardModel';

export interface FinesseMark {
  tick: number;
  /** Where on the timeline, 0 to 100. */
  left: number;
  label: string;
}

export interface FinesseSummary {
  playerId: string;
  judged: number;
  faults: number;
  kpp: number | null;
  marks: FinesseMark[];
}

/** The players whose finesse was judged: null for everyone in a multiplayer match (its inputs are actions). */
export function judgedPlayers(analysis: Analysis | null | undefined): AnalysedPlayer[] {
  return (analysis?.players ?? []).filter((player) => Array.isArray(player.finesse_fault_placements));
}

/** The finesse of `playerId` (the first judged player when null), with a mark for each fault; null when none was judged. */
export function finesseSummary(analysis: Analysis | null | undefined, playerId: string | null, index: ReplayIndex): FinesseSummary | null {
  const judged = judgedPlayers(analysis);
  const player = judged.find((candidate) => candidate.player_id === playerId) ?? judged[0];
  if (!player) return null;
  const span = Math.max(1, index.endTick - index.startTick);
  const marks = (player.finesse_fault_placements ?? []).map((fault) => {
    const at = minutesSeconds(((fault.tick - index.startTick) * 1000) / index.tickRate);
    return {
      tick: fault.tick,
      left: Math.min(100, Math.max(0, ((fault.tick - index.startTick) / span) * 100)),
      label: `Finesse fault at ${at}: ${fault.piece} placed with ${fault.presses} presses, ${fault.fewest} would do`,
    };
  });
  return {
    playerId: player.player_id,
    judged: player.finesse_judged ?? marks.length,
    faults: player.finesse_faults ?? marks.length,
    kpp: player.kpp,
    marks,
  };
}
