// The engine held to the positions and tables of the fixture the Python engine's tests read too
// (tests/game/engine/test_guideline_fixture.py), so the two engines cannot drift apart.
import { describe, expect, it } from 'vitest';
import fixture from './fixtures/guideline.json';
import { boardFromRows, publishedRows } from './board';
import { act, activeCells, advance, newGame, spawn, type Action, type Game, type Rules } from './engine';
import { cellsAt, I_KICKS, JLSTZ_KICKS, kickOffsets, PIECES, ROTATIONS, SHAPES, SPAWN_X, SPAWN_Y, type Piece } from './pieces';
import {
  B2B_TETRIS_PERFECT_CLEAR_POINTS,
  clearPoints,
  COMBO_POINTS_PER_STEP,
  HARD_DROP_POINTS_PER_ROW,
  LINE_POINTS,
  PERFECT_CLEAR_POINTS,
  SOFT_DROP_POINTS_PER_ROW,
} from './scoring';
import { tSpin, type Spin } from './spin';

// No gravity and no lock delay to speak of: pieces move only when a case says so.
const STILL: Rules = {
  lockDelayMs: 1e9,
  maxLockResets: 15,
  nextCount: 5,
  softDropFactor: 20,
  gravityMs: () => Infinity,
};
// 'fall': gravity so strong that one ms brings the piece to rest, still without locking it.
const FALLING: Rules = { ...STILL, gravityMs: () => 1 / 64 };

const sortCells = (cells: readonly (readonly [number, number])[]): number[][] =>
  cells.map(([x, y]) => [x, y]).sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0) || (a[1] ?? 0) - (b[1] ?? 0));

describe('tables shared with the Python engine', () => {
  it('spawns every piece where the fixture says', () => {
    expect(fixture.spawn.x).toBe(SPAWN_X);
    expect(fixture.spawn.y).toBe(SPAWN_Y);
    for (const piece of PIECES) {
      expect(sortCells(cellsAt(piece, 0, SPAWN_X, SPAWN_Y))).toEqual(fixture.spawn.cells[piece]);
    }
  });

  it('has the same four states for every piece', () => {
    for (const piece of PIECES) {
      expect(SHAPES[piece].map((cells) => cells.map(([x, y]) => [x, y]))).toEqual(fixture.shapes[piece]);
    }
  });

  it('has the SRS kick tables, and 180 turns and the O try only the zero offset', () => {
    const asLists = (table: Record<string, readonly (readonly [number, number])[]>) =>
      Object.fromEntries(Object.entries(table).map(([key, offsets]) => [key, offsets.map(([x, y]) => [x, y])]));
    expect(asLists(JLSTZ_KICKS)).toEqual(fixture.kicks.JLSTZ);
    expect(asLists(I_KICKS)).toEqual(fixture.kicks.I);
    expect(kickOffsets('T', 0, 2)).toEqual(fixture.kicks['180']);
    expect(kickOffsets('I', 1, 3)).toEqual(fixture.kicks['180']);
    expect(kickOffsets('O', 0, 1)).toEqual(fixture.kicks.O);
    expect(kickOffsets('J', 3, 0)).toEqual(fixture.kicks.JLSTZ['3>0']);
  });

  it('has the guideline scoring tables', () => {
    const s = fixture.scoring;
    expect(LINE_POINTS).toEqual(s.line_points);
    expect(PERFECT_CLEAR_POINTS).toEqual(s.perfect_clear_points);
    expect(B2B_TETRIS_PERFECT_CLEAR_POINTS).toBe(s.b2b_tetris_perfect_clear_points);
    expect(SOFT_DROP_POINTS_PER_ROW).toBe(s.soft_drop_points_per_row);
    expect(HARD_DROP_POINTS_PER_ROW).toBe(s.hard_drop_points_per_row);
    expect(COMBO_POINTS_PER_STEP).toBe(s.combo_points_per_step);
  });

  it.each(fixture.scoring.cases)('scores $lines lines ($spin, b2b $back_to_back, combo $combo, PC $perfect_clear, level $level) as $points', (c) => {
    const points = clearPoints({
      lines: c.lines,
      spin: c.spin as Spin,
      backToBack: c.back_to_back,
      combo: c.combo,
      perfectClear: c.perfect_clear,
      level: c.level,
    });
    expect(points).toBe(c.points);
  });

  it.each(fixture.spins)('judges a $piece in $rotation at ($x, $y) as $spin', (c) => {
    const spin = tSpin(boardFromRows(c.board), {
      piece: c.piece as Piece,
      state: ROTATIONS.indexOf(c.rotation as (typeof ROTATIONS)[number]),
      x: c.x,
      y: c.y,
      lastWasRotation: c.last_was_rotation,
      lastKick: c.last_kick,
      lines: c.lines,
    });
    expect(spin).toBe(c.spin);
  });
});

describe('known positions shared with the Python engine', () => {
  it.each(fixture.positions)('$name', (position) => {
    let game: Game = newGame(0, STILL, position.board);
    for (const stepCase of position.steps) {
      const s = stepCase as typeof stepCase & { board?: string[] };
      if (s.board) {
        game = { ...game, board: boardFromRows(s.board) };
      }
      game = spawn(game, s.piece as Piece);
      const inputs: Record<string, unknown>[] = [];
      const piecesBefore = game.pieces;
      const scoreBefore = game.score;
      for (const action of s.actions) {
        if (action === 'fall') {
          game = { ...advance({ ...game, rules: FALLING }, 1), rules: STILL };
          continue;
        }
        const [next, result] = act(game, action as Action);
        game = next;
        inputs.push({ ...result });
      }
      const expected = s.expect as Record<string, unknown>;
      expect(inputs).toEqual(expected.inputs);
      const locked = game.pieces > piecesBefore;
      expect(locked).toBe('lock' in expected);
      if (locked && game.last) {
        const last = game.last;
        expect({
          piece: last.piece,
          rotation: last.rotation,
          cells: sortCells(last.cells),
          board: last.board,
        }).toEqual(expected.lock);
        expect(last.clearedRows).toEqual(expected.cleared_rows);
        expect(last.spin).toBe(expected.spin);
        expect(game.score - scoreBefore).toBe(expected.points);
        expect(game.score).toBe(expected.score);
        expect(game.b2bChain).toBe(expected.b2b_chain);
        expect(game.combo).toBe(expected.combo);
      }
      expect(game.topOut !== null).toBe(expected.top_out === true);
      if ('board_after' in expected) {
        expect(publishedRows(game.board)).toEqual(expected.board_after);
      }
      if ('active' in expected) {
        const active = game.active;
        expect(active && { piece: active.piece, rotation: ROTATIONS[active.state], cells: sortCells(activeCells(active)) }).toEqual(
          expected.active,
        );
      }
      if ('hold' in expected) {
        expect(game.hold).toBe(expected.hold);
      }
    }
  });
});
