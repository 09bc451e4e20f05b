/**
 * Scripted play for the browser tests, computed with the same engine and seed as the page:
 * each piece's keys (the solo game's controls) are found by trying them on the engine, so the page
 * fed the same keys plays the same game. Pure; no browser here.
 */
import { dropDistance, fits, stackHeight, WIDTH, type Board } from '../../src/game/board';
import { act, isOver, newGame, type Action, type Game } from '../../src/game/engine';

import { gravityMsPerRow } from '../../src/game/scoring';

/** A key to tap (KeyboardEvent.code), or a soft drop held for `ms`. */
export type Stroke = { readonly tap: string } | { readonly softDropMs: number };

const KEY_OF: Partial<Record<Action, string>> = {
  move_left: 'ArrowLeft',
  move_right: 'ArrowRight',
  rotate_cw: 'KeyX',
  rotate_ccw: 'KeyZ',
  rotate_180: 'KeyA',
  hard_drop: 'Space',
  hold: 'KeyC',
};

const TURNS: readonly (readonly Action[])[] = [[], ['rotate_cw'], ['rotate_180'], ['rotate_ccw']];

function play(game: Game, actions: readonly Action[]): Game | null {
  let g = game;
  for (const action of actions) {
    const [next, result] = act(g, action);
    if (!result.ok) {
      return null;
    }
    g = next;
  }
  return g;
}

/** Every (turn, shift) then hard drop of the piece in play, with the game it leaves. */
export function placements(game: Game): { actions: Action[]; after: Game }[] {
  const found: { actions: Action[]; after: Game }[] = [];
  for (const turn of TURNS) {
    for (let shift = -5; shift <= 5; shift += 1) {
      const side: Action = shift < 0 ? 'move_left' : 'move_right';
      const actions: Action[] = [...turn, ...Array.from({ length: Math.abs(shift) }, () => side), 'hard_drop'];
      const after = play(game, actions);
      if (after !== null) {
        found.push({ actions, after });
      }
    }
  }
  return found;
}

function columnHeights(board: Board): number[] {
  const heights = Array.from({ length: WIDTH }, () => 0);
  const top = stackHeight(board);
  for (let y = 0; y < top; y += 1) {
    for (let x = 0; x < WIDTH; x += 1) {
      if (board[y]?.[x] !== '.') {
        heights[x] = y + 1;
      }
    }
  }
  return heights;
}

/** Empty cells with a filled cell somewhere above them in their column. */
export function holes(board: Board): [number, number][] {
  const heights = columnHeights(board);
  const found: [number, number][] = [];
  heights.forEach((height, x) => {
    for (let y = 0; y < height; y += 1) {
      if (board[y]?.[x] === '.') {
        found.push([x, y]);
      }
    }
  });
  return found;
}

/** A plain evaluation (aggregate height, holes, bumpiness, lines): enough to clear lines steadily. */
export function evaluate(before: Game, after: Game): number {
  const heights = columnHeights(after.board);
  const aggregate = heights.reduce((a, b) => a + b, 0);
  const bumpiness = heights.slice(1).reduce((sum, h, i) => sum + Math.abs(h - (heights[i] ?? 0)), 0);
  return -0.51 * aggregate + 0.76 * (after.lines - before.lines) - 0.36 * holes(after.board).length * 3 - 0.18 * bumpiness;
}

export const toStrokes = (actions: readonly Action[]): Stroke[] =>
  actions.map((action) => ({ tap: KEY_OF[action] ?? 'Space' }));

/**
 * A game from `seed` that clears at least `lines` lines, then tops out by hard drops in the
 * middle. Returns each piece's strokes and the engine's final game, whose figures the page shows.
 */
export function planToppingOut(seed: number, lines: number): { pieces: Stroke[][]; final: Game } {
  let game = newGame(seed);
  const pieces: Stroke[][] = [];
  while (!isOver(game) && pieces.length < 1000) {
    let actions: Action[] = ['hard_drop'];
    if (game.lines < lines) {
      let best = -Infinity;
      for (const option of placements(game)) {
        const value = isOver(option.after) ? -1e9 : evaluate(game, option.after);
        if (value > best) {
          best = value;
          actions = option.actions;
        }
      }
    }
    game = play(game, actions) ?? game;
    pieces.push(toStrokes(actions));
  }
  return { pieces, final: game };
}

