import { useEffect, useRef } from 'react';
import { cellColour, paintCell, paintGrid } from '../../components/boardPaint';

const CELL = 16;
const COLUMNS = 10;
const VISIBLE_ROWS = 22;

/** One player's board drawn on a canvas; the rows it shows are in data-rows for tools and tests. */
export function BoardCanvas({ name, rows }: { name: string; rows: string[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    context.clearRect(0, 0, COLUMNS * CELL, VISIBLE_ROWS * CELL);
    paintGrid(context, COLUMNS, VISIBLE_ROWS, CELL);
    rows.slice(0, VISIBLE_ROWS).forEach((row, y) => {
      for (let x = 0; x < COLUMNS; x += 1) {
        const cell = row[x] ?? '.';
        if (cell !== '.') paintCell(context, x, y, cellColour(cell), VISIBLE_ROWS, CELL);
      }
    });
  }, [rows]);
  return (
    <canvas
      ref={canvas}
      className="board"
      width={COLUMNS * CELL}
      height={VISIBLE_ROWS * CELL}
      role="img"
      aria-label={`Board of ${name}`}
      data-rows={JSON.stringify(rows)}
    />
  );
}
