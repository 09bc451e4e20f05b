import { describe, expect, it } from 'vitest';
import { publishedRows } from './board';
import { act, advance, GUIDELINE_RULES, newGame, nextPieces, spawn, type Game, type Rules } from './engine';
import { PIECES } from './pieces';
import { newBag, takePiece } from './random';
import { gravityMsPerRow, levelFor } from './scoring';

const hardDrop = (game: Game): Game => act(game, 'hard_drop')[0];

describe('7-bag', () => {
  it('holds every piece once in each run of seven from a bag boundary, for any seed', () => {
    for (let seed = 0; seed < 200; seed += 1) {
      let bag = newBag(seed, 5);
      const taken = [];
      for (let i = 0; i < 70; i += 1) {
        let piece;
        [piece, bag] = takePiece(bag, 5);
        taken.push(piece);
      }
      for (let start = 0; start < 70; start += 7) {
        expect([...taken.slice(start, start + 7)].sort()).toEqual([...PIECES].sort());
      }
    }
  });

  it('is the same for the same seed and differs between seeds', () => {
    const first = (seed: number) => {
      let game = newGame(seed);
      const seen = [game.active?.piece];
      for (let i = 0; i < 20; i += 1) {
        game = hardDrop(act(game, i % 2 ? 'move_left' : 'move_right')[0]);
        seen.push(game.active?.piece);
      }
      return seen.join('');
    };
    expect(first(7)).toBe(first(7));
    expect(new Set(Array.from({ length: 20 }, (_, seed) => first(seed))).size).toBe(20);
  });

  it('shows a next queue of five that the following pieces come from', () => {
    const game = newGame(3);
    const queue = nextPieces(game);
    expect(queue).toHaveLength(5);
    expect(hardDrop(game).active?.piece).toBe(queue[0]);
    expect(nextPieces(hardDrop(game)).slice(0, 4)).toEqual(queue.slice(1));
  });
});

describe('hold', () => {
  it('keeps the piece, brings the next one, and refuses a second hold before the lock', () => {
    const game = newGame(1);
    const first = game.active?.piece;
    const upcoming = nextPieces(game)[0];
    const [held, ok] = act(game, 'hold');
    expect(ok.ok).toBe(true);
    expect(held.hold).toBe(first);
    expect(held.active?.piece).toBe(upcoming);
    const [again, refused] = act(held, 'hold');
    expect(refused.ok).toBe(false);
    expect(again).toBe(held);
    const [swapped, allowed] = act(hardDrop(held), 'hold');
    expect(allowed.ok).toBe(true);
    expect(swapped.active?.piece).toBe(first);
    expect(swapped.active).toMatchObject({ state: 0, x: 4, y: 20 });
  });
});

describe('gravity and level', () => {
  it('follows the guideline gravity curve', () => {
    expect(gravityMsPerRow(1)).toBeCloseTo(1000);
    expect(gravityMsPerRow(2)).toBeCloseTo(793);
    expect(gravityMsPerRow(5)).toBeCloseTo(355.2, 0);
    expect(gravityMsPerRow(10)).toBeCloseTo(64.2, 0);
    expect(levelFor(0)).toBe(1);
    expect(levelFor(9)).toBe(1);
    expect(levelFor(10)).toBe(2);
    expect(levelFor(47)).toBe(5);
  });

  it('drops the piece a row a second at level 1', () => {
    const game = newGame(2);
    expect(advance(game, 999).active?.y).toBe(20);
    expect(advance(game, 1000).active?.y).toBe(19);
    let stepped = game;
    for (let i = 0; i < 250 * 3; i += 1) {
      stepped = advance(stepped, 4);
    }
    expect(stepped.active?.y).toBe(17);
    expect(stepped.elapsedMs).toBe(3000);
  });

  it('soft drop falls twenty times faster and scores a point a row', () => {
    const game = newGame(2);
    const dropped = advance(game, 500, true);
    expect(dropped.active?.y).toBe(10);
    expect(dropped.dropPoints).toBe(10);
  });
});

describe('lock delay', () => {
  const grounded = (rules: Rules = GUIDELINE_RULES): Game => {
    const game = spawn(newGame(5, rules), 'O');
    return { ...game, active: game.active && { ...game.active, y: 0 }, lowestY: 0 };
  };

  it('locks a grounded piece after 500 ms', () => {
    const touching = advance(grounded(), 4);
    expect(touching.pieces).toBe(0);
    expect(advance(touching, 495).pieces).toBe(0);
    expect(advance(touching, 496).pieces).toBe(1);
    expect(publishedRows(advance(touching, 496).board)).toEqual(['....OO....', '....OO....']);
  });

  it('restarts on a move on the ground, at most 15 times', () => {
    let game = advance(grounded(), 4);
    for (let reset = 0; reset < 15; reset += 1) {
      game = advance(game, 400);
      game = act(game, reset % 2 ? 'move_left' : 'move_right')[0];
      expect(game.lockMs).toBe(0);
    }
    game = advance(game, 400);
    expect(game.pieces).toBe(0);
    game = act(game, 'move_right')[0];
    expect(game.resets).toBe(15);
    expect(game.lockMs).toBe(400);
    expect(advance(game, 100).pieces).toBe(1);
  });
});

describe('top-out', () => {
  it('ends the game when the next piece cannot spawn (block out)', () => {
    // Row 20, where every piece spawns, is taken in column 4, which every spawn shape covers.
    const rows = Array.from({ length: 20 }, () => 'XXXX.XXXXX');
    const over = newGame(4, GUIDELINE_RULES, [...rows, '....X.....']);
    expect(over.topOut).toBe('block_out');
    expect(over.active).toBeNull();
    expect(act(over, 'hard_drop')[1].ok).toBe(false);
    expect(advance(over, 1000)).toBe(over);
  });

  it('ends the game when a piece locks wholly above the visible field (lock out)', () => {
    const game = spawn(newGame(4, GUIDELINE_RULES, Array.from({ length: 20 }, () => '...XXX....')), 'T');
    const over = hardDrop(game);
    expect(over.topOut).toBe('lock_out');
    expect(over.pieces).toBe(1);
  });

  it('ends a game of only hard drops', () => {
    let game = newGame(9);
    while (game.topOut === null && game.pieces < 100) {
      game = hardDrop(game);
    }
    expect(game.topOut).not.toBeNull();
    expect(game.pieces).toBeLessThan(30);
  });
});
