import { minutesSeconds } from '../../lib/format';
import type { MomentMark, ReplayIndex } from './boardModel';

/** The names the pages give the moment types (docs/contract.md lists them). */
export const MOMENT_TYPE_NAMES: Record<string, string> = {
  tetris: 'Tetris',
  t_spin_single: 'T-spin single',
  t_spin_double: 'T-spin double',
  t_spin_triple: 'T-spin triple',
  back_to_back: 'Back-to-back',
  garbage_surge: 'Garbage surge',
  near_death_survival: 'Near-death survival',
  elimination: 'Elimination',
  comeback: 'Comeback',
  perfect_clear: 'Perfect clear',
};

export function momentTypeName(type: string): string {
  return MOMENT_TYPE_NAMES[type] ?? type.replace(/_/g, ' ').replace(/^./, (first) => first.toUpperCase());
}

/** "{Type} by {name} at {m:ss}", the time counted from the match's game_start. */
export function momentLabel(moment: MomentMark, index: ReplayIndex, nameOf: (playerId: string) => string): string {
  const who = moment.playerId === null ? 'everyone' : nameOf(moment.playerId);
  const ms = ((moment.tick - index.startTick) * 1000) / index.tickRate;
  return `${momentTypeName(moment.type)} by ${who} at ${minutesSeconds(ms)}`;
}
