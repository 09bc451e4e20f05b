/**
 * Guideline scoring (the tables of game/engine/scoring.py, held equal by the shared fixture), and
 * the solo game's level and gravity, which the Python engine does not have.
 */
import type { Spin } from './spin';

export const LINE_POINTS: Readonly<Record<Spin, readonly number[]>> = {
  none: [0, 100, 300, 500, 800],
  mini: [100, 200, 400],
  full: [400, 800, 1200, 1600],
};
// Perfect clear bonus by rows cleared (guideline, 2016 onwards); a back-to-back tetris PC gets more.
export const PERFECT_CLEAR_POINTS: readonly number[] = [0, 800, 1200, 1800, 2000];
export const B2B_TETRIS_PERFECT_CLEAR_POINTS = 3200;
export const SOFT_DROP_POINTS_PER_ROW = 1;
export const HARD_DROP_POINTS_PER_ROW = 2;
export const COMBO_POINTS_PER_STEP = 50;

export interface Clear {
  readonly lines: number;
  readonly spin: Spin;
  /** True when this difficult clear continues a chain (x1.5 on the clear). */
  readonly backToBack: boolean;
  /** The combo counter after this placement: 0 for the first clear in a row, -1 for none. */
  readonly combo: number;
  readonly perfectClear: boolean;
  readonly level: number;
}

/** Points for one placement, drop points excluded. */
export function clearPoints(clear: Clear): number {
  const { lines, level } = clear;
  let points = (LINE_POINTS[clear.spin][lines] ?? 0) * level;
  if (clear.backToBack) {
    points = Math.floor((points * 3) / 2);
  }
  if (lines > 0 && clear.combo > 0) {
    points += COMBO_POINTS_PER_STEP * clear.combo * level;
  }
  if (clear.perfectClear) {
    points +=
      (clear.backToBack && lines === 4 ? B2B_TETRIS_PERFECT_CLEAR_POINTS : (PERFECT_CLEAR_POINTS[lines] ?? 0)) * level;
  }
  return points;
}

/** The guideline's level = 1 + lines / 10 (rounded down). */
export function levelFor(lines: number): number {
  return 1 + Math.floor(lines / 10);
}

/**
 * The guideline's gravity, (0.8 - (level - 1) * 0.007)^(level - 1) seconds a row, in whole ms and at
 * least 1: every timer is an integer (docs/api.md), and a table leaves no Math.pow rounding to
 * differ between the browser's JavaScript engine and the server's.
 */
export const GRAVITY_MS: readonly number[] = [1000, 793, 618, 473, 355, 262, 190, 135, 94, 64, 43, 28, 18, 11, 7, 4, 3];

export function gravityMsPerRow(level: number): number {
  return GRAVITY_MS[Math.max(0, level - 1)] ?? 1;
}
