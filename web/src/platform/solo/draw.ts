/** Drawing a field on a canvas: the stack, the ghost and the falling piece. No state of its own. */
import { VISIBLE_HEIGHT, WIDTH, type Board } from '../../game/board';
import { cellsAt, type Piece } from '../../game/pieces';
import type { ActivePiece } from '../../game/engine';
import { cellColour, paintCell, paintGrid } from '../../components/boardPaint';

export const CELL = 28;
/** Rows shown above the visible field, where pieces spawn, so a new piece is seen at once. */
export const SPAWN_ROWS = 2;

export function drawField(
  ctx: CanvasRenderingContext2D,
  board: Board,
  active: ActivePiece | null,
  ghost: ActivePiece | null,
): void {
  const rowsShown = VISIBLE_HEIGHT + SPAWN_ROWS;
  ctx.clearRect(0, 0, WIDTH * CELL, rowsShown * CELL);
  paintGrid(ctx, WIDTH, VISIBLE_HEIGHT, CELL, SPAWN_ROWS * CELL);
  for (let y = 0; y < rowsShown; y += 1) {
    const row = board[y] ?? '';
    for (let x = 0; x < WIDTH; x += 1) {
      const ch = row[x];
      if (ch !== undefined && ch !== '.') {
        paintCell(ctx, x, y, cellColour(ch), rowsShown, CELL);
      }
    }
  }
  if (ghost && active && ghost.y !== active.y) {
    ctx.strokeStyle = cellColour(ghost.piece);
    ctx.lineWidth = 2;
    for (const [x, y] of cellsAt(ghost.piece, ghost.state, ghost.x, ghost.y)) {
      if (y < rowsShown) {
        ctx.strokeRect(x * CELL + 3, (rowsShown - 1 - y) * CELL + 3, CELL - 6, CELL - 6);
      }
    }
  }
  if (active) {
    for (const [x, y] of cellsAt(active.piece, active.state, active.x, active.y)) {
      if (y < rowsShown) {
        paintCell(ctx, x, y, cellColour(active.piece), rowsShown, CELL);
      }
    }
  }
}

export const PREVIEW_CELL = 18;

/** Pieces drawn one under the other (the hold box, the next queue). */
export function drawPreview(ctx: CanvasRenderingContext2D, pieces: readonly (Piece | null)[], dim: boolean): void {
  const slot = PREVIEW_CELL * 3;
  ctx.clearRect(0, 0, PREVIEW_CELL * 5, slot * pieces.length);
  pieces.forEach((piece, index) => {
    if (piece === null) {
      return;
    }
    const cells = cellsAt(piece, 0, 0, 0);
    const xs = cells.map(([x]) => x);
    const ys = cells.map(([, y]) => y);
    const width = Math.max(...xs) - Math.min(...xs) + 1;
    const height = Math.max(...ys) - Math.min(...ys) + 1;
    const left = (5 - width) / 2 - Math.min(...xs);
    const top = index * slot + ((3 - height) / 2) * PREVIEW_CELL;
    ctx.fillStyle = dim ? '#555' : cellColour(piece);
    for (const [x, y] of cells) {
      ctx.fillRect((left + x) * PREVIEW_CELL + 1, top + (Math.max(...ys) - y) * PREVIEW_CELL + 1, PREVIEW_CELL - 2, PREVIEW_CELL - 2);
    }
  });
}
