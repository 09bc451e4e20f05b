/**
 * The seven tetrominoes, their SRS rotation states and kick tables, as game/engine/pieces.py has
 * them (the shared fixture guideline.json holds both engines to the same tables).
 *
 * Coordinates follow docs/contract.md: x is the column (0 at the left), y the row (0 at the bottom),
 * so +y is up, which is also how the SRS kick tables are usually published. A piece's origin is
 * the centre of its 3x3 box (J L S T Z), the second cell from the left of the flat I, or the O's
 * bottom-left cell. Every piece spawns with its origin at (4, 20), just above the visible 20 rows.
 */

export const PIECES = ['I', 'O', 'T', 'S', 'Z', 'J', 'L'] as const;
export type Piece = (typeof PIECES)[number];
export const ROTATIONS = ['0', 'R', '2', 'L'] as const;
export type Rotation = (typeof ROTATIONS)[number];
export const SPAWN_X = 4;
export const SPAWN_Y = 20;

export type Offset = readonly [number, number];
export type Cells = readonly Offset[];

const STATE0: Record<Exclude<Piece, 'I' | 'O'>, Cells> = {
  T: [[-1, 0], [0, 0], [1, 0], [0, 1]],
  S: [[-1, 0], [0, 0], [0, 1], [1, 1]],
  Z: [[-1, 1], [0, 1], [0, 0], [1, 0]],
  J: [[-1, 1], [-1, 0], [0, 0], [1, 0]],
  L: [[1, 1], [-1, 0], [0, 0], [1, 0]],
};

// With +y up, a clockwise quarter turn maps (x, y) to (y, -x).
function rotateCw(cells: Cells): Cells {
  return cells.map(([x, y]) => [y, -x === 0 ? 0 : -x] as const);
}

function buildShapes(): Record<Piece, readonly Cells[]> {
  const shapes = {} as Record<Piece, readonly Cells[]>;
  for (const [piece, cells] of Object.entries(STATE0) as [Piece, Cells][]) {
    const states: Cells[] = [cells];
    for (let turn = 0; turn < 3; turn += 1) {
      states.push(rotateCw(states[states.length - 1] as Cells));
    }
    shapes[piece] = states;
  }
  // The I turns inside its 4x4 box rather than about a cell, so its four states are listed.
  shapes.I = [
    [[-1, 0], [0, 0], [1, 0], [2, 0]],
    [[1, 1], [1, 0], [1, -1], [1, -2]],
    [[-1, -1], [0, -1], [1, -1], [2, -1]],
    [[0, 1], [0, 0], [0, -1], [0, -2]],
  ];
  const o: Cells = [[0, 0], [1, 0], [0, 1], [1, 1]];
  shapes.O = [o, o, o, o];
  return shapes;
}

export const SHAPES: Readonly<Record<Piece, readonly Cells[]>> = buildShapes();

/** Kick tests by "start>end" state index, e.g. "0>1" for spawn to R. */
export const JLSTZ_KICKS: Readonly<Record<string, Cells>> = {
  '0>1': [[0, 0], [-1, 0], [-1, 1], [0, -2], [-1, -2]],
  '1>0': [[0, 0], [1, 0], [1, -1], [0, 2], [1, 2]],
  '1>2': [[0, 0], [1, 0], [1, -1], [0, 2], [1, 2]],
  '2>1': [[0, 0], [-1, 0], [-1, 1], [0, -2], [-1, -2]],
  '2>3': [[0, 0], [1, 0], [1, 1], [0, -2], [1, -2]],
  '3>2': [[0, 0], [-1, 0], [-1, -1], [0, 2], [-1, 2]],
  '3>0': [[0, 0], [-1, 0], [-1, -1], [0, 2], [-1, 2]],
  '0>3': [[0, 0], [1, 0], [1, 1], [0, -2], [1, -2]],
};

export const I_KICKS: Readonly<Record<string, Cells>> = {
  '0>1': [[0, 0], [-2, 0], [1, 0], [-2, -1], [1, 2]],
  '1>0': [[0, 0], [2, 0], [-1, 0], [2, 1], [-1, -2]],
  '1>2': [[0, 0], [-1, 0], [2, 0], [-1, 2], [2, -1]],
  '2>1': [[0, 0], [1, 0], [-2, 0], [1, -2], [-2, 1]],
  '2>3': [[0, 0], [2, 0], [-1, 0], [2, 1], [-1, -2]],
  '3>2': [[0, 0], [-2, 0], [1, 0], [-2, -1], [1, 2]],
  '3>0': [[0, 0], [1, 0], [-2, 0], [1, -2], [-2, 1]],
  '0>3': [[0, 0], [-1, 0], [2, 0], [-1, 2], [2, -1]],
};

// 180-degree turns test only the zero offset, as the Python engine does: SRS has no 180 turn,
// and the common 180 tables have six tests, which would not fit the contract's kick index 0-4.
const ZERO: Cells = [[0, 0]];

/** The kick tests, in order, for turning `piece` from state index `start` to `end`. */
export function kickOffsets(piece: Piece, start: number, end: number): Cells {
  if (piece === 'O' || (((start - end) % 4) + 4) % 4 === 2) {
    return ZERO;
  }
  const table = piece === 'I' ? I_KICKS : JLSTZ_KICKS;
  return table[`${start}>${end}`] ?? ZERO;
}

/** The four board cells of `piece` in state index `state` with its origin at (x, y). */
export function cellsAt(piece: Piece, state: number, x: number, y: number): [number, number][] {
  return (SHAPES[piece][state] ?? []).map(([dx, dy]) => [x + dx, y + dy]);
}
