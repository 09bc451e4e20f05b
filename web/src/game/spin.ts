/**
 * T-spin recognition by the guideline's 3-corner rule, as docs/contract.md states it and
 * game/engine/spin.py implements it. Judged on the board after placement and before clearing.
 */
import { isFilled, type Board } from './board';
import type { Offset, Piece } from './pieces';

export type Spin = 'none' | 'mini' | 'full';

// For each T state ("0" "R" "2" "L"): the two diagonal corners on the side it points to.
const FRONT: readonly (readonly [Offset, Offset])[] = [
  [[-1, 1], [1, 1]],
  [[1, 1], [1, -1]],
  [[-1, -1], [1, -1]],
  [[-1, 1], [-1, -1]],
];
const CORNERS: readonly Offset[] = [[-1, 1], [1, 1], [-1, -1], [1, -1]];

export interface SpinCheck {
  readonly piece: Piece;
  readonly state: number;
  /** The piece's origin, which for T is its centre cell. */
  readonly x: number;
  readonly y: number;
  /** Whether the last effective action on the piece was a rotation. */
  readonly lastWasRotation: boolean;
  /** That rotation's kick index (0-4). */
  readonly lastKick: number;
  readonly lines: number;
}

export function tSpin(board: Board, check: SpinCheck): Spin {
  const { piece, state, x, y } = check;
  if (piece !== 'T' || !check.lastWasRotation) {
    return 'none';
  }
  const corners = CORNERS.filter(([dx, dy]) => isFilled(board, x + dx, y + dy)).length;
  if (corners < 3) {
    return 'none';
  }
  const front = (FRONT[state] ?? []).filter(([dx, dy]) => isFilled(board, x + dx, y + dy)).length;
  if (front < 2 && check.lastKick !== 4 && check.lines !== 3) {
    return 'mini';
  }
  return 'full';
}

/** A clear that keeps a back-to-back chain alive: a tetris, or any T-spin clearing rows. */
export function isDifficult(lines: number, spin: Spin): boolean {
  return lines === 4 || (lines > 0 && spin !== 'none');
}