/** The soft drop the page does while ↓ is held for `rows` rows at `level`, with a margin short of the lock delay. */
function softDrop(rows: number, level: number): Stroke {
  const interval = gravityMsPerRow(level) / 20;
  return { softDropMs: Math.ceil(rows * interval + Math.min(100, interval * 2)) };
}

export interface SpinPlan {
  readonly pieces: Stroke[][];
  /** The game just before the T-spin piece is played, and just after. */
  readonly before: Game;
  readonly after: Game;
}

const FINISH_TURNS: readonly (readonly Action[])[] = [
  ['rotate_cw'],
  ['rotate_ccw'],
  ['rotate_cw', 'rotate_cw'],
  ['rotate_ccw', 'rotate_ccw'],
];

/** A T-spin double for the T in play: turn and shift at the top, soft drop to the floor, turn, hard drop. */
function tSpinDouble(game: Game): { strokes: Stroke[]; after: Game } | null {
  for (const turn of TURNS) {
    for (let shift = -5; shift <= 5; shift += 1) {
      const side: Action = shift < 0 ? 'move_left' : 'move_right';
      const top = play(game, [...turn, ...Array.from({ length: Math.abs(shift) }, () => side)]);
      const a = top?.active;
      if (!top || !a) {
        continue;
      }
      const rows = dropDistance(top.board, a.piece, a.state, a.x, a.y);
      let low = top;
      for (let r = 0; r < rows; r += 1) {
        low = act(low, 'soft_drop')[0];
      }
      for (const finish of FINISH_TURNS) {
        const turned = play(low, finish);
        const t = turned?.active;
        // The hard drop must not move the piece, or the spin is gone.
        if (!turned || !t || fits(turned.board, t.piece, t.state, t.x, t.y - 1)) {
          continue;
        }
        const after = play(turned, ['hard_drop']);
        if (after?.last?.spin === 'full' && after.last.clearedRows.length === 2) {
          const strokes = [...toStrokes([...turn, ...Array.from({ length: Math.abs(shift) }, () => side)])];
          strokes.push(softDrop(rows, game.level), ...toStrokes([...finish, 'hard_drop']));
          return { strokes, after };
        }
      }
    }
  }
  return null;
}

/**
 * Searches the first pieces of `seed` for placements that leave a T-spin double slot, keeping the
 * T in hold until the slot is ready: no line cleared before, at most three rows used, no covered
 * empty cell but the slot's. Returns null when this seed's first pieces do not allow one.
 */
export function planTSpinDouble(seed: number, maxPieces = 7): SpinPlan | null {
  // Different orders of the same placements reach the same position: each is searched once.
  const seen = new Set<string>();
  const filled = (board: Board, y: number) => (board[y] ?? '').replace(/\./g, '').length;
  const search = (game: Game, pieces: Stroke[][], depth: number): SpinPlan | null => {
    const a = game.active;
    if (!a || isOver(game)) {
      return null;
    }
    const key = `${game.board.slice(0, 3).join('')}|${game.hold ?? ''}|${game.holdUsed}|${game.pieces}|${a.piece}`;
    if (seen.has(key)) {
      return null;
    }
    seen.add(key);
    const tInHand = a.piece === 'T' ? game : game.hold === 'T' && !game.holdUsed ? play(game, ['hold']) : null;
    // A T-spin double leaves two full rows: the slot's rows lack exactly 1 and 3 cells.
    if (tInHand && filled(game.board, 0) === 9 && filled(game.board, 1) === 7) {
      const spin = tSpinDouble(tInHand);
      if (spin) {
        const holdStroke = a.piece === 'T' ? [] : toStrokes(['hold']);
        return { pieces: [...pieces, [...holdStroke, ...spin.strokes]], before: game, after: spin.after };
      }
    }
    if (depth >= maxPieces) {
      return null;
    }
    // The T waits in hold; when hold holds something else, the T cannot be kept and this path ends.
    let from = game;
    let prefix: Action[] = [];
    if (a.piece === 'T') {
      if (game.hold !== null || game.holdUsed) {
        return null;
      }
      from = play(game, ['hold']) ?? game;
      prefix = ['hold'];
    }
    for (const option of placements(from)) {
      const board = option.after.board;
      if (option.after.lines > 0 || stackHeight(board) > 3 || holes(board).length > 1 || isOver(option.after)) {
        continue;
      }
      const found = search(option.after, [...pieces, toStrokes([...prefix, ...option.actions])], depth + 1);
      if (found) {
        return found;
      }
    }
    return null;
  };
  return search(newGame(seed), [], 0);
}

