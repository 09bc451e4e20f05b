import { useEffect, useRef } from 'react';

const CELL = 16;
const COLUMNS = 10;
const VISIBLE_ROWS = 22;
const COLOURS: Record<string, string> = {
  I: '#31c7ef',
  O: '#f7d308',
  T: '#ad4d9c',
  S: '#42b642',
  Z: '#ef2029',
  J: '#5a65ad',
  L: '#ef7921',
};
const GARBAGE = '#8a8a8a';

/** One player's board drawn on a canvas; the rows it shows are in data-rows for tools and tests. */
export function BoardCanvas({ name, rows }: { name: string; rows: string[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    context.fillStyle = '#111418';
    context.fillRect(0, 0, COLUMNS * CELL, VISIBLE_ROWS * CELL);
    context.strokeStyle = '#1e242b';
    for (let x = 0; x <= COLUMNS; x += 1) {
      context.beginPath();
      context.moveTo(x * CELL + 0.5, 0);
      context.lineTo(x * CELL + 0.5, VISIBLE_ROWS * CELL);
      context.stroke();
    }
    rows.slice(0, VISIBLE_ROWS).forEach((row, y) => {
      for (let x = 0; x < COLUMNS; x += 1) {
        const cell = row[x] ?? '.';
        if (cell === '.') continue;
        context.fillStyle = COLOURS[cell] ?? GARBAGE;
        context.fillRect(x * CELL + 1, (VISIBLE_ROWS - 1 - y) * CELL + 1, CELL - 2, CELL - 2);
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
