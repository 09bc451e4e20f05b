/**
 * The playfield: 10 columns, 40 rows (20 visible, 20 hidden above for spawning and kicks), y = 0
 * at the bottom. A board is a list of row strings in the contract's format (docs/contract.md): bottom row
 * first, each exactly 10 characters, `.` empty, a piece letter filled. Boards are never changed in
 * place: a placement returns a new list, so any game state can be kept and compared.
 */
import { cellsAt, SHAPES, type Piece } from './pieces';

export const WIDTH = 10;
export const HEIGHT = 40;
export const VISIBLE_HEIGHT = 20;
export const EMPTY_ROW = '.'.repeat(WIDTH);

export type Board = readonly string[];

export function emptyBoard(height = HEIGHT): Board {
  return Array.from({ length: height }, () => EMPTY_ROW);
}

/** A board from row strings, bottom row first (the published format), padded to `height` rows. */
export function boardFromRows(rows: readonly string[], height = HEIGHT): Board {
  rows.forEach((row, y) => {
    if (row.length !== WIDTH) {
      throw new Error(`row ${y} is ${row.length} characters long; rows are exactly ${WIDTH}`);
    }
  });
  return [...rows, ...Array.from({ length: height - rows.length }, () => EMPTY_ROW)];
}

/** A cell counts as filled when occupied, beside the walls or below the floor; above is empty. */
export function isFilled(board: Board, x: number, y: number): boolean {
  if (x < 0 || x >= WIDTH || y < 0) {
    return true;
  }
  const row = board[y];
  return row !== undefined && row[x] !== '.';
}

/** Whether `piece` in `state` with its origin at (x, y) lies inside the field on empty cells. */
export function fits(board: Board, piece: Piece, state: number, x: number, y: number): boolean {
  for (const [dx, dy] of SHAPES[piece][state] ?? []) {
    const cx = x + dx;
    const cy = y + dy;
    if (cx < 0 || cx >= WIDTH || cy < 0 || cy >= board.length || board[cy]?.[cx] !== '.') {
      return false;
    }
  }
  return true;
}

/** How many rows the piece can fall from (x, y), where it fits, before it rests on something. */
export function dropDistance(board: Board, piece: Piece, state: number, x: number, y: number): number {
  let distance = 0;
  while (fits(board, piece, state, x, y - distance - 1)) {
    distance += 1;
  }
  return distance;
}

/** The board with the piece's cells filled by its letter; the caller has checked that it fits. */
export function place(board: Board, piece: Piece, state: number, x: number, y: number): Board {
  const rows = [...board];
  for (const [cx, cy] of cellsAt(piece, state, x, y)) {
    const row = rows[cy] ?? EMPTY_ROW;
    rows[cy] = row.slice(0, cx) + piece + row.slice(cx + 1);
  }
  return rows;
}

export function fullRows(board: Board): number[] {
  const full: number[] = [];
  board.forEach((row, y) => {
    if (!row.includes('.')) {
      full.push(y);
    }
  });
  return full;
}

/** The board without `rows`, everything above them fallen down, empty rows added at the top. */
export function clearRows(board: Board, rows: readonly number[]): Board {
  const removed = new Set(rows);
  const kept = board.filter((_, y) => !removed.has(y));
  return [...kept, ...Array.from({ length: rows.length }, () => EMPTY_ROW)];
}

/** Index of the highest row holding a filled cell, plus one; 0 for an empty board. */
export function stackHeight(board: Board): number {
  for (let y = board.length - 1; y >= 0; y -= 1) {
    if (board[y] !== EMPTY_ROW) {
      return y + 1;
    }
  }
  return 0;
}

/** The published board: bottom row first, rows above the highest filled one left out. */
export function publishedRows(board: Board): string[] {
  return board.slice(0, stackHeight(board));
}
