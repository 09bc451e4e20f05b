/**
 * One solo field by the guideline: active piece, hold, next queue, gravity by level, lock delay
 * with capped move resets, drops, line clears, T-spins, scoring and top-out.
 *
 * Pure: every function takes a Game and returns a new one (boards are row lists, never changed
 * in place), so a seed and a list of inputs always give the same game. Time is in milliseconds of
 * play; the caller decides how it is sliced (simulation.ts steps it at a fixed rate).
 */
import {
  boardFromRows,
  clearRows,
  dropDistance,
  emptyBoard,
  fits,
  fullRows,
  place,
  publishedRows,
  VISIBLE_HEIGHT,
  type Board,
} from './board';
import { cellsAt, kickOffsets, ROTATIONS, SPAWN_X, SPAWN_Y, type Piece, type Rotation } from './pieces';
import { newBag, takePiece, type BagState } from './random';
import {
  clearPoints,
  gravityMsPerRow,
  HARD_DROP_POINTS_PER_ROW,
  levelFor,
  SOFT_DROP_POINTS_PER_ROW,
} from './scoring';
import { isDifficult, tSpin, type Spin } from './spin';

export const ACTIONS = [
  'move_left',
  'move_right',
  'rotate_cw',
  'rotate_ccw',
  'rotate_180',
  'soft_drop',
  'hard_drop',
  'hold',
] as const;
export type Action = (typeof ACTIONS)[number];

const TURNS: Partial<Record<Action, number>> = { rotate_cw: 1, rotate_ccw: 3, rotate_180: 2 };

export interface Rules {
  /** ms a grounded piece waits before it locks (the guideline's 500). */
  readonly lockDelayMs: number;
  /** Moves or rotations on the ground that restart the lock delay, per lowest row reached. */
  readonly maxLockResets: number;
  readonly nextCount: number;
  /** Soft drop falls this many times faster than gravity (the guideline's 20). */
  readonly softDropFactor: number;
  /** ms a row at a level; tests pass () => Infinity for a piece that only moves when told. */
  readonly gravityMs: (level: number) => number;
  /** Sprint: the game is won when this many lines are cleared (modes.ts). */
  readonly lineGoal?: number;
  /** Blitz: the game ends when this much play has passed (modes.ts). */
  readonly timeLimitMs?: number;
}

export const GUIDELINE_RULES: Rules = {
  lockDelayMs: 500,
  maxLockResets: 15,
  nextCount: 5,
  softDropFactor: 20,
  gravityMs: gravityMsPerRow,
};

export interface ActivePiece {
  readonly piece: Piece;
  readonly state: number;
  readonly x: number;
  readonly y: number;
}

/** What the last placement did, for the display and for tests. */
export interface Placement {
  readonly piece: Piece;
  readonly rotation: Rotation;
  readonly cells: readonly (readonly [number, number])[];
  /** The board after the piece was placed and before full rows were cleared (published rows). */
  readonly board: readonly string[];
  readonly clearedRows: readonly number[];
  readonly spin: Spin;
  readonly backToBack: boolean;
  readonly perfectClear: boolean;
  /** Points of this placement, drop points included. */
  readonly points: number;
}

export type TopOut = 'block_out' | 'lock_out';

export interface Game {
  readonly rules: Rules;
  readonly board: Board;
  readonly active: ActivePiece | null;
  readonly hold: Piece | null;
  readonly holdUsed: boolean;
  readonly bag: BagState;
  readonly score: number;
  readonly lines: number;
  readonly level: number;
  readonly pieces: number;
  readonly combo: number;
  /** Consecutive difficult clears; 0 when the last clear was not difficult. */
  readonly b2bChain: number;
  readonly lastWasRotation: boolean;
  readonly lastKick: number;
  /** Drop points are earned while dropping and booked at the lock, as in the Python engine. */
  readonly dropPoints: number;
  readonly gravityMs: number;
  readonly lockMs: number;
  readonly resets: number;
  readonly lowestY: number;
  /** ms of play (advance() only runs while the game runs, so pauses are not in it). */
  readonly elapsedMs: number;
  readonly last: Placement | null;
  readonly topOut: TopOut | null;
  /** The mode's goal was reached (a sprint's lines, a blitz's time): over, and not by topping out. */
  readonly finished: boolean;
}

export interface ActionResult {
  readonly action: Action;
  readonly ok: boolean;
  readonly kick?: number;
  readonly distance?: number;
}

