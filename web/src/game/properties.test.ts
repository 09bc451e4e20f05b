// Property tests: whatever the inputs and timing, the active piece lies inside the field on empty
// cells, the stack keeps its shape, and the counters add up.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fits, HEIGHT, WIDTH } from './board';
import { act, ACTIONS, advance, newGame, type Action, type Game } from './engine';

// Weighted toward side moves and turns, so that pieces reach the walls and the stack before they
// lock; waits let gravity and lock delay act, now and then for long enough to lock the piece.
const action = fc.oneof(
  { arbitrary: fc.constantFrom<Action>('move_left', 'move_right'), weight: 6 },
  { arbitrary: fc.constantFrom<Action>('rotate_cw', 'rotate_ccw', 'rotate_180'), weight: 4 },
  { arbitrary: fc.constantFrom(...ACTIONS), weight: 2 },
);
const move = fc.oneof(
  { arbitrary: fc.record({ action }), weight: 5 },
  { arbitrary: fc.record({ wait: fc.integer({ min: 1, max: 1200 }), softDrop: fc.boolean() }), weight: 1 },
);

/** What is wrong with the game, or null. Plain checks: expect() per step would be slow here. */
function problem(game: Game): string | null {
  if (game.board.length !== HEIGHT || game.board.some((row) => row.length !== WIDTH)) {
    return 'the board lost its shape';
  }
  const a = game.active;
  if (a !== null && !fits(game.board, a.piece, a.state, a.x, a.y)) {
    return `the ${a.piece} at (${a.x}, ${a.y}) overlaps the stack or leaves the board`;
  }
  if (a === null && game.topOut === null) {
    return 'no piece in play, yet the game is not over';
  }
  const filled = game.board.join('').replace(/\./g, '').length;
  // Every lock adds 4 cells and every cleared line takes 10 away.
  if (filled !== 4 * game.pieces - 10 * game.lines) {
    return `${filled} filled cells after ${game.pieces} pieces and ${game.lines} lines`;
  }
  return null;
}

describe('any sequence of inputs', () => {
  it('never leaves a piece overlapping the stack or outside the board', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.array(move, { maxLength: 400 }), (seed, moves) => {
        let game = newGame(seed);
        expect(problem(game)).toBeNull();
        for (const m of moves) {
          game = 'action' in m ? act(game, m.action)[0] : advance(game, m.wait, m.softDrop);
          const wrong = problem(game);
          if (wrong !== null) {
            expect(wrong).toBeNull();
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