/** A new game: the seed decides every piece; the first one is in play. */
export function newGame(seed: number, rules: Rules = GUIDELINE_RULES, rows: readonly string[] = []): Game {
  const game: Game = {
    rules,
    board: rows.length ? boardFromRows(rows) : emptyBoard(),
    active: null,
    hold: null,
    holdUsed: false,
    bag: newBag(seed, rules.nextCount),
    score: 0,
    lines: 0,
    level: 1,
    pieces: 0,
    combo: -1,
    b2bChain: 0,
    lastWasRotation: false,
    lastKick: 0,
    dropPoints: 0,
    gravityMs: 0,
    lockMs: 0,
    resets: 0,
    lowestY: SPAWN_Y,
    elapsedMs: 0,
    last: null,
    topOut: null,
    finished: false,
  };
  return spawn(game, null);
}

export function nextPieces(game: Game): readonly Piece[] {
  return game.bag.queue.slice(0, game.rules.nextCount);
}

export function isOver(game: Game): boolean {
  return game.topOut !== null || game.finished;
}

/** Bring `piece` (from hold) or the next piece in; a blocked spawn tops the game out. */
export function spawn(game: Game, piece: Piece | null): Game {
  let bag = game.bag;
  let kind = piece;
  if (kind === null) {
    [kind, bag] = takePiece(bag, game.rules.nextCount);
  }
  const fresh = { ...game, bag, gravityMs: 0, lockMs: 0, resets: 0, lowestY: SPAWN_Y, lastWasRotation: false, lastKick: 0 };
  if (!fits(game.board, kind, 0, SPAWN_X, SPAWN_Y)) {
    return { ...fresh, active: null, topOut: 'block_out' };
  }
  return { ...fresh, active: { piece: kind, state: 0, x: SPAWN_X, y: SPAWN_Y } };
}

/** Where the active piece would land: the ghost. */
export function ghost(game: Game): ActivePiece | null {
  const a = game.active;
  if (a === null) {
    return null;
  }
  return { ...a, y: a.y - dropDistance(game.board, a.piece, a.state, a.x, a.y) };
}

export function activeCells(piece: ActivePiece): [number, number][] {
  return cellsAt(piece.piece, piece.state, piece.x, piece.y);
}

function movedTo(game: Game, active: ActivePiece): Game {
  if (active.y < game.lowestY) {
    // Reaching a new lowest row gives the piece a fresh set of lock resets (guideline).
    return { ...game, active, lowestY: active.y, resets: 0, lockMs: 0 };
  }
  return { ...game, active };
}

function afterGroundMove(game: Game): Game {
  if (game.lockMs > 0 && game.resets < game.rules.maxLockResets) {
    return { ...game, resets: game.resets + 1, lockMs: 0 };
  }
  return game;
}

/** Perform one input. After a hard drop the piece is locked and the next one in play. */
export function act(game: Game, action: Action): [Game, ActionResult] {
  const a = game.active;
  if (a === null || isOver(game)) {
    return [game, { action, ok: false }];
  }
  const turn = TURNS[action];
  if (action === 'move_left' || action === 'move_right') {
    const x = a.x + (action === 'move_left' ? -1 : 1);
    if (!fits(game.board, a.piece, a.state, x, a.y)) {
      return [game, { action, ok: false }];
    }
    return [afterGroundMove({ ...movedTo(game, { ...a, x }), lastWasRotation: false }), { action, ok: true }];
  }
  if (turn !== undefined) {
    const end = (a.state + turn) % 4;
    const kicks = kickOffsets(a.piece, a.state, end);
    for (let kick = 0; kick < kicks.length; kick += 1) {
      const [dx, dy] = kicks[kick] as readonly [number, number];
      if (fits(game.board, a.piece, end, a.x + dx, a.y + dy)) {
        const turned = movedTo(game, { ...a, state: end, x: a.x + dx, y: a.y + dy });
        return [{ ...afterGroundMove(turned), lastWasRotation: true, lastKick: kick }, { action, ok: true, kick }];
      }
    }
    return [game, { action, ok: false }];
  }
  if (action === 'soft_drop') {
    if (!fits(game.board, a.piece, a.state, a.x, a.y - 1)) {
      return [game, { action, ok: false, distance: 0 }];
    }
    const dropped = movedTo(game, { ...a, y: a.y - 1 });
    return [
      { ...dropped, dropPoints: game.dropPoints + SOFT_DROP_POINTS_PER_ROW, lastWasRotation: false },
      { action, ok: true, distance: 1 },
    ];
  }
  if (action === 'hard_drop') {
    const distance = dropDistance(game.board, a.piece, a.state, a.x, a.y);
    const dropped: Game = distance
      ? {
          ...game,
          active: { ...a, y: a.y - distance },
          dropPoints: game.dropPoints + distance * HARD_DROP_POINTS_PER_ROW,
          lastWasRotation: false,
        }
      : game;
    return [lock(dropped), { action, ok: true, distance }];
  }
  if (game.holdUsed) {
    return [game, { action, ok: false }];
  }
  return [{ ...spawn({ ...game, hold: a.piece }, game.hold), holdUsed: true }, { action, ok: true }];
}

/** Let `ms` of play pass: gravity (faster while `softDrop` is held) and lock delay; a blitz's clock. */
export function advance(game: Game, ms: number, softDrop = false): Game {
  if (isOver(game)) {
    return game;
  }
  const g = fall(game, ms, softDrop);
  const limit = g.rules.timeLimitMs;
  return limit !== undefined && g.elapsedMs >= limit && !isOver(g) ? { ...g, finished: true } : g;
}

function fall(game: Game, ms: number, softDrop: boolean): Game {
  let g: Game = { ...game, elapsedMs: game.elapsedMs + ms };
  let a = g.active;
  if (a === null) {
    return g;
  }
  const gravity = g.rules.gravityMs(g.level);
  // Whole ms (docs/api.md), at least one so that the loop below ends.
  const interval = softDrop ? Math.max(1, Math.min(gravity, Math.round(gravity / g.rules.softDropFactor))) : gravity;
  let accumulated = g.gravityMs + ms;
  let dropPoints = g.dropPoints;
  let lastWasRotation = g.lastWasRotation;
  while (accumulated >= interval) {
    if (!fits(g.board, a.piece, a.state, a.x, a.y - 1)) {
      accumulated = 0;
      break;
    }
    a = { ...a, y: a.y - 1 };
    accumulated -= interval;
    if (softDrop && interval < gravity) {
      dropPoints += SOFT_DROP_POINTS_PER_ROW;
      lastWasRotation = false;
    }
  }
  g = { ...movedTo(g, a), gravityMs: accumulated, dropPoints, lastWasRotation };
  if (fits(g.board, a.piece, a.state, a.x, a.y - 1)) {
    // Once the resets are used up, being kicked upwards must not buy a fresh lock delay.
    return g.resets < g.rules.maxLockResets ? { ...g, lockMs: 0 } : g;
  }
  const lockMs = g.lockMs + ms;
  return lockMs >= g.rules.lockDelayMs ? lock(g) : { ...g, lockMs };
}

function lock(game: Game): Game {
  const a = game.active;
  if (a === null) {
    return game;
  }
  const cells = activeCells(a);
  const placed = place(game.board, a.piece, a.state, a.x, a.y);
  const full = fullRows(placed);
  const lines = full.length;
  const spin = tSpin(placed, { ...a, lastWasRotation: game.lastWasRotation, lastKick: game.lastKick, lines });
  const board = lines ? clearRows(placed, full) : placed;
  const perfectClear = lines > 0 && publishedRows(board).length === 0;
  let combo = -1;
  let b2bChain = game.b2bChain;
  let backToBack = false;
  if (lines) {
    combo = game.combo + 1;
    if (isDifficult(lines, spin)) {
      backToBack = b2bChain > 0;
      b2bChain += 1;
    } else {
      b2bChain = 0;
    }
  }
  const points =
    game.dropPoints + clearPoints({ lines, spin, backToBack, combo, perfectClear, level: game.level });
  const total = game.lines + lines;
  const locked: Game = {
    ...game,
    board,
    active: null,
    holdUsed: false,
    score: game.score + points,
    lines: total,
    level: levelFor(total),
    pieces: game.pieces + 1,
    combo,
    b2bChain,
    dropPoints: 0,
    last: {
      piece: a.piece,
      rotation: ROTATIONS[a.state] ?? '0',
      cells,
      board: publishedRows(placed),
      clearedRows: full,
      spin,
      backToBack,
      perfectClear,
      points,
    },
  };
  if (lines === 0 && cells.every(([, y]) => y >= VISIBLE_HEIGHT)) {
    return { ...locked, topOut: 'lock_out' };
  }
  const goal = game.rules.lineGoal;
  if (goal !== undefined && total >= goal) {
    return { ...locked, finished: true };
  }
  return spawn(locked, null);
}
